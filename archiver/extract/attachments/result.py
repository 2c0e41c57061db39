"""How a reader's findings become an :class:`~archiver.records.attachments.AttachmentText`:
the status follows from what was read, so no reader can hand back empty text that looks whole.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from archiver.extract.attachments.limits import TextBudget
from archiver.extract.attachments.meta import DocMeta
from archiver.records.attachments import AttachmentStatus, AttachmentText


def library(name: str) -> str:
    """``name`` and its installed version, e.g. ``pypdf 6.1.0``: the method of a record."""
    try:
        return f"{name} {version(name)}"
    except PackageNotFoundError:
        return name


def read_text(
    fmt: str,
    budget: TextBudget,
    meta: DocMeta,
    method: str,
    *,
    pages: int | None = None,
    cut: str | None = None,
    warnings: list[str] | None = None,
    text_source: str | None = None,
) -> AttachmentText:
    """The record of a file that was read: ``text``, ``partial`` (``cut`` says at what limit,
    or the text budget ran out) or ``empty`` (read whole, and it holds no text)."""
    warnings = list(warnings or [])
    text = budget.text()
    status: AttachmentStatus = "text"
    if budget.full and cut is None:
        cut = f"text cut at {budget.max_chars:,} characters"
    if cut is not None:
        status = "partial"
        warnings.insert(0, f"only part of the file was read: {cut}")
    elif not text.strip():
        status = "empty"
        warnings.insert(0, "the document holds no text")
    provenance = dict(meta.provenance)
    if text:
        provenance["text"] = text_source or method
    return AttachmentText(
        status=status,
        format=fmt,
        text=text,
        title=meta.title,
        created=meta.created,
        modified=meta.modified,
        pages=pages,
        method=method,
        warnings=warnings,
        provenance=provenance,
    )


def not_read(
    status: AttachmentStatus, fmt: str | None, warning: str, method: str | None = None
) -> AttachmentText:
    """The record of a file whose text could not be had: the status and the one reason."""
    return AttachmentText(status=status, format=fmt, method=method, warnings=[warning])
