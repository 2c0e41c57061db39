"""One crawl at a time per archive: an advisory lock beside the database file.

``flock`` is released by the kernel when the holder dies, even by SIGKILL, so a killed crawl
never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class LockedError(Exception):
    """Another process holds the archive's crawl lock."""


def lock_path(db: Path) -> Path:
    """The lock file of the archive ``db``."""
    return db.with_name(db.name + ".lock")


@contextmanager
def crawl_lock(db: Path) -> Iterator[None]:
    """Hold the crawl lock of ``db`` for the block, or raise :class:`LockedError` at once."""
    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        os.close(fd)
        who = f" (pid {holder})" if holder.isdigit() else ""
        raise LockedError(f"another crawl is running on {db}{who}") from None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
