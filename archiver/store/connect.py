"""Connecting to an archive to read it, without sqlite-utils: the commands that only read
(and the quick path of a CSV export) start without loading it.

:func:`connect_read_only` reads an archive wherever it is (read-only media, a file this process
may not write); :func:`open_current` is the whole opening of an up-to-date archive for reading,
and leaves any other case to :meth:`archiver.store.Archive.open`, which brings an older archive
up to date or says in one line what is wrong.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from archiver.store.tables import APPLICATION_ID, MIGRATION_SET, MIGRATIONS


class ArchiveError(Exception):
    """A problem with the archive file the user can act on; the message is one line."""


def utc_now() -> str:
    """The current time as ISO 8601 UTC with a ``Z``, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def connect_read_only(
    path: str | Path, *, check_same_thread: bool = True, tidy: bool = False
) -> sqlite3.Connection:
    """A ``mode=ro`` connection to the file at ``path``: SQLite refuses any write on it.

    Where this process can write neither the file nor its folder (read-only media, a
    published dataset) and no writer is at work (no ``-shm`` file), the file is opened
    ``immutable``: SQLite then creates no ``-shm`` or ``-wal`` beside it, which it would
    need to do, and could not, to read a database in WAL mode. Raises :class:`ArchiveError`
    when changes left in a ``-wal`` or ``-journal`` file could not be read that way.

    ``tidy``, where the file can be written: a ``mode=rw`` connection that refuses writes
    (``PRAGMA query_only``) and, unlike a ``mode=ro`` one, takes away the ``-wal`` and
    ``-shm`` that reading a WAL database makes, when it is the last to close.
    """
    # a URI, so "?", "#" and "%" in the file's name must be escaped
    real = Path(path).resolve()
    location = quote(real.as_posix(), safe="/")
    as_it_is = _reads_as_it_is(real)
    if tidy and writable(real):
        options = "mode=rw"
    else:
        options = "mode=ro" if as_it_is else "mode=ro&immutable=1"
    conn = sqlite3.connect(
        f"file:{location}?{options}", uri=True, check_same_thread=check_same_thread
    )
    conn.execute("PRAGMA query_only = 1")
    return conn


def writable(path: Path) -> bool:
    """Whether this process may write the file ``path`` and its folder (False on read-only
    media, also for root)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _reads_as_it_is(path: Path) -> bool:
    """Whether SQLite can read ``path`` read-only as it is, beside any writer: True when
    the file can be written (SQLite may add its ``-shm`` to coordinate with a writer), or a
    writer is at work (its ``-shm`` is there to be read); False for read-only media."""
    if writable(path) or path.with_name(path.name + "-shm").exists():
        return True
    for suffix in ("-wal", "-journal"):
        pending = path.with_name(path.name + suffix)
        if pending.exists() and pending.stat().st_size > 0:
            raise ArchiveError(
                f"cannot read {path} where it is: {pending.name} holds changes not yet in the "
                "archive, which only a copy that can be written can take in"
            )
    return False


def open_current(path: Path) -> sqlite3.Connection | None:
    """A read-only connection (:func:`connect_read_only`, ``tidy``) to the archive at
    ``path`` when it is an archive with every migration of :data:`MIGRATIONS` applied and no
    other; None for anything else (missing, foreign, older, newer, unreadable), which
    :meth:`archiver.store.Archive.open` handles."""
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        conn = connect_read_only(path, tidy=True)
    except (OSError, sqlite3.Error, ArchiveError):
        return None
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID:
            applied = conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
            ).fetchall()
            if sorted(name for (name,) in applied) == sorted(MIGRATIONS):
                return conn
    except sqlite3.Error:
        pass
    conn.close()
    return None
