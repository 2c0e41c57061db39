"""The crawl lock: one crawl per archive, however the archive is named, with a disk reserve."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archiver.store.lock import CrawlLock, LockedError, crawl_lock, lock_path


def test_one_holder_at_a_time_and_the_refusal_names_it(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with crawl_lock(db):
        with pytest.raises(
            LockedError, match=rf"another crawl is running on .* \(pid {os.getpid()}\)"
        ):
            CrawlLock.acquire(db)
    CrawlLock.acquire(db).release()  # released: free again


def test_every_name_of_one_archive_is_one_lock(tmp_path: Path) -> None:
    db = tmp_path / "data" / "archive.db"
    db.parent.mkdir()
    (tmp_path / "link.db").symlink_to(db)
    names = [tmp_path / "link.db", tmp_path / "data" / ".." / "data" / "archive.db"]
    assert (
        {lock_path(name) for name in names} == {lock_path(db)} == {db.with_name("archive.db.lock")}
    )
    with crawl_lock(db):
        for name in names:
            with pytest.raises(LockedError, match=f"another crawl is running on {name}"):
                CrawlLock.acquire(name)


def test_the_reserve_is_held_and_given_back(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    lock = CrawlLock.acquire(db, reserve=1 << 20)
    reserved = os.stat(lock_path(db)).st_blocks * 512
    assert reserved >= 1 << 20
    lock.free_reserve()
    assert os.stat(lock_path(db)).st_size == len(f"{os.getpid()}\n")
    lock.release()
    lock.release()  # twice is harmless
