"""The archive: SQLite through sqlite-utils. Knows records and tables, nothing of Scrapy.

:class:`Archive` is the one object callers use; its methods live in the modules of this
package, one concern each:

* :mod:`~archiver.store.db`: opening, checking and migrating the file, the write transaction
  (``BEGIN IMMEDIATE``) and the upsert (:mod:`~archiver.store.connect`: connecting to read,
  without sqlite-utils);
* :mod:`~archiver.store.documents`: saving records, their versions, sections and citations;
* :mod:`~archiver.store.runs`: crawl runs and section-list walks;
* :mod:`~archiver.store.failures`: what failed and what changed in each run;
* :mod:`~archiver.store.attachments`: attached files with their text (its table and index:
  :mod:`~archiver.store.attachment_index`);
* :mod:`~archiver.store.reads`: records, export tuples, the citation graph, counts (the
  filters and the export's SQL: :mod:`~archiver.store.selects`, without sqlite-utils);
* :mod:`~archiver.store.known`: a read-only lookup of what is archived, for a crawl;
* :mod:`~archiver.store.schema` (migrations), :mod:`~archiver.store.tables` (names),
  :mod:`~archiver.store.fts` (the search index's DDL), :mod:`~archiver.store.char_counts`
  (each record's counts of the commonest characters, for search), :mod:`~archiver.store.views`
  (Datasette's views), :mod:`~archiver.store.lock` (one crawl at a time).

The names are loaded when first used (:class:`Archive` from :mod:`~archiver.store.archive`):
a command that only reads imports :mod:`~archiver.store.connect` and
:mod:`~archiver.store.selects` without the rest, nor sqlite-utils.

Every write of one record (its row, its sections, its citations) is one transaction, so a
crawl stopped at any point leaves whole records only.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archiver.store.archive import Archive
    from archiver.store.connect import ArchiveError, utc_now
    from archiver.store.db import BUSY_TIMEOUT
    from archiver.store.documents import CONTENT_COLUMNS, RefusedCopy, SaveOutcome, document_row
    from archiver.store.selects import Filters

#: name -> the module of this package that defines it
_HOMES = {
    "Archive": "archive", "ArchiveError": "connect", "BUSY_TIMEOUT": "db",
    "CONTENT_COLUMNS": "documents", "Filters": "selects", "RefusedCopy": "documents",
    "SaveOutcome": "documents", "document_row": "documents", "utc_now": "connect",
}  # fmt: skip

__all__ = [
    "BUSY_TIMEOUT", "CONTENT_COLUMNS", "Archive", "ArchiveError", "Filters", "RefusedCopy",
    "SaveOutcome", "document_row", "utc_now",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
