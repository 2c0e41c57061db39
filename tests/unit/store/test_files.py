"""The files of an archive (never an output), and opening one for reading without writing."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

import archiver.store.connect as store_connect
import archiver.store.db as store_db
from archiver.store import Archive, ArchiveError
from archiver.store.files import archive_part
from tests.factories import make_archive


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_archive(tmp_path / "data" / "archive.db")


def not_writable(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on read-only media: this process may write neither the file nor its folder."""
    for module in (store_db, store_connect):
        monkeypatch.setattr(module, "writable", lambda path: False)


@pytest.mark.parametrize(
    ("name", "part"),
    [
        ("archive.db", "the archive"),
        ("archive.db-wal", "the write-ahead log of the archive"),
        ("archive.db-shm", "the shared-memory file of the archive"),
        ("archive.db-journal", "the rollback journal of the archive"),
        ("archive.db.lock", "the crawl lock of the archive"),
        ("warc", "the WARC folder of the archive"),
        ("warc/edu-news-archiver-20261201-00001.warc.gz", "in the WARC folder of the archive"),
        ("warc/sub/x.csv", "in the WARC folder of the archive"),
        ("../data/./archive.db", "the archive"),
        ("archive.csv", None),
        ("archive.db.csv", None),
        ("warcs/x.csv", None),
    ],
)
def test_the_parts_of_an_archive(db: Path, name: str, part: str | None) -> None:
    assert archive_part(db.parent / name, db) == part


def test_other_names_of_the_archive_are_the_archive(db: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.csv"
    link.symlink_to(db)
    assert archive_part(link, db) == "the archive"
    hard = tmp_path / "hard.csv"
    os.link(db, hard)
    assert archive_part(hard, db) == "the archive"
    relative = Path(os.path.relpath(db))
    assert archive_part(db, relative) == "the archive"


def test_opening_for_reading_writes_nothing_to_an_up_to_date_archive(db: Path) -> None:
    before = db.read_bytes()
    with Archive.open(db, read_only=True) as archive:
        assert archive.record("https://xww.bucea.edu.cn/zhxw/26536.htm") is not None
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            archive.db.execute("DELETE FROM documents")
    assert db.read_bytes() == before


def test_an_archive_that_cannot_be_written_is_opened_immutable(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (where this process may write neither the file nor its folder: read-only media)
    not_writable(monkeypatch)
    opened: list[str] = []
    connect = sqlite3.connect

    def recording(database: str, **options: object) -> sqlite3.Connection:
        opened.append(database)
        return connect(database, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(store_connect.sqlite3, "connect", recording)
    with Archive.open(db, read_only=True) as archive:
        assert archive.stats()["kind"] == {"brief": 2, "news": 3}
    assert opened and opened[0].endswith("?mode=ro&immutable=1")
    assert sorted(p.name for p in db.parent.iterdir()) == ["archive.db"]


def test_changes_left_in_a_log_are_not_read_past(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_writable(monkeypatch)
    (db.parent / "archive.db-journal").write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" * 64)
    with pytest.raises(ArchiveError, match="archive.db-journal holds changes not yet in the"):
        Archive.open(db, read_only=True)


def test_a_foreign_database_is_refused_for_reading_too(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    before = foreign.read_bytes()
    with pytest.raises(ArchiveError, match="not an archiver archive"):
        Archive.open(foreign, read_only=True)
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    with pytest.raises(ArchiveError, match="is not an SQLite database"):
        Archive.open(notes, read_only=True)
    assert foreign.read_bytes() == before
