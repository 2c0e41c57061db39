"""Where the archive says its captures are: every record's, every older version's and every
attached file's WARC record, with the digests it recorded for each.

What ``archiver verify`` checks and ``archiver export --format wacz`` packages. Rows are
streamed from one cursor, ordered by WARC file and offset, so the files are read front to
back; nothing is held in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from sqlite_utils import Database

from archiver.store.reads import Filters
from archiver.store.tables import DOCUMENTS, FILES, VERSIONS


@dataclass(frozen=True)
class CapturePointer:
    """One row of the archive that points at a WARC response record."""

    table: str  # "record" (the current copy), "version" (an older one) or "attachment"
    url: str
    version: int | None  # the version of a record (None for an attachment)
    warc_file: str
    warc_offset: int
    payload_sha256: str | None  # ``warc_payload_sha256``: of the payload as stored
    sha256: str | None  # of the body once its content coding is undone
    title: str | None = None


# Older versions whose capture is the current record's are the same capture: named once.
_POINTERS = f"""
SELECT 'record' AS tbl, url, version, warc_file, warc_offset, warc_payload_sha256, sha256,
       title
  FROM {DOCUMENTS} WHERE warc_file IS NOT NULL AND warc_offset IS NOT NULL
UNION ALL
SELECT 'version', v.url, v.version, v.warc_file, v.warc_offset, v.warc_payload_sha256,
       v.sha256, v.title
  FROM {VERSIONS} v WHERE v.warc_file IS NOT NULL AND v.warc_offset IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM {DOCUMENTS} d WHERE d.url = v.url
                   AND d.warc_file = v.warc_file AND d.warc_offset = v.warc_offset)
UNION ALL
SELECT 'attachment', url, NULL, warc_file, warc_offset, warc_payload_sha256, sha256, NULL
  FROM {FILES} WHERE warc_file IS NOT NULL AND warc_offset IS NOT NULL
"""


def capture_pointers(db: Database) -> Iterator[CapturePointer]:
    """Every capture the archive points at, by WARC file and offset."""
    cursor = db.execute(f"SELECT * FROM ({_POINTERS}) ORDER BY warc_file, warc_offset, tbl, url")
    for row in cursor:
        yield CapturePointer(*row)


def selected_captures(db: Database, filters: Filters) -> Iterator[CapturePointer]:
    """The captures of the records ``filters`` selects: each record's current copy, its older
    versions and the files attached to it (by WARC file and offset); with ``kind``
    ``attachment``, only the files attached to the records the other filters select."""
    pages = "p.tbl != 'attachment' AND p.url IN (SELECT url FROM chosen)"
    if filters.kind == "attachment":  # the files only, of the pages the other filters select
        filters, pages = replace(filters, kind=None), "0"
    where, params = filters.where()
    selected = f"SELECT d.url FROM {DOCUMENTS} d WHERE {where}"
    sql = f"""
    WITH chosen AS ({selected})
    SELECT * FROM ({_POINTERS}) p
     WHERE ({pages})
        OR (p.tbl = 'attachment' AND p.url IN (
            SELECT f.url FROM {FILES} f WHERE f.news_url IN (SELECT url FROM chosen)))
     ORDER BY warc_file, warc_offset, tbl, url
    """
    for row in db.execute(sql, params):
        yield CapturePointer(*row)


def counts_without_capture(db: Database) -> int:
    """Records with no capture at all (briefs neither the live web nor the archive held)."""
    (n,) = db.execute(f"SELECT count(*) FROM {DOCUMENTS} WHERE warc_file IS NULL").fetchone()
    return int(n)
