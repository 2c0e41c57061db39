"""The archive: SQLite through sqlite-utils. Knows records and tables, nothing of Scrapy.

Every write of one record (its row, its sections, its citations) is one transaction, so a
crawl stopped at any point leaves whole records only.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlite_utils import Database

from archiver import __version__
from archiver.records import Brief, Document, News
from archiver.store.schema import (
    APPLICATION_ID,
    CITATIONS,
    DOCUMENTS,
    FILES,
    LIST_WALKS,
    RUNS,
    SECTIONS,
    VERSIONED_COLUMNS,
    VERSIONS,
    migrations,
)

SaveOutcome = Literal["new", "updated", "unchanged", "kept"]

#: Columns whose change makes a stored record "updated" (capture details alone do not).
CONTENT_COLUMNS = VERSIONED_COLUMNS

#: A brief read from a better place is never replaced by one read from a worse place.
_STATUS_RANK = {"live": 2, "archived": 1, "unavailable": 0}

_JSON_COLUMNS = ("attachments", "images", "parse_warnings", "provenance")
#: Export fields computed from other tables, as JSON arrays (SQL over alias ``d``).
_AGGREGATES = {
    "sections": f"""(SELECT json_group_array(section) FROM
        (SELECT section FROM {SECTIONS} s WHERE s.url = d.url ORDER BY s.rowid))""",
    "cites": f"""(SELECT json_group_array(brief_url) FROM
        (SELECT brief_url, min(position) AS p FROM {CITATIONS} c
         WHERE c.news_url = d.url GROUP BY brief_url ORDER BY p))""",
    "cited_by": f"""(SELECT json_group_array(news_url) FROM
        (SELECT DISTINCT news_url FROM {CITATIONS} c
         WHERE c.brief_url = d.url ORDER BY news_url))""",
}
_LIST_COLUMNS = frozenset({"attachments", "images", "parse_warnings", *_AGGREGATES})
_ORDER = "d.kind DESC, d.published, d.url"


#: Seconds a write waits for another writer (a crawl, a reparse) before giving up.
BUSY_TIMEOUT = 60.0


class ArchiveError(Exception):
    """A problem with the archive file the user can act on; the message is one line."""


def utc_now() -> str:
    """The current time as ISO 8601 UTC with a ``Z``, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Filters:
    """Which records a query or an export selects. Every condition is optional."""

    kind: str | None = None
    since: str | None = None  # YYYY-MM-DD, inclusive, on ``published``
    until: str | None = None  # YYYY-MM-DD, inclusive
    sections: tuple[str, ...] = ()  # listed under any of these
    departments: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # brief status
    withdrawn: Literal["include", "exclude", "only"] = "include"
    #: an extra SQL condition over ``d`` with its parameters (e.g. a full-text match)
    extra: tuple[str, tuple[Any, ...]] | None = None

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition (over alias ``d``) and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []

        def add(clause: str, *values: Any) -> None:
            clauses.append(clause)
            params.extend(values)

        def one_of(column: str, values: tuple[str, ...]) -> None:
            if values:
                add(f"{column} IN ({', '.join('?' * len(values))})", *values)

        if self.kind:
            add("d.kind = ?", self.kind)
        if self.since:
            add("substr(d.published, 1, 10) >= ?", self.since)
        if self.until:
            add("substr(d.published, 1, 10) <= ?", self.until)
        if self.sections:
            marks = ", ".join("?" * len(self.sections))
            add(
                f"EXISTS (SELECT 1 FROM {SECTIONS} s WHERE s.url = d.url "
                f"AND s.section IN ({marks}))",
                *self.sections,
            )
        one_of("d.department", self.departments)
        one_of("d.site", self.sites)
        one_of("d.status", self.statuses)
        if self.withdrawn == "exclude":
            add("d.withdrawn_at IS NULL")
        elif self.withdrawn == "only":
            add("d.withdrawn_at IS NOT NULL")
        if self.extra:
            add(f"({self.extra[0]})", *self.extra[1])
        return (" AND ".join(clauses) or "1"), params


