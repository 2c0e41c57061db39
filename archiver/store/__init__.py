"""The archive: SQLite through sqlite-utils. Knows records and tables, nothing of Scrapy.

:class:`Archive` is the one object callers use; its methods live in the modules of this
package, one concern each:

* :mod:`~archiver.store.db`: opening, checking and migrating the file, the write transaction
  (``BEGIN IMMEDIATE``) and the upsert;
* :mod:`~archiver.store.documents`: saving records, their versions, sections and citations;
* :mod:`~archiver.store.runs`: crawl runs and section-list walks;
* :mod:`~archiver.store.failures`: what failed and what changed in each run;
* :mod:`~archiver.store.attachments`: attached files with their text (its table and index:
  :mod:`~archiver.store.attachment_index`);
* :mod:`~archiver.store.reads`: filters, records, export tuples, the citation graph, counts;
* :mod:`~archiver.store.known`: a read-only lookup of what is archived, for a crawl;
* :mod:`~archiver.store.schema` (migrations), :mod:`~archiver.store.tables` (names),
  :mod:`~archiver.store.fts` (the search index's DDL), :mod:`~archiver.store.views`
  (Datasette's views), :mod:`~archiver.store.lock` (one crawl at a time).

Every write of one record (its row, its sections, its citations) is one transaction, so a
crawl stopped at any point leaves whole records only.
"""

from __future__ import annotations

from archiver.store.attachments import Attachments
from archiver.store.db import BUSY_TIMEOUT, ArchiveError, utc_now
from archiver.store.documents import (
    CONTENT_COLUMNS,
    Documents,
    RefusedCopy,
    SaveOutcome,
    document_row,
)
from archiver.store.failures import Failures
from archiver.store.reads import Filters, Reads
from archiver.store.runs import Runs

__all__ = [
    "BUSY_TIMEOUT", "CONTENT_COLUMNS", "Archive", "ArchiveError", "Filters", "RefusedCopy",
    "SaveOutcome", "document_row", "utc_now",
]  # fmt: skip


class Archive(Documents, Runs, Reads, Attachments, Failures):
    """An open archive. Use :meth:`open`; close with :meth:`close` or a ``with`` block."""
