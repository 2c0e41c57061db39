"""The export formats: CSV, TSV, JSON and JSON Lines (``nl``), streamed one record at a time,
and a file that appears only whole.

A CSV cell that a spreadsheet would run as a formula is neutralised (:func:`spreadsheet_safe`);
the JSON formats hold every value as it is.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from itertools import islice, repeat
from pathlib import Path
from typing import IO, Any, Literal, overload

from archiver.records.fields import KIND_FIELDS, LIST_FIELDS, export_value

FORMATS = ("csv", "tsv", "json", "jsonl", "nl")
#: The size of an export file's write buffer.
_BUFFER_BYTES = 2**20
#: The delimiter of each separated-values format.
DELIMITERS = {"csv": ",", "tsv": "\t"}


def export_record(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The export record of a stored row: only ``fields``, in that order.

    A field of the other kind is null; a list field of the record's own kind is a list.
    """
    applies = KIND_FIELDS[row["kind"]]
    record = {}
    for name in fields:
        value = export_value(name, row) if name in applies else None
        if value is None and name in LIST_FIELDS and name in applies:
            value = []
        record[name] = value
    return record


def write_records(
    rows: Iterable[dict[str, Any]],
    out: IO[str],
    fmt: str,
    fields: tuple[str, ...],
) -> int:
    """Write stored records (``Archive.records``) to ``out`` as export records in ``fmt``."""
    return write_rows((export_record(row, fields) for row in rows), out, fmt, fields)


#: The first characters that make a spreadsheet (Excel, LibreOffice, Google Sheets) read a
#: cell as a formula or a command: = + - @, a tab, a carriage return. And the apostrophe
#: itself, so that neutralising can be undone without doubt.
FORMULA_STARTS = frozenset("=+-@\t\r'")


def spreadsheet_safe(value: Any) -> Any:
    """A text ``value`` starting with one of :data:`FORMULA_STARTS` with an apostrophe before
    it (``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``); any other value as it is. To undo it, drop
    the first character of every text cell that starts with an apostrophe."""
    if value.__class__ is str and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def spreadsheet_safe_sql(column: str) -> str:
    """:func:`spreadsheet_safe` in SQL, over the value of the expression ``column``."""
    # unicode() first: one code point read, and most cells end the test there (a number it
    # reads as its text, so typeof() keeps -1 as it is)
    return (
        f"CASE WHEN unicode({column}) IN (61, 43, 45, 64, 9, 13, 39) "
        f"AND typeof({column}) = 'text' THEN char(39) || {column} ELSE {column} END"
    )


def write_csv_tuples(
    rows: Iterable[tuple[Any, ...]], out: IO[str], fields: tuple[str, ...], *, delimiter: str = ","
) -> int:
    """Write rows as CSV (or TSV) under a header, each cell :func:`spreadsheet_safe`; return
    the count."""
    starts = FORMULA_STARTS
    return write_safe_csv_tuples(
        ([("'" + v) if v.__class__ is str and v[:1] in starts else v for v in row] for row in rows),
        out,
        fields,
        delimiter=delimiter,
    )


def write_safe_csv_tuples(
    rows: Iterable[Sequence[Any]], out: IO[str], fields: tuple[str, ...], *, delimiter: str = ","
) -> int:
    """Write rows whose cells are already spreadsheet-safe (``Archive.record_tuples`` with
    :func:`spreadsheet_safe_sql`: the fast path, no Python work per value) as CSV (or TSV)."""
    writer = csv.writer(out, lineterminator="\r\n", delimiter=delimiter)
    writer.writerow(fields)
    if len(fields) == 1:  # the csv module's own rule for a row of one empty cell
        n = 0
        for row in rows:
            writer.writerow(row)
            n += 1
        return n
    return _write_csv_lines(rows, out, delimiter)


