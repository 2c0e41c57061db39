"""PDF: pypdf reads the text layer page by page, up to the page limit.

pypdf is pure Python (a hostile file can make it slow, never crash the process; the worker's
time limit stops it), decodes the CJK CMaps that Chinese PDFs use (``UniGB-UCS2-H`` and
``ToUnicode`` tables) and reads the document information dictionary for title and dates.

A page without text but with images is a scanned page: a PDF of such pages only is recorded
``image-only``, never as an empty text; a mixed one says which pages had no text layer.
"""

from __future__ import annotations

import io
from typing import Any

from archiver.extract.attachments.limits import Limits, TextBudget
from archiver.extract.attachments.meta import DocMeta, clean_title, pdf_date
from archiver.extract.attachments.result import library, not_read, read_text
from archiver.records.attachments import AttachmentText


def read_pdf(data: bytes, limits: Limits) -> AttachmentText:
    """The text layer, title and dates of a PDF. Raises on a file pypdf cannot open."""
    from pypdf import PdfReader

    method = library("pypdf")
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        return not_read("unreadable", "pdf", "the PDF is encrypted with a password", method)
    meta = _info_meta(reader)
    total = len(reader.pages)
    budget = TextBudget(limits.max_chars)
    warnings: list[str] = []
    textless: list[int] = []
    scanned: list[int] = []
    for number, page in enumerate(reader.pages, 1):
        if number > limits.max_pages or budget.full:
            break
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # one damaged page costs that page only
            warnings.append(f"page {number} could not be read: {_reason(exc)}")
            continue
        if text.strip():
            budget.add(text.strip("\n"))
        else:
            textless.append(number)
            if _has_images(page):
                scanned.append(number)
    read = min(total, limits.max_pages)
    if scanned and len(textless) == read and not budget.text().strip():
        what = "the page is an image" if read == 1 else f"all {read:,} pages are images"
        warning = f"no text layer: {what} (a scan: its words would need OCR)"
        result = not_read("image-only", "pdf", warning, method)
        result.title, result.created, result.modified = meta.title, meta.created, meta.modified
        result.pages, result.provenance = total, dict(meta.provenance)
        return result
    if scanned:
        warnings.append(f"no text layer on page(s) {_numbers(scanned)}: images only (a scan?)")
    cut = f"the first {limits.max_pages:,} of {total:,} pages" if total > limits.max_pages else None
    return read_text(
        "pdf", budget, meta, method, pages=total, cut=cut, warnings=warnings,
        text_source=f"{method}: text layer",
    )  # fmt: skip


def _info_meta(reader: Any) -> DocMeta:
    meta = DocMeta()
    try:
        info = reader.metadata or {}
    except Exception:  # a damaged information dictionary loses the metadata only
        return meta
    meta.set("title", clean_title(info.get("/Title")), "PDF /Info /Title")
    meta.set("created", pdf_date(info.get("/CreationDate")), "PDF /Info /CreationDate")
    meta.set("modified", pdf_date(info.get("/ModDate")), "PDF /Info /ModDate")
    return meta


def _has_images(page: Any, depth: int = 0) -> bool:
    """Whether the page (or a form it draws, two levels deep) draws an image."""
    try:
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else {}
        objects = resources.get("/XObject")
        objects = objects.get_object() if objects is not None else {}
        for ref in objects.values():
            obj = ref.get_object()
            subtype = obj.get("/Subtype")
            if subtype == "/Image":
                return True
            if subtype == "/Form" and depth < 2 and _has_images(obj, depth + 1):
                return True
    except Exception:  # a damaged resource dictionary: no image found there
        return False
    return False


def _numbers(pages: list[int]) -> str:
    shown = ", ".join(str(n) for n in pages[:20])
    return shown + (f" and {len(pages) - 20} more" if len(pages) > 20 else "")


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
