"""Opening an archive: the file checks, the migrations, the write transaction and the upsert.

:class:`ArchiveDB` is the base of :class:`archiver.store.Archive`: the connection and the two
ways every write goes through (:meth:`ArchiveDB._write`, :meth:`ArchiveDB._upsert`).

Reading never needs to write (:func:`connect_read_only`): an archive on read-only media, or a
file this process may not write (a published dataset), is read as it is.
"""

from __future__ import annotations

import functools
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from sqlite_utils import Database

from archiver.store.char_counts import save_char_counts, save_char_counts_many
from archiver.store.connect import ArchiveError, connect_read_only, utc_now, writable
from archiver.store.schema import migrations
from archiver.store.tables import APPLICATION_ID

__all__ = [
    "BUSY_TIMEOUT", "ArchiveDB", "ArchiveError", "connect_read_only", "utc_now", "writable",
]  # fmt: skip

#: Seconds a write waits for another writer (a crawl, a reparse) before giving up.
BUSY_TIMEOUT = 60.0


class ArchiveDB:
    """An open archive file. Use :meth:`open`; close with :meth:`close` or a ``with`` block."""

    def __init__(self, db: Database):
        self.db = db
        # batched commits (:meth:`batch_commits`): off until asked for
        self._batch_records = 0
        self._batch_seconds = 0.0
        self._pending = 0  # writes done in the open batch
        self._batch_started = 0.0
        self._depth = 0  # nesting of _write
        # records of the open batch whose characters are still to count (_count_chars)
        self._uncounted: list[tuple[str, str | None, str | None]] = []

    @classmethod
    def open(cls, path: str | Path, *, create: bool = False, read_only: bool = False) -> Self:
        """Open the archive at ``path``, creating it (and its folder) only when ``create``.

        ``read_only``: for reading only. An up-to-date archive is then never written to, nor
        its folder (:func:`connect_read_only`); one written by an older version is brought up
        to date first where it can be written, and refused in one line where it cannot.

        Raises :class:`ArchiveError` for a missing file (when not creating), a file that is not
        SQLite, an SQLite file that is not an archive, or one made by a newer version.
        """
        path = Path(path)
        if path.is_dir():
            raise ArchiveError(f"{path} is a directory, not an archive file")
        exists = path.exists() and path.stat().st_size > 0
        if not exists and not create:
            raise ArchiveError(f"no archive at {path} (run `archiver crawl` to create one)")
        if read_only and exists:
            return cls._open_for_reading(path)
        if exists and not writable(path):
            raise ArchiveError(
                f"cannot write {path}: the file or its folder is read-only (the commands that "
                "only read, such as export, search and serve, can read it there)"
            )
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
        with _closed_on_failure(conn, path):
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if exists and app_id != APPLICATION_ID:
                raise ArchiveError(f"{path} is an SQLite database but not an archiver archive")
            archive = cls(Database(conn))
            # an archive written by an older version is brought up to date (each migration
            # is one transaction); an up-to-date one is not written to
            archive.migrate()
            return archive

    @classmethod
    def _open_for_reading(cls, path: Path) -> Self:
        try:
            conn = connect_read_only(path, tidy=True)
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot open {path}: {exc}") from None
        with _closed_on_failure(conn, path):
            if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                raise ArchiveError(f"{path} is an SQLite database but not an archiver archive")
            archive = cls(Database(conn))
            if not archive._up_to_date():
                conn.close()
                if not writable(path):
                    raise ArchiveError(
                        f"{path} was written by an older version of archiver and needs an "
                        "upgrade, which a read-only file cannot have: open a copy that can be "
                        "written"
                    )
                cls.open(path).close()  # migrated, in one transaction per migration
                return cls._open_for_reading(path)
            return archive

    def _up_to_date(self) -> bool:
        """Whether no migration is pending; :class:`ArchiveError` for a newer archive."""
        known = {m.name for m in migrations._migrations}
        applied = {m.name for m in migrations.applied(self.db)}
        if applied - known:
            raise ArchiveError("this archive was written by a newer version of archiver")
        return not migrations.pending(self.db)

    def migrate(self) -> None:
        """Bring the schema up to date and mark the file as ours; write only what differs."""
        if not self._up_to_date():
            migrations.apply(self.db)
        if self.db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.db.execute("PRAGMA journal_mode = WAL")
        # In WAL mode a commit then needs no fsync (a checkpoint does): a power cut may lose
        # the last transactions, never corrupt the file or half-write one.
        self.db.execute("PRAGMA synchronous = NORMAL")

    def close(self) -> None:
        """Commit what a batch holds (:meth:`batch_commits`), close the connection."""
        self.commit_pending()
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def batch_commits(self, records: int, seconds: float) -> None:
        """Commit the writes (each a whole record, :meth:`_write`) in batches: after
        ``records`` of them, or once the batch is ``seconds`` old, and at :meth:`close`.

        A crawl writes hundreds of small records a second: one commit each is most of the
        cost of storing them. A process killed with a batch open loses that batch, whole
        records only (the next crawl fetches them again). Call :meth:`commit_pending` from a
        timer to bound how long a batch stays open when no write comes.
        """
        self._batch_records = max(1, records)
        self._batch_seconds = seconds
        # Each record is then written in a savepoint, and the first change of a page in it
        # copies the page to a sub-journal first (to undo that record alone). A record
        # changes about twenty pages (its row, the indexes, the full-text index, its version,
        # its sections): SQLite spills a sub-journal over 64 KiB to a temporary file, which
        # costs two writes a page. Kept in memory, it is a copy of one record's pages.
        self.db.execute("PRAGMA temp_store = MEMORY")

    def end_batches(self) -> None:
        """Commit the open batch and go back to one commit per write. A batch that cannot be
        committed (a full disk) is rolled back, lost as a kill would lose it, and the error
        raised."""
        self._batch_records = 0
        try:
            self.commit_pending()
            self.db.execute("PRAGMA temp_store = DEFAULT")
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.conn.rollback()
            self._pending = 0
            self._uncounted.clear()
            raise

    def commit_pending(self) -> None:
        """Commit the open batch, if any (its records' characters counted first)."""
        conn = self.db.conn
        if self._pending and self._depth == 0 and conn.in_transaction:
            uncounted, self._uncounted = self._uncounted, []
            if uncounted:  # (numpy is loaded only when a record is counted)
                save_char_counts_many(conn, uncounted)
            conn.commit()
        self._pending = 0

    def _count_chars(self, url: str, title: str | None, body: str | None) -> None:
        """Fill the character counts of the record just written at ``url``: at once, or, in
        a batch (:meth:`batch_commits`), with the batch's other records just before it
        commits (a dozen calls of numpy for the batch rather than a dozen a record). Until
        then its row is stale, which a search reads as "count in the text"."""
        if self._batch_records:
            self._uncounted.append((url, title, body))
        else:
            save_char_counts(self.db.conn, url, title, body)

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, taking the write lock at once (``BEGIN IMMEDIATE``).

        A deferred transaction that reads first can fail on its first write without waiting
        for a concurrent writer; an immediate one waits (the connection's busy timeout).
        Nested use joins the open transaction. With :meth:`batch_commits`, each outermost
        write is a savepoint inside the batch's transaction: a write that fails undoes itself
        alone, and the batch is committed when it is full or old enough.
        """
        conn = self.db.conn
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        if not self._batch_records:
            if conn.in_transaction:  # joins a transaction the caller opened
                yield
                return
            self._depth = 1
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                conn.rollback()
                raise
            finally:
                self._depth = 0
            conn.commit()
            return
        if not conn.in_transaction:
            conn.execute("BEGIN IMMEDIATE")
            self._pending, self._batch_started = 0, time.monotonic()
        conn.execute("SAVEPOINT record")
        self._depth = 1
        uncounted = len(self._uncounted)
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK TO record")
            conn.execute("RELEASE record")
            del self._uncounted[uncounted:]  # the texts undone: nothing of them to count
            raise
        finally:
            self._depth = 0
        conn.execute("RELEASE record")
        self._pending += 1
        due = time.monotonic() - self._batch_started >= self._batch_seconds
        if self._pending >= self._batch_records or due:
            self.commit_pending()

    def _upsert(self, table: str, row: dict[str, Any], key: tuple[str, ...]) -> None:
        # Plain SQL rather than sqlite-utils' upsert, which probes the database for ON CONFLICT
        # support by creating a table, and remembers a failed probe (e.g. a locked file) as
        # "unsupported", after which its fallback silently skips rows.
        self.db.conn.execute(_upsert_sql(table, tuple(row), key), list(row.values()))


@functools.lru_cache(maxsize=64)
def _upsert_sql(table: str, columns: tuple[str, ...], key: tuple[str, ...]) -> str:
    # made once a shape: a crawl upserts rows of the same few shapes thousands of times
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )


@contextmanager
def _closed_on_failure(conn: sqlite3.Connection, path: Path) -> Iterator[None]:
    """Close ``conn`` when opening the archive at ``path`` fails; an SQLite error becomes one
    :class:`ArchiveError` line."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "file is not a database" in str(exc):
            raise ArchiveError(f"{path} is not an SQLite database") from None
        raise ArchiveError(f"cannot open {path}: {exc}") from None
    except ArchiveError:
        conn.close()
        raise
