"""The names of the archive's tables and views, and the file's mark: one place for all.

Every module of the store (and the layers above it) names a table through these constants.
"""

from __future__ import annotations

#: ``PRAGMA application_id`` of an archive ("EDNA"): tells our files from foreign SQLite files.
APPLICATION_ID = 0x45444E41
#: The schema's migrations (:mod:`archiver.store.schema`), by name, and the set they are
#: recorded under: an archive with these applied, and no other, is up to date. Read without
#: sqlite-utils (:func:`archiver.store.connect.open_current`); a test checks it against the
#: migrations themselves.
MIGRATION_SET = "edu-news-archiver"
MIGRATIONS = (
    "m001_initial", "m002_search_index", "m003_captures_versions_files", "m004_list_walks",
    "m005_views", "m006_attachment_texts", "m007_failures_and_run_changes", "m008_char_counts",
)  # fmt: skip

DOCUMENTS = "documents"
SECTIONS = "document_sections"
CITATIONS = "citations"
RUNS = "crawl_runs"
VERSIONS = "document_versions"
FILES = "attachment_files"
LIST_WALKS = "list_walks"
#: Every URL that failed, one row each; and what each crawl run changed or saw fail.
FAILURES = "failures"
RUN_CHANGES = "run_changes"

#: The full-text index (an FTS5 table) and its dictionary (an ``fts5vocab`` table).
INDEX = "documents_search"
TERMS = "documents_search_terms"
#: Each record's occurrences of the most frequent Chinese characters (m008, ``char_counts``).
CHAR_COUNTS = "documents_char_counts"

#: The text of attached documents, and its own full-text index and dictionary.
ATTACHMENT_TEXTS = "attachment_texts"
ATTACHMENT_INDEX = "attachment_texts_search"
ATTACHMENT_TERMS = "attachment_texts_search_terms"

#: The views made for Datasette: one row per article, one per brief.
NEWS_VIEW, BRIEFS_VIEW = "news", "briefs"

#: The record columns a version keeps (content only; capture details are per version too).
#: Part of the schema's history (migration m003 made the versions table of them): a change
#: here needs a migration.
VERSIONED_COLUMNS = (
    "title published body department contributor reviewer attachments images "
    "source status archived_url archived_at"
).split()
