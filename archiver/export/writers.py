"""The export formats: CSV, JSON and JSON Lines, streamed one record at a time, and a file
that appears only whole."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from archiver.records.fields import KIND_FIELDS, LIST_FIELDS

FORMATS = ("csv", "json", "jsonl")


def export_record(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The export record of a stored row: only ``fields``, in that order.

    A field of the other kind is null; a list field of the record's own kind is a list.
    """
    applies = KIND_FIELDS[row["kind"]]
    record = {}
    for name in fields:
        value = row.get(name) if name in applies else None
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


def write_csv_tuples(rows: Iterable[tuple[Any, ...]], out: IO[str], fields: tuple[str, ...]) -> int:
    """Write ``Archive.record_tuples`` rows as CSV (the fast path); return the count."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fields)
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    return n


def write_rows(
    records: Iterable[dict[str, Any]],
    out: IO[str],
    fmt: str,
    fields: tuple[str, ...],
) -> int:
    """Write ``records`` (dicts holding ``fields``) to ``out`` in ``fmt``; return the count."""
    records = iter(records)
    if fmt == "csv":
        return _write_csv(records, out, fields)
    if fmt == "jsonl":
        n = 0
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
        return n
    if fmt == "json":
        return _write_json_array(records, out)
    raise ValueError(f"unknown format {fmt!r}")


def _write_csv(records: Iterator[dict[str, Any]], out: IO[str], fields: tuple[str, ...]) -> int:
    # List and object fields are written as JSON text: unambiguous, and read back with
    # json.loads (pandas) or jsonlite::fromJSON (R). Compact, as the fast path writes them.
    rows = (tuple(_csv_cell(record[name]) for name in fields) for record in records)
    return write_csv_tuples(rows, out, fields)


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


@contextmanager
def atomic_output(path: Path, *, bom: bool = False) -> Iterator[IO[str]]:
    """A text file that appears at ``path`` only when the block succeeds, whole.

    Written to a temporary file beside ``path`` and renamed over it, so a failed export
    never leaves a half-written file nor clobbers the previous one.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    # mkstemp makes the file private (0600); an export is meant to be shared like any file
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
