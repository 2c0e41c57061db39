"""Export records as CSV, JSON or JSON Lines, streaming: one record in memory at a time.

The field list is the documented contract (README, "The export record"): the fields common to
every record, then those of news, then those of briefs.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from archiver import __version__
from archiver.store import Filters, utc_now

COMMON_FIELDS = (
    "url", "kind", "site", "title", "published", "body",
    "fetched_at", "http_status", "sha256", "extractor_version", "version", "withdrawn_at",
    "parse_warnings", "provenance",
)  # fmt: skip
NEWS_FIELDS = (
    "sections", "department", "contributor", "reviewer", "cites", "attachments", "images",
)  # fmt: skip
BRIEF_FIELDS = ("status", "archived_url", "archived_at", "source", "cited_by")
LIST_FIELDS = frozenset(
    {"parse_warnings", "sections", "cites", "attachments", "images", "cited_by"}
)
FORMATS = ("csv", "json", "jsonl")
CITATION_FIELDS = (
    "news_url", "news_title", "news_published", "brief_url", "brief_title", "brief_status",
    "how", "position",
)  # fmt: skip


#: The fields that apply to each kind of record.
KIND_FIELDS = {
    "news": set(COMMON_FIELDS) | set(NEWS_FIELDS),
    "brief": set(COMMON_FIELDS) | set(BRIEF_FIELDS),
}


def fields_for(kind: str | None) -> tuple[str, ...]:
    """The exported fields, in order, for one kind or for both."""
    if kind == "news":
        return COMMON_FIELDS + NEWS_FIELDS
    if kind == "brief":
        return COMMON_FIELDS + BRIEF_FIELDS
    return COMMON_FIELDS + NEWS_FIELDS + BRIEF_FIELDS


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


def write_manifest(
    export_path: Path,
    *,
    db: Path,
    fmt: str,
    fields: tuple[str, ...],
    filters: Filters,
    count: int,
    query: str | None = None,
) -> Path:
    """Write ``<export>.manifest.json`` beside an export, so the dataset can be cited and checked.

    It names the command, the filters, the record count, the time, the tool's version and the
    sha256 and size of the export file.
    """
    digest = hashlib.sha256()
    with export_path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    manifest = {
        "file": export_path.name,
        "sha256": digest.hexdigest(),
        "bytes": export_path.stat().st_size,
        "records": count,
        "format": fmt,
        "fields": list(fields),
        "filters": {
            **{
                name: value
                for name, value in asdict(filters).items()
                if name != "extra" and value not in (None, (), "include")
            },
            **({"query": query} if query is not None else {}),
        },
        "archive": str(db),
        "command": " ".join(["archiver", *sys.argv[1:]]),
        "created_at": utc_now(),
        "tool": "edu-news-archiver",
        "tool_version": __version__,
    }
    path = export_path.with_name(export_path.name + ".manifest.json")
    with atomic_output(path) as f:
        f.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return path
