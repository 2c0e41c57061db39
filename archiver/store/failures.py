"""What failed and what changed in each crawl run: the ``failures`` and ``run_changes`` tables.

A failed URL is kept once (``failures``): its kind, its last reason, the first and the last run
that saw it fail, in how many runs in a row it failed (``attempts``), and when a later run
fetched it (``resolved_at``: it no longer fails). Each run keeps its own record of what it
changed or saw fail (``run_changes``): a page new, changed, withdrawn or recovered from the web
archive, a URL ``failed`` (a new failure), ``still failing`` (a known one) or ``resolved``.

A known failure is a URL that failed in an earlier run, has not been fetched since, and fails
with the same kind of reason (:func:`reason_kind`): it is reported, but it does not make a run
partial. A new failure does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from archiver.records import Brief, Document
from archiver.store.db import ArchiveDB
from archiver.store.documents import SaveOutcome
from archiver.store.tables import DOCUMENTS, FAILURES, RUN_CHANGES

Change = Literal[
    "new", "changed", "withdrawn", "recovered", "failed", "still failing", "resolved"
]  # fmt: skip
#: The kinds of change a run records, in the order its report lists them.
CHANGES: tuple[Change, ...] = (
    "new", "changed", "withdrawn", "recovered", "failed", "still failing", "resolved"
)  # fmt: skip

_HTTP = re.compile(r"HTTP ([1-5])\d\d\b")
_EXCEPTION = re.compile(r"([A-Z]\w*(?:\.\w+)*): ")
_ADDRESS = re.compile(r"\b\w+://\S+")
_NUMBER = re.compile(r"\d+")


def reason_kind(reason: str) -> str:
    """The kind of a failure's reason, its particulars blanked: ``HTTP 502`` and ``HTTP 503``
    are both ``HTTP 5xx``; a network error is its exception's name (``TunnelError``); any
    other reason keeps its words, with addresses as ``<url>`` and numbers as ``#``."""
    if match := _HTTP.match(reason):
        return f"HTTP {match[1]}xx"
    if match := _EXCEPTION.match(reason):
        return match[1]
    return _NUMBER.sub("#", _ADDRESS.sub("<url>", reason))