class Archive:
    """An open archive. Use :meth:`open`; close with :meth:`close` or a ``with`` block."""

    def __init__(self, db: Database):
        self.db = db

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = False) -> Archive:
        """Open the archive at ``path``, creating it (and its folder) only when ``create``.

        Raises :class:`ArchiveError` for a missing file (when not creating), a file that is not
        SQLite, an SQLite file that is not an archive, or one made by a newer version.
        """
        path = Path(path)
        if path.is_dir():
            raise ArchiveError(f"{path} is a directory, not an archive file")
        exists = path.exists() and path.stat().st_size > 0
        if not exists and not create:
            raise ArchiveError(f"no archive at {path} (run `archiver crawl` to create one)")
        if not exists:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ArchiveError(f"cannot create {path.parent}: {exc.strerror}") from None
        # The file is only ever opened through SQLite: closing a plain file descriptor on it
        # would drop this process's POSIX locks, and with them another connection's guard on
        # its write-ahead log.
        try:
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT)
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot open {path}: {exc}") from None
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if exists and app_id != APPLICATION_ID:
                raise ArchiveError(f"{path} is an SQLite database but not an archiver archive")
            archive = cls(Database(conn))
            # an archive written by an older version is brought up to date (each migration
            # is one transaction); an up-to-date one is not written to
            archive.migrate()
            return archive
        except sqlite3.DatabaseError as exc:
            conn.close()
            if "file is not a database" in str(exc):
                raise ArchiveError(f"{path} is not an SQLite database") from None
            raise ArchiveError(f"cannot open {path}: {exc}") from None
        except ArchiveError:
            conn.close()
            raise

    def migrate(self) -> None:
        """Bring the schema up to date and mark the file as ours; write only what differs."""
        known = {m.name for m in migrations._migrations}
        applied = {m.name for m in migrations.applied(self.db)}
        if applied - known:
            raise ArchiveError("this archive was written by a newer version of archiver")
        if migrations.pending(self.db):
            migrations.apply(self.db)
        if self.db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.db.execute("PRAGMA journal_mode = WAL")

    def close(self) -> None:
        """Close the underlying connection."""
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, taking the write lock at once (``BEGIN IMMEDIATE``).

        A deferred transaction that reads first can fail on its first write without waiting
        for a concurrent writer; an immediate one waits (the connection's busy timeout).
        Nested use joins the open transaction.
        """
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    def _upsert(self, table: str, row: dict[str, Any], key: tuple[str, ...]) -> None:
        # Plain SQL rather than sqlite-utils' upsert, which probes the database for ON CONFLICT
        # support by creating a table, and remembers a failed probe (e.g. a locked file) as
        # "unsupported", after which its fallback silently skips rows.
        columns = list(row)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
        self.db.conn.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}",
            list(row.values()),
        )

    def save_document(self, doc: Document, *, run_id: int | None = None) -> SaveOutcome:
        """Store ``doc`` with its sections and citations; say whether it was new or changed.

        A changed record becomes a new version; the old versions are kept. A brief whose
        status is worse than the stored one (``unavailable`` over ``archived`` over ``live``)
        does not replace the stored copy: the outcome is ``"kept"``.
        """
        row = document_row(doc)
        now = row["fetched_at"] or utc_now()
        cites: list[tuple[str, str]] = (
            [(c.url, c.how) for c in doc.cites] if isinstance(doc, News) else []
        )
        with self._write():
            old = self._row(doc.url)
            if old is not None and _STATUS_RANK.get(row["status"] or "", 3) < _STATUS_RANK.get(
                old["status"] or "", 3
            ):
                return "kept"
            if old is None:
                outcome: SaveOutcome = "new"
                row.update(first_seen_at=now, changed_at=now, version=1)
            elif any(old[c] != row[c] for c in CONTENT_COLUMNS) or (
                isinstance(doc, News) and self._citations(doc.url) != cites
            ):
                outcome = "updated"
                row.update(
                    first_seen_at=old["first_seen_at"],
                    changed_at=now,
                    version=(old["version"] or 1) + 1,
                )
            else:
                outcome = "unchanged"
                row.update(
                    first_seen_at=old["first_seen_at"],
                    changed_at=old["changed_at"],
                    version=old["version"] or 1,
                )
            row.update(run_id=run_id, withdrawn_at=None, checked_at=now)
            self._upsert(DOCUMENTS, row, ("url",))
            if outcome != "unchanged":
                self._add_version(row, cites)
            if isinstance(doc, News):
                self._add_sections(doc.url, doc.sections, now)
                self._replace_citations(doc.url, cites)
        return outcome

    def _add_version(self, row: dict[str, Any], cites: list[tuple[str, str]]) -> None:
        version = {column: row[column] for column in VERSIONED_COLUMNS}
        version.update(
            url=row["url"],
            version=row["version"],
            fetched_at=row["fetched_at"],
            sha256=row["sha256"],
            extractor_version=row["extractor_version"],
            warc_file=row["warc_file"],
            warc_offset=row["warc_offset"],
            warc_payload_sha256=row["warc_payload_sha256"],
            content_type=row["content_type"],
            cites=json.dumps(cites, ensure_ascii=False),
        )
        self._upsert(VERSIONS, version, ("url", "version"))

    def capture_rows(self) -> Iterator[dict[str, Any]]:
        """Every record's row (capture pointer included), in a stable order.

        One row read at a time, and no read cursor left open while the caller writes.
        """
        urls = [url for (url,) in self.db.execute(f"SELECT url FROM {DOCUMENTS} ORDER BY url")]
        for url in urls:
            row = self._row(url)
            if row is not None:
                yield row

    def save_reparsed(self, doc: Document, *, dry_run: bool = False) -> list[str]:
        """Replace a record's extracted fields in place (same capture, so no new version).

        Returns the names of the fields that changed; with ``dry_run`` nothing is written.
        """
        row = document_row(doc)
        cites: list[tuple[str, str]] = (
            [(c.url, c.how) for c in doc.cites] if isinstance(doc, News) else []
        )
        with self._write():
            old = self._row(doc.url)
            if old is None:
                raise ArchiveError(f"{doc.url} is not in the archive")
            capture = doc.capture
            if capture is not None and (old["warc_file"], old["warc_offset"]) != (
                capture.warc_file,
                capture.warc_offset,
            ):
                return []  # captured again since it was read: the new capture stands
            compared = (*CONTENT_COLUMNS, "parse_warnings", "provenance", "extractor_version")
            changed = [c for c in compared if old[c] != row[c]]
            if isinstance(doc, News) and self._citations(doc.url) != cites:
                changed.append("cites")
            if not changed or dry_run:
                return changed
            keep = "first_seen_at changed_at version run_id withdrawn_at checked_at".split()
            row.update({column: old[column] for column in keep})
            self._upsert(DOCUMENTS, row, ("url",))
            self._add_version(row, cites)  # the current version, re-derived
            if isinstance(doc, News):
                self._add_sections(doc.url, doc.sections, row["fetched_at"] or utc_now())
                self._replace_citations(doc.url, cites)
        return changed

    def _replace_citations(self, news_url: str, cites: list[tuple[str, str]]) -> None:
        self.db.execute(f"DELETE FROM {CITATIONS} WHERE news_url = ?", [news_url])
        self.db.conn.executemany(
            f"INSERT OR IGNORE INTO {CITATIONS} (news_url, brief_url, how, position) "
            "VALUES (?, ?, ?, ?)",
            [(news_url, url, how, i) for i, (url, how) in enumerate(cites)],
        )

    def mark_withdrawn(self, url: str, at: str) -> bool:
        """Mark a stored page withdrawn (it now answers 404/410); its last copy is kept.

        Returns False when the page is not in the archive or already marked.
        """
        with self._write():
            cursor = self.db.execute(
                f"UPDATE {DOCUMENTS} SET withdrawn_at = ? WHERE url = ? AND withdrawn_at IS NULL",
                [at, url],
            )
        return cursor.rowcount > 0

    def mark_checked(self, url: str, at: str) -> None:
        """Note that a crawl saw the stored page unchanged at ``at`` (e.g. HTTP 304)."""
        with self._write():
            self.db.execute(
                f"UPDATE {DOCUMENTS} SET checked_at = ?, withdrawn_at = NULL WHERE url = ?",
                [at, url],
            )

    def save_file(self, row: dict[str, Any]) -> None:
        """Store the capture details of an attachment (url, news_url, sha256, size, …)."""
        with self._write():
            self._upsert(FILES, row, ("url",))

    def mark_list_walked(self, start_url: str, at: str) -> None:
        """Note that the list starting at ``start_url`` was walked to its end."""
        with self._write():
            self._upsert(LIST_WALKS, {"start_url": start_url, "completed_at": at}, ("start_url",))

    def walked_lists(self) -> set[str]:
        """Start URLs of the lists that have been walked to their end at least once."""
        return {url for (url,) in self.db.execute(f"SELECT start_url FROM {LIST_WALKS}")}

    def known_files(self) -> set[str]:
        """The URLs of every archived attachment file."""
        return {url for (url,) in self.db.execute(f"SELECT url FROM {FILES}")}

    def known_citations(self) -> dict[str, list[str]]:
        """news URL -> the brief URLs it cites, as stored."""
        cited: dict[str, list[str]] = {}
        for news_url, brief_url in self.db.execute(
            f"SELECT news_url, brief_url FROM {CITATIONS} ORDER BY news_url, position"
        ):
            if brief_url not in cited.setdefault(news_url, []):
                cited[news_url].append(brief_url)
        return cited

    def known_pages(self) -> dict[str, dict[str, Any]]:
        """Every stored page with what an incremental crawl needs to know of it."""
        return {
            url: {"kind": kind, "etag": etag, "last_modified": modified, "status": status}
            for url, kind, etag, modified, status in self.db.execute(
                f"SELECT url, kind, etag, last_modified, status FROM {DOCUMENTS}"
            )
        }

    def versions(self, url: str) -> list[dict[str, Any]]:
        """The stored versions of a page, oldest first."""
        return list(
            self.db.table(VERSIONS).rows_where("url = ?", [url], order_by="version")
        )

    def add_sections(self, url: str, sections: Iterable[str]) -> None:
        """Record that the document at ``url`` is listed under ``sections``."""
        with self._write():
            self._add_sections(url, sections, utc_now())

    def _add_sections(self, url: str, sections: Iterable[str], now: str) -> None:
        self.db.conn.executemany(
            f"INSERT OR IGNORE INTO {SECTIONS} (url, section, first_seen_at) VALUES (?, ?, ?)",
            [(url, section, now) for section in sections if section],
        )

    def start_run(self, start_urls: Sequence[str]) -> int:
        """Open a crawl run; runs left ``running`` by a killed crawl become ``interrupted``."""
        with self._write():
            self.db.execute(
                f"UPDATE {RUNS} SET outcome = 'interrupted' WHERE outcome = 'running'"
            )
            cursor = self.db.conn.execute(
                f"INSERT INTO {RUNS} (started_at, outcome, tool_version, start_urls) "
                "VALUES (?, 'running', ?, ?)",
                [utc_now(), __version__, json.dumps(list(start_urls))],
            )
        assert cursor.lastrowid is not None
        return int(cursor.lastrowid)

    def finish_run(
        self, run_id: int, outcome: str, counts: dict[str, int], message: str = ""
    ) -> None:
        """Close a crawl run with its outcome and counts."""
        with self._write():
            values = {"finished_at": utc_now(), "outcome": outcome, "message": message, **counts}
            assignments = ", ".join(f"{column} = ?" for column in values)
            self.db.conn.execute(
                f"UPDATE {RUNS} SET {assignments} WHERE id = ?", [*values.values(), run_id]
            )

    # -- reading ---------------------------------------------------------------------------

    def _row(self, url: str) -> dict[str, Any] | None:
        rows = list(self.db.table(DOCUMENTS).rows_where("url = ?", [url]))
        return rows[0] if rows else None

    def _citations(self, news_url: str) -> list[tuple[str, str]]:
        return [
            (r[0], r[1])
            for r in self.db.execute(
                f"SELECT brief_url, how FROM {CITATIONS} WHERE news_url = ? ORDER BY position",
                [news_url],
            )
        ]

    def run(self, run_id: int) -> dict[str, Any]:
        """One crawl run's row."""
        return dict(self.db.table(RUNS).get(run_id))

    def runs(self) -> list[dict[str, Any]]:
        """All crawl runs, newest first."""
        return list(self.db.table(RUNS).rows_where(order_by="id desc"))

    def record(self, url: str) -> dict[str, Any] | None:
        """One record with its export fields and capture details, or None."""
        return next(self.records(Filters(), url=url), None)

    def records(
        self, filters: Filters | None = None, *, url: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Stream every selected record as a dict of its columns, list fields decoded.

        One SQL query with a cursor: the archive is never held in memory.
        """
        where, params = (filters or Filters()).where()
        if url is not None:
            where, params = f"{where} AND d.url = ?", [*params, url]
        aggregates = ", ".join(f"{sql} AS {name}" for name, sql in _AGGREGATES.items())
        cursor = self.db.execute(
            f"SELECT d.*, {aggregates} FROM {DOCUMENTS} d WHERE {where} ORDER BY {_ORDER}",
            params,
        )
        names = [c[0] for c in cursor.description]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            for column in (*_JSON_COLUMNS, *_AGGREGATES):
                row[column] = json.loads(row[column]) if row[column] else None
            yield row

    def record_tuples(
        self, filters: Filters, fields: Sequence[str], kind_fields: dict[str, set[str]]
    ) -> Iterator[tuple[Any, ...]]:
        """Stream ``fields`` of every selected record as tuples, computed in SQL.

        A field not in ``kind_fields[kind]`` is NULL for that kind; a list field of the
        record's kind is JSON text, ``[]`` when empty. The fast path of a CSV export: no
        Python work per value.
        """
        where, params = filters.where()
        columns = []
        for name in fields:
            value = _AGGREGATES.get(name, f"d.{name}")
            if name in _LIST_COLUMNS:
                value = f"coalesce({value}, '[]')"
            kinds = [kind for kind, names in kind_fields.items() if name in names]
            if len(kinds) < len(kind_fields):
                marks = ", ".join(f"'{kind}'" for kind in kinds) or "NULL"
                value = f"CASE WHEN d.kind IN ({marks}) THEN {value} END"
            columns.append(value)
        yield from self.db.execute(
            f"SELECT {', '.join(columns)} FROM {DOCUMENTS} d WHERE {where} ORDER BY {_ORDER}",
            params,
        )

    def citation_rows(self) -> Iterator[dict[str, Any]]:
        """The citation graph joined with titles and brief status, for export."""
        cursor = self.db.execute(
            f"""SELECT c.news_url, n.title AS news_title, n.published AS news_published,
                       c.brief_url, b.title AS brief_title, b.status AS brief_status,
                       c.how, c.position
                FROM {CITATIONS} c
                JOIN {DOCUMENTS} n ON n.url = c.news_url
                LEFT JOIN {DOCUMENTS} b ON b.url = c.brief_url
                ORDER BY n.published, c.news_url, c.position, c.how"""
        )
        names = [c[0] for c in cursor.description]
        for values in cursor:
            yield dict(zip(names, values, strict=True))

    def citations(self) -> Iterator[dict[str, Any]]:
        """The citation graph, one row per (news, brief, how)."""
        yield from self.db.table(CITATIONS).rows_where(order_by="news_url, position")

    def news_per_month(self) -> dict[str, int]:
        """``YYYY-MM`` -> number of news articles published that month (dated ones only)."""
        return {
            month: n
            for month, n in self.db.execute(
                f"SELECT substr(published, 1, 7), count(*) FROM {DOCUMENTS} "
                "WHERE kind = 'news' AND published IS NOT NULL GROUP BY 1 ORDER BY 1"
            )
        }

    def stats(self) -> dict[str, Any]:
        """Counts by kind, section, year and brief status."""

        def pairs(sql: str) -> dict[str, int]:
            return {str(k) if k is not None else "(none)": n for k, n in self.db.execute(sql)}

        return {
            "kind": pairs(f"SELECT kind, count(*) FROM {DOCUMENTS} GROUP BY kind ORDER BY kind"),
            "section": pairs(
                f"SELECT section, count(*) FROM {SECTIONS} GROUP BY section ORDER BY 2 DESC, 1"
            ),
            "year": pairs(
                f"SELECT substr(published, 1, 4), count(*) FROM {DOCUMENTS} "
                "WHERE kind = 'news' GROUP BY 1 ORDER BY 1"
            ),
            "brief_status": pairs(
                f"SELECT status, count(*) FROM {DOCUMENTS} WHERE kind = 'brief' "
                "GROUP BY status ORDER BY status"
            ),
            "citations": self.db.table(CITATIONS).count,
            "runs": self.db.table(RUNS).count,
        }


def document_row(doc: Document) -> dict[str, Any]:
    """The ``documents`` row of a record (sections and citations go to their own tables)."""
    capture = doc.capture
    row: dict[str, Any] = {
        "url": doc.url,
        "kind": doc.kind,
        "site": doc.site,
        "title": doc.title,
        "published": doc.published,
        "body": doc.body,
        "body_html": doc.body_html,
        "department": None,
        "contributor": None,
        "reviewer": None,
        "attachments": None,
        "images": None,
        "source": None,
        "status": None,
        "archived_url": None,
        "archived_at": None,
        "parse_warnings": _json(doc.parse_warnings),
        "provenance": _json(doc.provenance),
        "extractor_version": doc.extractor_version,
        "fetched_at": capture.fetched_at if capture else None,
        "http_status": capture.http_status if capture else None,
        "sha256": capture.sha256 if capture else None,
        "content_type": capture.content_type if capture else None,
        "etag": capture.etag if capture else None,
        "last_modified": capture.last_modified if capture else None,
        "warc_file": capture.warc_file if capture else None,
        "warc_offset": capture.warc_offset if capture else None,
        "warc_payload_sha256": capture.warc_payload_sha256 if capture else None,
    }
    if isinstance(doc, News):
        row.update(
            department=doc.department,
            contributor=doc.contributor,
            reviewer=doc.reviewer,
            attachments=_json(doc.attachments),
            images=_json(doc.images),
        )
    elif isinstance(doc, Brief):
        row.update(
            source=doc.source,
            status=doc.status,
            archived_url=doc.archived_url,
            archived_at=doc.archived_at,
        )
    return row


def _json(value: Any) -> str:
    """JSON text as stored: compact like SQLite's own json_group_array, keys sorted."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
