"""Export records as CSV, JSON or JSON Lines, streaming: one record in memory at a time.

The field list is the documented contract (README, "The export record"): the fields common to
every record, then those of news, then those of briefs. It is defined once, with every other
field of a record, in :mod:`archiver.records.fields`. The formats are written by
:mod:`~archiver.export.writers`, the manifest by :mod:`~archiver.export.manifest`.
"""

from __future__ import annotations

from archiver.export.manifest import manifest_path, write_manifest
from archiver.export.writers import (
    FORMATS,
    atomic_output,
    export_record,
    spreadsheet_safe,
    spreadsheet_safe_sql,
    write_csv_tuples,
    write_csv_utf8,
    write_records,
    write_rows,
    write_safe_csv_tuples,
)
from archiver.records.fields import (
    BRIEF_FIELDS,
    COMMON_FIELDS,
    KIND_FIELDS,
    LIST_FIELDS,
    NEWS_FIELDS,
    fields_for,
)

CITATION_FIELDS = (
    "news_url", "news_title", "news_published", "brief_url", "brief_title", "brief_status",
    "how", "position",
)  # fmt: skip

__all__ = [
    "BRIEF_FIELDS", "CITATION_FIELDS", "COMMON_FIELDS", "FORMATS", "KIND_FIELDS", "LIST_FIELDS",
    "NEWS_FIELDS", "atomic_output", "export_record", "fields_for", "manifest_path",
    "spreadsheet_safe", "spreadsheet_safe_sql", "write_csv_tuples", "write_manifest",
    "write_records", "write_rows", "write_safe_csv_tuples", "write_csv_utf8",
]  # fmt: skip
