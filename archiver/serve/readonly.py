"""The archive as Datasette opens it: every connection read-only, enforced by SQLite."""

from __future__ import annotations

import sqlite3

from datasette.database import Database as DatasetteDatabase

from archiver.store.db import connect_read_only


class ReadOnlyArchive(DatasetteDatabase):  # type: ignore[misc]
    """The archive file as Datasette sees it: every connection read-only, writes included."""

    def connect(self, write: bool = False) -> sqlite3.Connection:
        """A ``mode=ro`` connection, whatever Datasette asks for; SQLite refuses any write."""
        conn = connect_read_only(self.path, check_same_thread=False)
        self._all_file_connections.append(conn)
        return conn
