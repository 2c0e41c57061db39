"""Spreadsheets: openpyxl (``.xlsx``, read-only, streaming) and xlrd (``.xls``, and WPS's
``.et``, which is the same binary).

Each sheet is its name on a line, then one line per row with the cells tab-separated (empty
rows left out), sheets separated by a blank line. A number is written as the sheet shows it
without its format (``12``, not ``12.0``), a date as ISO 8601. Reading stops at the cell limit.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from typing import Any

from archiver.extract.attachments.limits import Limits, TextBudget, check_zip
from archiver.extract.attachments.meta import DocMeta, clean_title, iso_utc, ole_meta
from archiver.extract.attachments.result import library, read_text
from archiver.records.attachments import AttachmentText


def read_xlsx(data: bytes, limits: Limits) -> AttachmentText:
    """The cells, title and dates of an ``.xlsx``. Raises on a file openpyxl cannot open."""
    import openpyxl

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_zip(archive, limits)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        props = book.properties
        meta = DocMeta()
        meta.set("title", clean_title(props.title), "docProps/core.xml dc:title")
        meta.set("created", iso_utc(props.created), "docProps/core.xml dcterms:created")
        meta.set("modified", iso_utc(props.modified), "docProps/core.xml dcterms:modified")
        sheets = [(ws.title, ws.iter_rows(values_only=True)) for ws in book.worksheets]
        budget, cut = _read_sheets(sheets, limits)
    finally:
        book.close()
    method = library("openpyxl")
    return read_text(
        "xlsx", budget, meta, method, pages=len(sheets), cut=cut, text_source=f"{method}: cells"
    )


def read_xls(data: bytes, limits: Limits) -> AttachmentText:
    """The cells, title and dates of an ``.xls`` (or ``.et``). Raises on a file xlrd refuses."""
    import olefile
    import xlrd

    with olefile.OleFileIO(data) as ole:
        meta = ole_meta(ole)
    book = xlrd.open_workbook(file_contents=data, on_demand=True)
    try:
        sheets = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            sheets.append((sheet.name, _xls_rows(sheet, book.datemode)))
        budget, cut = _read_sheets(sheets, limits)
    finally:
        book.release_resources()
    method = library("xlrd")
    return read_text(
        "xls", budget, meta, method, pages=len(sheets), cut=cut, text_source=f"{method}: cells"
    )


def _xls_rows(sheet: Any, datemode: int) -> Iterator[list[Any]]:
    import xlrd

    for r in range(sheet.nrows):
        row = []
        for cell in sheet.row(r):
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    row.append(xlrd.xldate.xldate_as_datetime(cell.value, datemode))
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    row.append(cell.value)
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                row.append(None)
            else:
                row.append(cell.value)
        yield row


def _read_sheets(
    sheets: Sequence[tuple[str, Iterable[Iterable[Any]]]], limits: Limits
) -> tuple[TextBudget, str | None]:
    budget = TextBudget(limits.max_chars)
    cells = 0
    for name, rows in sheets:
        named = False  # a sheet's name is written before its first filled row, if any
        for row in rows:
            values = [cell_text(v) for v in row]
            cells += len(values)
            if cells > limits.max_cells:
                return budget, f"the first {limits.max_cells:,} cells"
            line = "\t".join(values).rstrip("\t")
            if not line.strip():
                continue
            if not named:
                named = True
                if budget.lines:
                    budget.add("")
                budget.add(name)
            if not budget.add(line):
                return budget, None
    return budget, None


def cell_text(value: Any) -> str:
    """A cell's value as text: ``12`` for 12.0, ISO 8601 for a date, tabs and newlines as
    spaces (they separate cells and rows)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return " ".join(str(value).split())
