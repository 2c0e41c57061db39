"""The archive's tables and their migrations (sqlite-utils ``Migrations``).

Every schema change is a new function registered on :data:`migrations`; an archive created by
an older version is brought up to date when it is opened for writing. The migrations are
history and spell out their columns; the table names live in :mod:`archiver.store.tables`, the
search index's DDL in :mod:`archiver.store.fts` and the views' in :mod:`archiver.store.views`.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from archiver.store.attachment_index import create_attachment_texts
from archiver.store.char_counts import create_char_counts
from archiver.store.fts import create_search_index
from archiver.store.tables import (
    APPLICATION_ID,
    CITATIONS,
    DOCUMENTS,
    FAILURES,
    FILES,
    LIST_WALKS,
    MIGRATION_SET,
    RUN_CHANGES,
    RUNS,
    SECTIONS,
    VERSIONED_COLUMNS,
    VERSIONS,
)
from archiver.store.views import create_views

__all__ = [
    "APPLICATION_ID", "CITATIONS", "DOCUMENTS", "FILES", "LIST_WALKS", "RUNS", "SECTIONS",
    "VERSIONED_COLUMNS", "VERSIONS", "migrations",
]  # fmt: skip

migrations = Migrations(MIGRATION_SET)


@migrations()
def m001_initial(db: Database) -> None:
    """Documents (news and briefs), their sections, the citation graph and the crawl runs."""
    db.table(DOCUMENTS).create(
        {
            "url": str,
            "kind": str,
            "site": str,
            "title": str,
            "published": str,
            "body": str,
            "body_html": str,
            # news
            "department": str,
            "contributor": str,
            "reviewer": str,
            "attachments": str,  # JSON array
            "images": str,  # JSON array
            # briefs
            "source": str,
            "status": str,
            "archived_url": str,
            "archived_at": str,
            # provenance of the record
            "parse_warnings": str,  # JSON array
            "provenance": str,  # JSON object: field -> where it came from
            "extractor_version": str,
            "fetched_at": str,
            "http_status": int,
            "sha256": str,
            "first_seen_at": str,
            "changed_at": str,
            "run_id": int,
        },
        pk="url",
        not_null={"kind", "site"},
    )
    db.table(DOCUMENTS).create_index(["kind", "published"])
    db.table(SECTIONS).create(
        {"url": str, "section": str, "first_seen_at": str},
        pk=("url", "section"),
        foreign_keys=[("url", DOCUMENTS, "url")],
    )
    db.table(CITATIONS).create(
        {"news_url": str, "brief_url": str, "how": str, "position": int},
        pk=("news_url", "brief_url", "how"),
        foreign_keys=[("news_url", DOCUMENTS, "url")],
    )
    db.table(CITATIONS).create_index(["brief_url"])
    db.table(RUNS).create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "outcome": str,  # running | ok | partial | failed | interrupted
            "tool_version": str,
            "start_urls": str,  # JSON array
            "news_new": int,
            "news_updated": int,
            "news_unchanged": int,
            "briefs_new": int,
            "briefs_updated": int,
            "briefs_unchanged": int,
            "briefs_live": int,
            "briefs_archived": int,
            "briefs_unavailable": int,
            "errors": int,
            "requests": int,
            "bytes": int,
            "message": str,
        },
        pk="id",
        defaults={
            key: 0
            for key in (
                "news_new news_updated news_unchanged briefs_new briefs_updated "
                "briefs_unchanged briefs_live briefs_archived briefs_unavailable errors "
                "requests bytes"
            ).split()
        },
    )


@migrations()
def m002_search_index(db: Database) -> None:
    """Full-text search index over titles and bodies, kept in step by triggers."""
    create_search_index(db)


@migrations()
def m003_captures_versions_files(db: Database) -> None:
    """Capture pointers and validators on records, every content version, archived files."""
    documents = db.table(DOCUMENTS)
    for column, kind in (
        ("content_type", str),
        ("etag", str),
        ("last_modified", str),
        ("warc_file", str),
        ("warc_offset", int),
        ("warc_payload_sha256", str),
        ("version", int),
        ("withdrawn_at", str),
        ("checked_at", str),  # the last time a crawl saw the page unchanged (e.g. a 304)
    ):
        documents.add_column(column, kind)
    db.execute(f"UPDATE {DOCUMENTS} SET version = 1")
    for column in ("not_modified", "withdrawn", "files"):
        db.table(RUNS).add_column(column, int, not_null_default=0)
    db.table(VERSIONS).create(
        {
            "url": str,
            "version": int,
            "fetched_at": str,
            "sha256": str,
            "extractor_version": str,
            "warc_file": str,
            "warc_offset": int,
            "warc_payload_sha256": str,
            "content_type": str,
            **{column: str for column in VERSIONED_COLUMNS},
            "cites": str,  # JSON array of [url, how]
        },
        pk=("url", "version"),
    )
    # every existing record is its own first version
    columns = ", ".join(VERSIONED_COLUMNS)
    db.execute(
        f"INSERT INTO {VERSIONS} (url, version, fetched_at, sha256, extractor_version, "
        f"{columns}) SELECT url, 1, fetched_at, sha256, extractor_version, {columns} "
        f"FROM {DOCUMENTS}"
    )
    db.table(FILES).create(
        {
            "url": str,
            "news_url": str,
            "sha256": str,
            "size": int,
            "content_type": str,
            "fetched_at": str,
            "http_status": int,
            "warc_file": str,
            "warc_offset": int,
            "warc_payload_sha256": str,
        },
        pk="url",
    )
    db.table(FILES).create_index(["news_url"])


@migrations()
def m004_list_walks(db: Database) -> None:
    """When each section list was last walked to its end.

    An incremental crawl may stop a list early only once it has been walked whole: a crawl
    killed half-way leaves the list unfinished, so the next run walks it all again.
    """
    db.table(LIST_WALKS).create({"start_url": str, "completed_at": str}, pk="start_url")


@migrations()
def m005_views(db: Database) -> None:
    """Views for Datasette: ``news`` and ``briefs``, with year, sections and citation counts."""
    create_views(db)


@migrations()
def m006_attachment_texts(db: Database) -> None:
    """The text of attached documents, with a full-text index of its own."""
    create_attachment_texts(db)


@migrations()
def m007_failures_and_run_changes(db: Database) -> None:
    """Every failed URL with its reason and streak, and what each crawl run changed or saw fail.

    ``failures`` holds one row per URL: its last reason, the run that first and last saw it
    fail, in how many runs in a row (``attempts``), and when a later run fetched it again
    (``resolved_at``). ``run_changes`` holds, per run, each URL that was new, changed,
    withdrawn, recovered from the web archive, failed (a new failure), still failing (a known
    one) or resolved (failing before, fetched now).
    """
    db.table(FAILURES).create(
        {
            "url": str,
            "kind": str,  # list | news | brief | file | page
            "reason": str,
            "reason_kind": str,  # the reason with its particulars blanked: "HTTP 5xx"
            "run_id": int,  # the last run it failed in
            "first_run_id": int,
            "attempts": int,  # runs in a row it failed in
            "first_seen": str,
            "last_seen": str,
            "resolved_at": str,  # when a later run fetched it; null while it fails
            "resolved_run_id": int,
        },
        pk="url",
    )
    db.table(FAILURES).create_index(["resolved_at"])
    db.table(RUN_CHANGES).create(
        {"run_id": int, "url": str, "change": str, "kind": str, "reason": str},
        pk=("run_id", "url", "change"),
    )
    db.table(RUN_CHANGES).create_index(["url"])
    db.table(RUNS).add_column("still_failing", int, not_null_default=0)


@migrations()
def m008_char_counts(db: Database) -> None:
    """Each record's occurrences of the 512 most frequent Chinese characters, in the title and
    the body, so that a search for a common one reads no text (:mod:`archiver.store.char_counts`).
    """
    create_char_counts(db)