def write_csv_utf8(
    rows: Iterable[Sequence[Any]], out: IO[str], fields: tuple[str, ...], *, delimiter: str = ","
) -> int:
    """:func:`write_csv_tuples` for rows whose text cells are UTF-8 bytes (read with
    ``text_factory = bytes``), written to the binary buffer under ``out`` as SQLite holds
    them, no value decoded and encoded again (a quarter less time than the text, made
    spreadsheet-safe in SQL). ``out`` must be a :func:`utf8_text_stream`; a BLOB, which no
    archive holds, is written as its bytes, made spreadsheet-safe as a text would be."""
    writer = csv.writer(out, lineterminator="\r\n", delimiter=delimiter)
    writer.writerow(fields)
    if len(fields) == 1:  # the csv module's own rule for a row of one empty cell
        n = 0
        for (value,) in rows:
            if value.__class__ is bytes:
                value = spreadsheet_safe(value.decode())
            writer.writerow((value,))
            n += 1
        return n
    out.flush()  # the header (after a BOM) before the lines
    binary: IO[bytes] = out.buffer  # type: ignore[attr-defined]
    return _write_utf8_blocks(rows, binary.write, ord(delimiter))


#: Rows taken at a time by :func:`_write_utf8_blocks`.
_BLOCK_ROWS = 128
#: What joins a column's cells while they are checked: a byte no check looks for.
_SEP = b"\x00"


def _write_utf8_blocks(
    rows: Iterable[Sequence[Any]], write: Callable[[bytes], object], delimiter: int
) -> int:
    """The lines of :func:`write_csv_utf8`, checked a column of a block of rows at a time.

    Most columns of a block need nothing done (no quote, delimiter or line break, no
    formula's first character, no number), which a few scans of the column's cells joined
    together show: those cells are written as they are, and only the other columns' cells
    one by one (``cell``), a tenth of the per-cell calls of an archive's usual export."""
    starts = frozenset(ord(c) for c in FORMULA_STARTS)
    prefixes = tuple(c.encode() for c in FORMULA_STARTS)
    formula_after_sep = re.compile(_SEP + b"[" + re.escape("".join(FORMULA_STARTS).encode()) + b"]")
    delimiter_bytes = bytes([delimiter])

    def cell(value: Any) -> bytes:
        if value.__class__ is bytes:
            if value and value[0] in starts:
                value = b"'" + value
            if 34 in value:  # "
                return b'"' + value.replace(b'"', b'""') + b'"'
            if delimiter in value or 10 in value or 13 in value:
                return b'"' + value + b'"'
            return value  # type: ignore[no-any-return]
        return b"" if value is None else str(value).encode()

    def checked(column: tuple[Any, ...]) -> Sequence[bytes]:
        if column[0] is None and column.count(None) == len(column):
            return (b"",) * len(column)  # a field of the other kind
        try:
            joined = _SEP.join(column)
        except TypeError:  # a None or a number among them
            return list(map(cell, column))
        if 34 in joined or delimiter in joined or 10 in joined or 13 in joined:
            return list(map(cell, column))
        # a formula's first character: in one scan of short cells (after each separator),
        # by each cell's start in long ones (a body), which a scan would read whole
        if len(joined) < 128 * len(column):
            if joined.startswith(prefixes) or formula_after_sep.search(joined):
                return list(map(cell, column))
        elif any(map(bytes.startswith, column, repeat(prefixes))):
            return list(map(cell, column))
        return column

    join = delimiter_bytes.join
    n = 0
    rows = iter(rows)
    while block := list(islice(rows, _BLOCK_ROWS)):
        lines = list(map(join, zip(*map(checked, zip(*block, strict=True)), strict=True)))
        lines.append(b"")
        write(b"\r\n".join(lines))
        n += len(block)
    return n


def utf8_text_stream(out: IO[str]) -> bool:
    """Whether ``out`` is a text file (or stdout) writing UTF-8 to a binary buffer of its
    own, which :func:`write_csv_utf8` can write to."""
    return (
        isinstance(out, io.TextIOWrapper)
        and codecs.lookup(out.encoding).name in ("utf-8", "utf-8-sig")
        and hasattr(out, "buffer")
    )


def _write_csv_lines(rows: Iterable[Sequence[Any]], out: IO[str], delimiter: str) -> int:
    # What csv.writer writes (QUOTE_MINIMAL, doubled quotes, CRLF), a third faster: a cell is
    # quoted when it holds the delimiter, a quote or a line break; None is empty.
    def cell(value: Any) -> str:
        if value.__class__ is str:
            if '"' in value:
                return '"' + value.replace('"', '""') + '"'
            if delimiter in value or "\n" in value or "\r" in value:
                return '"' + value + '"'
            return value  # type: ignore[no-any-return]
        return "" if value is None else str(value)

    return _write_lines(rows, out.write, cell, delimiter.join, "\r\n")


