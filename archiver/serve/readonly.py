"""The archive as Datasette opens it: every connection read-only, enforced by SQLite."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from datasette.database import Database as DatasetteDatabase

from archiver.store.db import connect_read_only


class ReadOnlyArchive(DatasetteDatabase):  # type: ignore[misc]
    """The archive file as Datasette sees it: every connection read-only, writes included.

    ``warc_dir`` is the folder of its WARC files, whose captures ``/-/capture`` serves.
    """

    def __init__(self, *args: Any, warc_dir: Path | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.warc_dir = warc_dir

    def connect(self, write: bool = False) -> sqlite3.Connection:
        """A ``mode=ro`` connection, whatever Datasette asks for; SQLite refuses any write."""
        conn = connect_read_only(self.path, check_same_thread=False)
        self._all_file_connections.append(conn)
        return conn
