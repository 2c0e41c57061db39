"""One crawl at a time per archive: an advisory lock beside the database file.

``flock`` is released by the kernel when the holder dies, even by SIGKILL, so a killed crawl
never leaves a stale lock behind. The lock is named after the archive's real path (symbolic
links and ``..`` resolved), so two names for one archive are one lock.

The holder also keeps a little disk space in the lock file (:meth:`CrawlLock.free_reserve`):
a crawl that fills the disk frees it, and can still close its run as failed rather than
leave it "running".
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Bytes kept in the lock file for closing a run on a full disk.
RESERVE_BYTES = 1 << 20


class LockedError(Exception):
    """Another process holds the archive's crawl lock."""


def lock_path(db: Path) -> Path:
    """The lock file of the archive ``db``: beside the file it names, links resolved."""
    real = Path(db).resolve()
    return real.with_name(real.name + ".lock")


class CrawlLock:
    """The crawl lock of an archive, held until :meth:`release` (or the process ends)."""

    def __init__(self, fd: int, pid_line: bytes):
        self._fd: int | None = fd
        self._pid_line = pid_line

    @classmethod
    def acquire(cls, db: Path, *, reserve: int = 0) -> CrawlLock:
        """Take the crawl lock of ``db`` at once, or raise :class:`LockedError` naming the
        holder's pid. ``reserve`` bytes of disk are set aside in the lock file if they can be."""
        path = lock_path(db)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).split(b"\n", 1)[0].decode("ascii", "replace").strip()
            os.close(fd)
            who = f" (pid {holder})" if holder.isdigit() else ""
            raise LockedError(f"another crawl is running on {db}{who}") from None
        pid_line = f"{os.getpid()}\n".encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, pid_line, 0)
        lock = cls(fd, pid_line)
        if reserve:
            try:
                os.posix_fallocate(fd, len(pid_line), reserve)
            except OSError:  # the disk is already full, or the filesystem cannot: no reserve
                lock.free_reserve()
        return lock

    def free_reserve(self) -> None:
        """Give the reserved disk space back (the disk is full: the run must still close)."""
        if self._fd is not None:
            os.ftruncate(self._fd, len(self._pid_line))

    def release(self) -> None:
        """Free the reserve and release the lock; a second call does nothing."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, len(self._pid_line))
        except OSError:
            pass
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextmanager
def crawl_lock(db: Path) -> Iterator[None]:
    """Hold the crawl lock of ``db`` for the block, or raise :class:`LockedError` at once."""
    lock = CrawlLock.acquire(db)
    try:
        yield
    finally:
        lock.release()
