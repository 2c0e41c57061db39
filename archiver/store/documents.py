"""Writing records: a record's row, its versions, sections and citations, and its marks.

A record's ``documents`` row is derived from the field definition
(:mod:`archiver.records.fields`). Every write of one record (its row, its sections, its
citations) is one transaction, so a crawl stopped at any point leaves whole records only.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from archiver.records import Document, News
from archiver.records.checks import lost_content, page_problem
from archiver.records.fields import FIELDS
from archiver.store.db import ArchiveDB, ArchiveError, utc_now
from archiver.store.tables import (
    CITATIONS,
    DOCUMENTS,
    FILES,
    SECTIONS,
    VERSIONED_COLUMNS,
    VERSIONS,
)

SaveOutcome = Literal["new", "updated", "unchanged", "kept"]

#: Columns whose change makes a stored record "updated" (capture details alone do not).
CONTENT_COLUMNS = VERSIONED_COLUMNS

#: The columns the archive sets when it saves a record (times, version, run), kept by reparse.
STORE_COLUMNS = tuple(f.name for f in FIELDS if f.source == "store")

#: A brief read from a better place is never replaced by one read from a worse place.
_STATUS_RANK = {"live": 2, "archived": 1, "unavailable": 0}


class RefusedCopy(ArchiveError):
    """A copy of a page that must not be stored: it is no page (an error or maintenance page,
    not HTML), or it lost the title or body of the stored copy, which is kept."""


def document_row(doc: Document) -> dict[str, Any]:
    """The ``documents`` row of a record (sections and citations go to their own tables).

    Every stored field of the record and of its capture; a field of the other kind is
    ``None``; lists and objects are JSON text. The columns the archive sets on saving
    (:data:`STORE_COLUMNS`) are not in it.
    """
    capture = doc.capture
    row: dict[str, Any] = {}
    for name, source, as_json in _row_columns(doc.kind):
        if source == "record":
            value = getattr(doc, name, None)
        elif source == "capture":
            value = getattr(capture, name) if capture else None
        else:  # a field of the other kind
            value = None
        if value is not None and as_json:
            value = _json(value)
        row[name] = value
    return row


@functools.cache
def _row_columns(kind: str) -> tuple[tuple[str, str, bool], ...]:
    """The columns of a ``kind`` record's row, worked out once from :data:`FIELDS`: (name,
    where its value comes from: ``record``, ``capture`` or ``none``, whether it is JSON)."""
    columns = []
    for spec in FIELDS:
        if spec.source == "record":
            source = "record" if kind in spec.kinds else "none"
        elif spec.source == "capture":
            source = "capture"
        else:
            continue
        columns.append((spec.name, source, spec.type in ("list", "object")))
    return tuple(columns)


# made once: json.dumps() with options makes an encoder per call
_STORED_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)
_VERSION_CITES = json.JSONEncoder(ensure_ascii=False)


def _json(value: Any) -> str:
    """JSON text as stored: compact like SQLite's own json_group_array, keys sorted."""
    if not value and type(value) in (list, dict):  # most lists are empty: no encoder run
        return "[]" if type(value) is list else "{}"
    return _STORED_JSON.encode(value)


def _cites(doc: Document) -> list[tuple[str, str]]:
    return [(c.url, c.how) for c in doc.cites] if isinstance(doc, News) else []


def _refuse_no_page(doc: Document) -> None:
    problem = page_problem(doc)
    if problem is not None:
        raise RefusedCopy(f"{doc.url}: {problem}")


def _refuse_worse(url: str, row: dict[str, Any], old: dict[str, Any] | None) -> None:
    lost = lost_content(row, old) if old is not None else None
    if lost is not None:
        raise RefusedCopy(f"{url}: {lost}")


class Documents(ArchiveDB):
    """Saving records and what belongs to them: versions, sections, citations, files."""

    def save_document(self, doc: Document, *, run_id: int | None = None) -> SaveOutcome:
        """Store ``doc`` with its sections and citations; say whether it was new or changed.

        A changed record becomes a new version; the old versions are kept. A brief whose
        status is worse than the stored one (``unavailable`` over ``archived`` over ``live``)
        does not replace the stored copy: the outcome is ``"kept"``. A record that is no page,
        or that lost the stored copy's title or body, raises :class:`RefusedCopy` and
        changes nothing.
        """
        row = document_row(doc)
        now = row["fetched_at"] or utc_now()
        cites = _cites(doc)
        _refuse_no_page(doc)
        with self._write():
            old = self._row(doc.url)
            if old is not None and _STATUS_RANK.get(row["status"] or "", 3) < _STATUS_RANK.get(
                old["status"] or "", 3
            ):
                return "kept"
            _refuse_worse(doc.url, row, old)
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
            if old is None or (old["title"], old["body"]) != (row["title"], row["body"]):
                self._count_chars(doc.url, row["title"], row["body"])
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
            cites=_VERSION_CITES.encode(cites),
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
        Raises :class:`RefusedCopy` when the new record is no page or lost the stored title or
        body (a regressed extractor never empties an archive).
        """
        row = document_row(doc)
        cites = _cites(doc)
        _refuse_no_page(doc)
        with self._write():
            old = self._row(doc.url)
            if old is None:
                raise ArchiveError(f"{doc.url} is not in the archive")
            _refuse_worse(doc.url, row, old)
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
            row.update({column: old[column] for column in STORE_COLUMNS})
            self._upsert(DOCUMENTS, row, ("url",))
            if (old["title"], old["body"]) != (row["title"], row["body"]):
                self._count_chars(doc.url, row["title"], row["body"])
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

    def add_sections(self, url: str, sections: Iterable[str]) -> None:
        """Record that the document at ``url`` is listed under ``sections``."""
        with self._write():
            self._add_sections(url, sections, utc_now())

    def add_listed(self, urls: Iterable[str], section: str) -> None:
        """Record that the documents at ``urls`` are listed under ``section``."""
        now = utc_now()
        with self._write():
            self._insert_sections([(url, section, now) for url in urls])

    def _add_sections(self, url: str, sections: Iterable[str], now: str) -> None:
        self._insert_sections([(url, section, now) for section in sections if section])

    def _insert_sections(self, rows: list[tuple[str, str, str]]) -> None:
        self.db.conn.executemany(
            f"INSERT OR IGNORE INTO {SECTIONS} (url, section, first_seen_at) VALUES (?, ?, ?)",
            rows,
        )

    def versions(self, url: str) -> list[dict[str, Any]]:
        """The stored versions of a page, oldest first."""
        return list(self.db.table(VERSIONS).rows_where("url = ?", [url], order_by="version"))

    def _row(self, url: str) -> dict[str, Any] | None:
        # one indexed lookup, without sqlite-utils' table machinery: it runs for every record
        cursor = self.db.conn.execute(f"SELECT * FROM {DOCUMENTS} WHERE url = ?", [url])
        row = cursor.fetchone()
        return dict(zip([d[0] for d in cursor.description], row, strict=True)) if row else None

    def _citations(self, news_url: str) -> list[tuple[str, str]]:
        return [
            (r[0], r[1])
            for r in self.db.execute(
                f"SELECT brief_url, how FROM {CITATIONS} WHERE news_url = ? ORDER BY position",
                [news_url],
            )
        ]
