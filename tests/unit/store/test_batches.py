"""A crawl's batched commits: each record a savepoint inside the batch's transaction, its undo
copies kept in memory (no temporary file a record), a failed record undone alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archiver.store import Archive
from tests.factories import make_news

URLS = [f"https://xww.bucea.edu.cn/ttxw/{i}.htm" for i in range(40)]


def temp_files() -> list[str]:
    """SQLite's temporary files open in this process (deleted at once, still open)."""
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if "etilqs_" in target:
            found.append(target)
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc (Linux)")
def test_a_record_undone_in_a_batch_is_undone_from_memory_and_alone(archive: Archive) -> None:
    for i, url in enumerate(URLS):  # forty committed records: pages to change
        archive.save_document(make_news(url=url, title=f"新闻{i}", body=f"第{i}段正文" * 300))
    archive.batch_commits(records=1000, seconds=3600)
    archive.save_document(make_news(url=URLS[0], title="改了的新闻", body="新的正文" * 300))
    try:
        with archive._write():  # one record's savepoint, as a crawl writes each record
            for i, url in enumerate(URLS[1:], start=1):  # dozens of stored pages changed
                archive.save_document(make_news(url=url, title=f"改{i}", body="改" * 2000))
            # SQLite copies each page before a savepoint first changes it; over 64 KiB of
            # copies it would spill them to a temporary file
            assert temp_files() == []
            raise RuntimeError("the record fails after its writes")
    except RuntimeError:
        pass
    archive.end_batches()

    titles = dict(archive.db.execute("SELECT url, title FROM documents").fetchall())
    assert titles[URLS[0]] == "改了的新闻"  # the batch's other record stands
    assert [titles[url] for url in URLS[1:]] == [f"新闻{i}" for i in range(1, 40)]  # undone


def test_the_memory_journal_ends_with_the_batches(archive: Archive) -> None:
    def temp_store() -> int:
        return int(archive.db.execute("PRAGMA temp_store").fetchone()[0])

    assert temp_store() == 0  # SQLite's default: a large sort of a query may use a file
    archive.batch_commits(records=10, seconds=60)
    assert temp_store() == 2
    archive.end_batches()
    assert temp_store() == 0
