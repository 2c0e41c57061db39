"""Crawl runs and section-list walks: what each crawl did, and which lists it finished."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from archiver import __version__
from archiver.store.db import ArchiveDB, utc_now
from archiver.store.tables import LIST_WALKS, RUNS


class Runs(ArchiveDB):
    """The ``crawl_runs`` and ``list_walks`` tables."""

    def start_run(self, start_urls: Sequence[str]) -> int:
        """Open a crawl run. Call it holding the archive's crawl lock: a run still ``running``
        then belongs to a crawl that died without closing it (SIGKILL, power loss), since a
        live one would hold the lock; it becomes ``interrupted``."""
        with self._write():
            self.db.execute(
                f"UPDATE {RUNS} SET outcome = 'interrupted', message = 'the crawl was killed "
                "(found running by the next crawl)' WHERE outcome = 'running'"
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

    def last_run_id(self) -> int | None:
        """The newest run's id; None when no crawl has run."""
        row = self.db.execute(f"SELECT max(id) FROM {RUNS}").fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def run(self, run_id: int) -> dict[str, Any]:
        """One crawl run's row."""
        return dict(self.db.table(RUNS).get(run_id))

    def runs(self) -> list[dict[str, Any]]:
        """All crawl runs, newest first."""
        return list(self.db.table(RUNS).rows_where(order_by="id desc"))

    def mark_list_walked(self, start_url: str, at: str) -> None:
        """Note that the list starting at ``start_url`` was walked to its end."""
        with self._write():
            self._upsert(LIST_WALKS, {"start_url": start_url, "completed_at": at}, ("start_url",))
