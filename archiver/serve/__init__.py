"""The archive in Datasette, read-only: metadata, views for faceting, and our own search.

Datasette's built-in ``_search`` would hand the user's text to FTS5 ``MATCH`` over the trigram
index and miss every term of one or two characters, so it is not wired up; the route
``/-/search`` (and ``/-/search.json``) runs :func:`archiver.search.search`, the same code as
``archiver search``. The plugin that provides it is registered in-process by
:func:`build_datasette`; it only acts on the database that function adds.

Read-only is enforced by SQLite, not by configuration: every connection Datasette opens on the
archive, its "write" connection included, is ``mode=ro`` with ``PRAGMA query_only``.

The modules: :mod:`~archiver.serve.metadata` (titles, column descriptions from the field
definition, facets), :mod:`~archiver.serve.readonly` (the read-only database),
:mod:`~archiver.serve.search_page` (the search route and its template),
:mod:`~archiver.serve.record_page` (a record's own page, with ``templates/``),
:mod:`~archiver.serve.attachments_page` (attached documents' texts on it),
:mod:`~archiver.serve.capture_page` (the raw capture, from the WARC file),
:mod:`~archiver.serve.downloads` (CSV with a byte-order mark, a facet in value order),
:mod:`~archiver.serve.plugin` (the hooks) and :mod:`~archiver.serve.app` (the Datasette, its
socket, the server). The views themselves are part of the archive's schema
(:mod:`archiver.store.views`).
"""

from __future__ import annotations

from archiver.serve.app import bind_socket, build_datasette, serve_forever
from archiver.serve.metadata import DB_NAME, SEARCH_PATH, TABLES, TableDoc, build_metadata
from archiver.serve.plugin import ArchivePlugin
from archiver.serve.readonly import ReadOnlyArchive
from archiver.serve.search_page import search_view
from archiver.store.tables import BRIEFS_VIEW, NEWS_VIEW

__all__ = [
    "BRIEFS_VIEW", "DB_NAME", "NEWS_VIEW", "SEARCH_PATH", "TABLES", "ArchivePlugin",
    "ReadOnlyArchive", "TableDoc", "bind_socket", "build_datasette", "build_metadata",
    "search_view", "serve_forever",
]  # fmt: skip
