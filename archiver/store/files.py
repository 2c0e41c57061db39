"""The files an archive is made of, so that no command ever writes over one of them.

An archive is its database file, the files SQLite keeps beside it (``-wal``, ``-shm``,
``-journal``), the crawl lock (``.lock``) and the raw captures in ``warc/`` beside it. An
output option naming any of them (``export -o data/archive.db``, a typo away from
``data/archive.csv``) is refused before anything is written.
"""

from __future__ import annotations

import os
from pathlib import Path

from archiver.store.lock import lock_path

#: The files SQLite keeps beside a database, by suffix, and what each one is.
SQLITE_FILES = {"-wal": "the write-ahead log", "-shm": "the shared-memory file",
                "-journal": "the rollback journal"}  # fmt: skip
#: The folder of the raw captures, beside the database.
CAPTURES_FOLDER = "warc"


def archive_part(path: Path, db: Path) -> str | None:
    """What ``path`` is of the archive ``db`` (``"the archive"``, ``"the write-ahead log of
    the archive"``, ``"the crawl lock of the archive"``, ``"in the WARC folder of the
    archive"``…), or None when it is none of its files.

    Paths are compared as the file system resolves them (symbolic links, ``..``, a relative
    path), and an existing file also by identity (a hard link, a case-insensitive name).
    """
    target = _real(path)
    parts = {_real(db): "the archive", _real(lock_path(db)): "the crawl lock of the archive"}
    for suffix, what in SQLITE_FILES.items():
        parts[_real(db.with_name(db.name + suffix))] = f"{what} of the archive"
    if target in parts:
        return parts[target]
    for part, what in parts.items():
        if _same_file(target, part):
            return what
    captures = _real(db.parent / CAPTURES_FOLDER)
    if target == captures:
        return "the WARC folder of the archive"
    if captures in target.parents:
        return "in the WARC folder of the archive"
    return None


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return False
