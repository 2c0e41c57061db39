"""End to end: the archive commits its records in batches (issue 11), and a crawl killed with
SIGKILL while a batch is open leaves whole records only, each with its capture on disk; the
next run fetches what the lost batch held and completes the archive."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archiver.store.tables import SECTIONS, VERSIONS
from archiver.webarchive.warc import read_capture
from tests.crawling import FAST, crawl, export
from tests.mockweb import MockWeb, make_world

ARTICLES = 240
#: Large batches, committed by size only: the kill finds one open.
BATCHES = ("--set", "ARCHIVER_COMMIT_RECORDS=40", "--set", "ARCHIVER_COMMIT_SECONDS=600")


def count(db: Path, sql: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def warc_responses(folder: Path) -> set[str]:
    """The URLs of the response records in the WARC files of ``folder``."""
    urls = set()
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as stream:
            try:
                for record in ArchiveIterator(stream):
                    if record.rec_type == "response":
                        urls.add(record.rec_headers.get_header("WARC-Target-URI"))
            except Exception:  # a cut-off tail, as a kill leaves it
                pass
    return urls


def test_a_crawl_killed_with_a_batch_open_leaves_whole_records_and_the_next_run_completes(
    tmp_path: Path,
) -> None:
    world = make_world(n_articles=ARTICLES, per_page=20)
    db = tmp_path / "archive.db"
    news = "SELECT count(*) FROM documents WHERE kind = 'news'"
    with MockWeb(world) as web:
        proc = subprocess.Popen(
            [sys.executable, "-m", "archiver", "crawl", "--db", str(db), *FAST, *BATCHES],
            env={**os.environ, **web.env()}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and count(db, news) < 80 and proc.poll() is None:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

        stored = count(db, news)
        assert 80 <= stored < ARTICLES, "killed half-way, some batches committed"
        assert count(db, "SELECT count(*) FROM list_walks") < 2  # the shorter list may be done
        fetched = warc_responses(tmp_path / "warc")
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = conn.execute(
                "SELECT url, kind, title, body, version, warc_file, warc_offset FROM documents"
            ).fetchall()
            # whole records: the row, its version, its sections, each capture on disk
            for url, kind, title, body, version, warc_file, offset in rows:
                assert title and body, url
                assert conn.execute(
                    f"SELECT count(*) FROM {VERSIONS} WHERE url = ? AND version = ?", [url, version]
                ).fetchone()[0] == 1, url  # fmt: skip
                assert kind == "brief" or conn.execute(
                    f"SELECT count(*) FROM {SECTIONS} WHERE url = ?", [url]
                ).fetchone()[0] >= 1, url  # fmt: skip
                assert read_capture(tmp_path / "warc", (warc_file, offset)).url.endswith(url)
        # the open batch was lost: articles fetched (their captures written) but not stored
        expected = {a.url for a in world.expected.articles}
        assert (fetched & expected) - {url for url, *_ in rows}

        rerun = crawl(web, db)
        records = export(web, db)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert {r["url"] for r in records if r["kind"] == "news"} == expected
    assert count(db, "SELECT count(*) FROM list_walks") == 2