class Failures(ArchiveDB):
    """The ``failures`` and ``run_changes`` tables."""

    if TYPE_CHECKING:  # of :class:`~archiver.store.documents.Documents`, beside it in Archive

        def save_document(self, doc: Document, *, run_id: int | None = None) -> SaveOutcome: ...
        def mark_withdrawn(self, url: str, at: str) -> bool: ...

    def save_document_of_run(self, doc: Document, run_id: int) -> SaveOutcome:
        """:meth:`save_document`, and what run ``run_id`` notes of it (new, changed, recovered
        from the web archive), in one transaction. Returns the outcome of the save."""
        with self._write():
            outcome = self.save_document(doc, run_id=run_id)
            if outcome in ("new", "updated"):
                change: Change = "new" if outcome == "new" else "changed"
                if isinstance(doc, Brief) and doc.status == "archived":
                    change = "recovered"
                self.note_change(run_id, doc.url, change, doc.kind)
        return outcome

    def mark_withdrawn_in_run(self, url: str, at: str, run_id: int) -> bool:
        """:meth:`mark_withdrawn`, noted as run ``run_id``'s, in one transaction."""
        with self._write():
            withdrawn = self.mark_withdrawn(url, at)
            if withdrawn:
                self.note_change(run_id, url, "withdrawn", self.kind_of(url))
        return withdrawn

    def record_failure(self, run_id: int, url: str, kind: str, reason: str, at: str) -> bool:
        """Keep that ``url`` failed in run ``run_id`` for ``reason``; True when the failure is
        known (:func:`reason_kind` of the same as in an earlier run, unresolved since)."""
        with self._write():
            old = self._failure(url)
            if old is not None and old["run_id"] == run_id:  # again in this run: once is enough
                return self._changed(run_id, url, "still failing")
            failing = old is not None and old["resolved_at"] is None
            known = failing and old is not None and old["reason_kind"] == reason_kind(reason)
            row = {
                "url": url,
                "kind": kind,
                "reason": reason,
                "reason_kind": reason_kind(reason),
                "run_id": run_id,
                "first_run_id": old["first_run_id"] if failing and old else run_id,
                "attempts": old["attempts"] + 1 if failing and old else 1,
                "first_seen": old["first_seen"] if failing and old else at,
                "last_seen": at,
                "resolved_at": None,
                "resolved_run_id": None,
            }
            self._upsert(FAILURES, row, ("url",))
            self.note_change(run_id, url, "still failing" if known else "failed", kind, reason)
        return known

    def failing_urls(self) -> set[str]:
        """The URLs whose last attempt failed (unresolved failures)."""
        rows = self.db.execute(f"SELECT url FROM {FAILURES} WHERE resolved_at IS NULL")
        return {url for (url,) in rows}

    def any_failing(self) -> bool:
        """Whether the last attempt at some URL failed (one look-up, through an index)."""
        found = self.db.conn.execute(
            f"SELECT 1 FROM {FAILURES} WHERE resolved_at IS NULL LIMIT 1"
        ).fetchone()
        return found is not None

    def is_failing(self, url: str) -> bool:
        """Whether the last attempt at ``url`` failed (an unresolved failure): one look-up,
        so that a crawl asks of the pages it meets, not of every failure the archive holds."""
        found = self.db.conn.execute(
            f"SELECT 1 FROM {FAILURES} WHERE url = ? AND resolved_at IS NULL", [url]
        ).fetchone()
        return found is not None

    def resolve_failures(self, run_id: int, urls: Iterable[str], at: str) -> int:
        """Mark the failures of ``urls`` resolved: run ``run_id`` fetched them. A URL that
        failed in this very run stays failing. Returns how many were resolved."""
        resolved = 0
        with self._write():
            for url in urls:
                cursor = self.db.execute(
                    f"UPDATE {FAILURES} SET resolved_at = ?, resolved_run_id = ? "
                    "WHERE url = ? AND resolved_at IS NULL AND run_id < ?",
                    [at, run_id, url, run_id],
                )
                failure = self._failure(url) if cursor.rowcount else None
                if failure is not None:
                    resolved += 1
                    self.note_change(run_id, url, "resolved", failure["kind"])
        return resolved

    def note_change(
        self, run_id: int, url: str, change: Change, kind: str, reason: str | None = None
    ) -> None:
        """Record that run ``run_id`` found ``url`` new, changed, withdrawn, … (once a run)."""
        with self._write():
            self.db.execute(
                f"INSERT OR IGNORE INTO {RUN_CHANGES} (run_id, url, change, kind, reason) "
                "VALUES (?, ?, ?, ?, ?)",
                [run_id, url, change, kind, reason],
            )

    def run_changes(self, run_id: int) -> dict[str, list[dict[str, Any]]]:
        """What run ``run_id`` changed and saw fail: each kind of change (:data:`CHANGES`) with
        its URLs; a failure also with its streak (``attempts``, ``first_seen``, …)."""
        report: dict[str, list[dict[str, Any]]] = {change: [] for change in CHANGES}
        rows = self.db.execute(
            f"SELECT c.change, c.url, c.kind, c.reason, d.title, f.attempts, f.first_seen, "
            f"f.first_run_id, f.resolved_at FROM {RUN_CHANGES} c "
            f"LEFT JOIN {DOCUMENTS} d ON d.url = c.url "
            f"LEFT JOIN {FAILURES} f ON f.url = c.url WHERE c.run_id = ? ORDER BY c.rowid",
            [run_id],
        )
        for change, url, kind, reason, title, attempts, first_seen, first_run, resolved in rows:
            entry: dict[str, Any] = {"url": url, "kind": kind, "title": title}
            if change in ("failed", "still failing"):
                entry |= {"reason": reason, "attempts": attempts, "first_seen": first_seen,
                          "first_run": first_run, "resolved_at": resolved}  # fmt: skip
            report.setdefault(change, []).append(entry)
        return report

    def failures(self, *, unresolved: bool = True) -> list[dict[str, Any]]:
        """The failed URLs (only those still failing, unless ``unresolved`` is False), the
        longest failing first."""
        where = "resolved_at IS NULL" if unresolved else None
        return list(self.db.table(FAILURES).rows_where(where, order_by="first_seen, url"))

    def kind_of(self, url: str) -> str:
        """The kind of the stored record of ``url`` (``news``, ``brief``); ``page`` if none."""
        row = self.db.execute(f"SELECT kind FROM {DOCUMENTS} WHERE url = ?", [url]).fetchone()
        return str(row[0]) if row else "page"

    def _changed(self, run_id: int, url: str, change: Change) -> bool:
        found = self.db.execute(
            f"SELECT 1 FROM {RUN_CHANGES} WHERE run_id = ? AND url = ? AND change = ?",
            [run_id, url, change],
        ).fetchone()
        return found is not None

    def _failure(self, url: str) -> dict[str, Any] | None:
        rows = list(self.db.table(FAILURES).rows_where("url = ?", [url]))
        return rows[0] if rows else None
