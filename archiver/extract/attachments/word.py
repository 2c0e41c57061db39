"""Word 2007+ (``.docx``): python-docx reads the body's paragraphs and tables in order, those
inside content controls included.

A table row is one line, its cells separated by tabs (a merged cell once). Headers, footers
and footnotes are left out: they repeat on every page and are not the document's text.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from archiver.extract.attachments.limits import Limits, TextBudget, check_zip
from archiver.extract.attachments.meta import DocMeta, clean_title, iso_utc
from archiver.extract.attachments.result import library, read_text
from archiver.records.attachments import AttachmentText


def read_docx(data: bytes, limits: Limits) -> AttachmentText:
    """The text, title and dates of a ``.docx``. Raises on a file python-docx cannot open."""
    import docx
    from docx.table import Table

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_zip(archive, limits)
    document = docx.Document(io.BytesIO(data))
    budget = TextBudget(limits.max_chars)
    for block in _blocks(document.element.body, document):
        lines = _table_lines(block) if isinstance(block, Table) else [block.text]
        if not all(budget.add(line) for line in lines):
            break
    return read_text(
        "docx",
        budget,
        _core_meta(document.core_properties),
        library("python-docx"),
        text_source=f"{library('python-docx')}: body paragraphs and tables",
    )


def _blocks(parent: Any, document: Any) -> Iterator[Any]:
    """The paragraphs and tables of ``parent`` in order, those inside content controls
    (``w:sdt``, which python-docx's own iteration skips) included."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document)
        elif child.tag == qn("w:tbl"):
            yield Table(child, document)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content, document)


def _table_lines(table: Any) -> list[str]:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[Any] = []  # the cells' XML elements, held so that identity holds
        for cell in row.cells:
            if any(cell._tc is tc for tc in seen):  # a merged cell repeats per grid column
                continue
            seen.append(cell._tc)
            cells.append(" ".join(cell.text.split("\n")))
        lines.append("\t".join(cells).rstrip("\t"))
    return lines


def _core_meta(core: Any) -> DocMeta:
    meta = DocMeta()
    meta.set("title", clean_title(core.title), "docProps/core.xml dc:title")
    meta.set("created", iso_utc(core.created), "docProps/core.xml dcterms:created")
    meta.set("modified", iso_utc(core.modified), "docProps/core.xml dcterms:modified")
    return meta
