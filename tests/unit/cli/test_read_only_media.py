"""An archive on read-only media (a published dataset) is read by every reading command.

Each command runs in a subprocess that sees the archive's folder read-only, for real (a
read-only mount, else immutable files: :mod:`tests.readonly`), so a command that writes the
archive or its folder (a switch to WAL, a migration, a ``-shm`` file) fails its test.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest

from archiver.store import Archive
from archiver.store.schema import migrations
from archiver.store.tables import APPLICATION_ID
from tests.factories import NEWS_2011, RECORDS, make_archive
from tests.readonly import archiver, immutable_file, read_only
from tests.serving import fetch, serving


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of ``folder`` and the sha256 of its bytes."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """An archive as it is published: closed (no -wal, no -shm), alone in its folder."""
    folder = tmp_path / "dataset"
    folder.mkdir()
    with Archive.open(make_archive(folder / "archive.db")) as archive:
        archive.mark_withdrawn(NEWS_2011, "2026-12-01T00:00:00Z")  # a second version in history
    return folder / "archive.db"


READING = [
    (["export", "--format", "csv"], "我校召开创先争优活动推进会"),
    (["export", "--format", "jsonl", "--kind", "brief"], "工作简报第12期"),
    (["export", "--format", "json", "--query", "简报"], "工作简报第12期"),
    (["citations"], BRIEF := "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html"),
    (["search", "简报"], "工作⟦简报⟧第12期"),
    (["search", "党", "--format", "jsonl"], NEWS_2011),
    (["show", NEWS_2011], "我校召开创先争优活动推进会"),
    (["show", BRIEF, "--format", "json"], "北京市教育工委"),
    (["history", NEWS_2011], "first capture"),
    (["diff", NEWS_2011], ""),
    (["stats"], "综合新闻"),
    (["stats", "--json"], '"value": "news", "count": 3'),
    (["runs", "--json"], ""),
]


@pytest.mark.parametrize(("args", "shown"), READING, ids=[" ".join(a) for a, _ in READING])
def test_reading_commands_read_a_read_only_archive(
    published: Path, args: list[str], shown: str
) -> None:
    before = snapshot(published.parent)
    with read_only(published.parent) as prefix:
        result = archiver(prefix, *args, "--db", str(published))
    assert result.returncode == 0, result.stderr
    assert shown in result.stdout
    assert snapshot(published.parent) == before


def test_a_read_only_file_in_a_writable_folder_gets_nothing_beside_it(published: Path) -> None:
    # SQLite would make the -shm (and -wal) of a WAL database beside it to read it
    before = snapshot(published.parent)
    with immutable_file(published):
        result = archiver([], "search", "简报", "--db", str(published))
        assert result.returncode == 0, result.stderr
        assert sorted(p.name for p in published.parent.iterdir()) == ["archive.db"]
    assert snapshot(published.parent) == before


def test_a_plot_of_a_read_only_archive_goes_elsewhere(published: Path, tmp_path: Path) -> None:
    png = tmp_path / "coverage.png"
    with read_only(published.parent) as prefix:
        result = archiver(prefix, "stats", "--db", str(published), "--plot", str(png))
    assert result.returncode == 0, result.stderr
    assert png.read_bytes().startswith(b"\x89PNG")


def test_serve_serves_a_read_only_archive(published: Path, tmp_path: Path) -> None:
    before = snapshot(published.parent)
    with read_only(published.parent) as prefix:
        with serving(published, tmp_path / "serve.log", prefix=prefix) as (_proc, base):
            hits = json.loads(fetch(base + "-/search.json?q=" + quote("简报"))[2])["hits"]
            news = json.loads(fetch(base + "archive/news.json?_shape=array")[2])
    assert [h["title"] for h in hits][:1] == ["工作简报第12期"]
    assert len(news) == len([r for r in RECORDS if r.kind == "news"])
    assert snapshot(published.parent) == before


def test_a_read_only_archive_can_be_a_journal_mode_copy(published: Path) -> None:
    # a dataset published with journal_mode=DELETE (no WAL): read as it is, never switched
    with sqlite3.connect(published) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    with read_only(published.parent) as prefix:
        result = archiver(prefix, "stats", "--json", "--db", str(published))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(f"file:{published}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def older_archive(path: Path) -> Path:
    """An archive as the version before the last migration wrote it."""
    from sqlite_utils import Database

    db = Database(path)
    migrations.apply(db, stop_before=migrations._migrations[-1].name)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA journal_mode = WAL")
    db.close()
    return path


def test_an_older_read_only_archive_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    db = older_archive(folder / "archive.db")
    before = snapshot(folder)
    with read_only(folder) as prefix:
        result = archiver(prefix, "export", "--format", "csv", "--db", str(db))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"archiver: error: {db} was written by an older version of archiver and needs an "
        "upgrade, which a read-only file cannot have: open a copy that can be written"
    ]
    assert snapshot(folder) == before


def test_an_older_writable_archive_is_brought_up_to_date_to_be_read(tmp_path: Path) -> None:
    db = older_archive(tmp_path / "archive.db")
    result = archiver([], "stats", "--json", "--db", str(db))
    assert result.returncode == 0, result.stderr
    with Archive.open(db, read_only=True) as archive:
        assert archive._up_to_date()


def live_copy(published: Path, folder: Path, *, with_shm: bool) -> Path:
    """A copy of ``published`` taken while a crawl was writing it: its -wal holds a run not
    yet in the database file (and its -shm, when ``with_shm``)."""
    import shutil

    folder.mkdir()
    writer = sqlite3.connect(published)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("INSERT INTO crawl_runs (started_at, outcome) VALUES ('2026-12-01', 'ok')")
    writer.commit()
    for suffix in ("", "-wal", *(["-shm"] if with_shm else [])):
        shutil.copy(f"{published}{suffix}", folder / f"archive.db{suffix}")
    writer.close()
    return folder / "archive.db"


def test_a_read_only_copy_of_a_live_archive_is_read_with_its_log(
    published: Path, tmp_path: Path
) -> None:
    db = live_copy(published, tmp_path / "live", with_shm=True)
    with read_only(db.parent) as prefix:
        result = archiver(prefix, "runs", "--nl", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["outcome"] for line in result.stdout.splitlines()] == ["ok"]


def test_a_read_only_log_that_cannot_be_read_is_one_line(published: Path, tmp_path: Path) -> None:
    # without its -shm, SQLite could read the log only by writing one: the run would be lost
    db = live_copy(published, tmp_path / "live", with_shm=False)
    with read_only(db.parent) as prefix:
        result = archiver(prefix, "runs", "--db", str(db))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"archiver: error: cannot read {db} where it is: archive.db-wal holds changes not yet "
        "in the archive, which only a copy that can be written can take in"
    ]


@pytest.mark.parametrize(
    "args", [["crawl", "--start-url", "http://127.0.0.1:9/"], ["reparse"]], ids=" ".join
)
def test_a_command_that_writes_says_why_it_cannot(published: Path, args: list[str]) -> None:
    before = snapshot(published.parent)
    with read_only(published.parent) as prefix:
        result = archiver(prefix, *args, "--db", str(published))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"archiver: error: cannot write {published}: the file or its folder is read-only (the "
        "commands that only read, such as export, search and serve, can read it there)"
    ]
    assert snapshot(published.parent) == before