def _write_lines(
    rows: Iterable[Sequence[Any]],
    write: Callable[[Any], object],
    cell: Callable[[Any], Any],
    join: Callable[[Iterable[Any]], Any],
    crlf: Any,
) -> int:
    # lines written 64 at a time: a write costs more than the line's join
    lines: list[Any] = []
    add = lines.append
    n = 0
    for row in rows:
        add(join(map(cell, row)))
        if len(lines) == 64:
            add(crlf[:0])
            write(crlf.join(lines))
            n += 64
            lines.clear()
    if lines:
        n += len(lines)
        add(crlf[:0])
        write(crlf.join(lines))
    return n


def write_rows(
    records: Iterable[dict[str, Any]],
    out: IO[str],
    fmt: str,
    fields: tuple[str, ...],
) -> int:
    """Write ``records`` (dicts holding ``fields``) to ``out`` in ``fmt``; return the count."""
    records = iter(records)
    if fmt in DELIMITERS:
        return _write_csv(records, out, fields, DELIMITERS[fmt])
    if fmt in ("nl", "jsonl"):
        n = 0
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
        return n
    if fmt == "json":
        return _write_json_array(records, out)
    raise ValueError(f"unknown format {fmt!r}")


def _write_csv(
    records: Iterator[dict[str, Any]], out: IO[str], fields: tuple[str, ...], delimiter: str
) -> int:
    # List and object fields are written as JSON text: unambiguous, and read back with
    # json.loads (pandas) or jsonlite::fromJSON (R). Compact, as the fast path writes them.
    rows = (tuple(_csv_cell(record[name]) for name in fields) for record in records)
    return write_csv_tuples(rows, out, fields, delimiter=delimiter)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value  # None is written as an empty cell


def _write_json_array(records: Iterator[dict[str, Any]], out: IO[str]) -> int:
    out.write("[")
    n = 0
    for n, record in enumerate(records, 1):
        out.write(",\n" if n > 1 else "\n")
        out.write(json.dumps(record, ensure_ascii=False))
    out.write("\n]\n" if n else "]\n")
    return n


@overload
def atomic_output(
    path: Path, *, bom: bool = False, binary: Literal[False] = False
) -> AbstractContextManager[IO[str]]: ...
@overload
def atomic_output(
    path: Path, *, bom: bool = False, binary: Literal[True]
) -> AbstractContextManager[IO[bytes]]: ...
def atomic_output(path: Path, *, bom: bool = False, binary: bool = False) -> Any:
    """A file (text, UTF-8; or ``binary``) that appears at ``path`` only when the block
    succeeds, whole.

    Written to a temporary file beside ``path`` and renamed over it, so a failed export
    never leaves a half-written file nor clobbers the previous one. A symbolic link keeps
    pointing where it did (its target is replaced); a device or a pipe (``/dev/stdout``,
    ``/dev/null``) is written in place, never replaced by a file.
    """
    return _atomic_output(path, bom=bom, binary=binary)


@contextmanager
def _atomic_output(path: Path, *, bom: bool, binary: bool) -> Iterator[IO[Any]]:
    mode = "wb" if binary else "w"
    encoding = None if binary else ("utf-8-sig" if bom else "utf-8")
    newline = None if binary else ""
    if path.exists() and not path.is_file():
        with open(path, mode, encoding=encoding, newline=newline) as f:
            yield f
        return
    real = Path(os.path.realpath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".part", dir=real.parent)
    # mkstemp makes the file private (0600); an export is meant to be shared like any file
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)
    try:
        # written in large blocks: an export of 100,000 records is 180 MB, 22,000 system
        # calls in the default 8 KiB ones
        with os.fdopen(fd, mode, _BUFFER_BYTES, encoding=encoding, newline=newline) as f:
            yield f
        os.replace(tmp, real)
    except BaseException:
        os.unlink(tmp)
        raise
