"""Archiving over time, end to end: reparse offline, versions, withdrawals, the crawl lock,
and a crawl killed with SIGKILL then completed by the next run."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.crawling import FAST, archiver, crawl, export
from tests.fixtures import REPO
from tests.mockweb import MockWeb, World, make_world

#: Content fields compared between two archives (fetch times and run ids differ by nature).
STABLE = (
    "url", "kind", "title", "published", "body", "sha256", "sections", "department",
    "contributor", "reviewer", "cites", "attachments", "images", "status", "archived_url",
    "archived_at", "source", "cited_by", "version", "withdrawn_at",
)  # fmt: skip


def stable(records: list[dict[str, object]]) -> list[dict[str, object]]:
    rows = [{k: r[k] for k in STABLE} for r in records]
    for row in rows:
        if isinstance(row["sections"], list):
            row["sections"] = sorted(row["sections"])  # discovery order varies between runs
    return sorted(rows, key=lambda r: str(r["url"]))


def article_path(world: World, n: int = 0) -> tuple[str, str, str]:
    url = world.expected.articles[n].url
    parts = urlsplit(url)
    return url, parts.hostname or "", parts.path


def test_reparse_rebuilds_records_offline(mockweb: MockWeb, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    assert crawl(mockweb, db).returncode == 0
    before = export(mockweb, db)
    offline = mockweb.env()
    mockweb.stop()  # from here on no server answers: reparse must not need one
    # records as an older, worse extractor left them
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE documents SET title = '旧的标题', extractor_version = '0' "
                     "WHERE kind = 'news' AND url LIKE '%/zhxw/%'")  # fmt: skip
        conn.execute("UPDATE documents SET body = '' WHERE kind = 'brief' AND status = 'live'")
        damaged = conn.execute(
            "SELECT count(*) FROM documents WHERE kind = 'news' AND url LIKE '%/zhxw/%'"
        ).fetchone()[0]
    result = archiver(offline, "reparse", "--db", str(db), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["changed"] == damaged + 1
    assert report["fields"] == {
        "title": damaged, "extractor_version": damaged, "body": 1,
    }  # fmt: skip
    assert report["skipped_without_capture"] == 1  # the unavailable brief
    assert export(offline, db) == before
    again = json.loads(archiver(offline, "reparse", "--db", str(db), "--json", cwd=tmp_path).stdout)
    assert again["changed"] == 0


def test_a_changed_page_gives_two_versions(mockweb: MockWeb, world: World, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    assert crawl(mockweb, db).returncode == 0
    url, host, path = article_path(world)
    page = world.page(host, path)
    assert page is not None
    first_paragraph = world.expected.articles[0].paragraphs[0]
    edited = first_paragraph + "（本文有更新）"
    mockweb.set_page(host, path, page.body.replace(first_paragraph.encode(), edited.encode()))
    result = crawl(mockweb, db)
    assert result.returncode == 0, result.stderr
    assert "news      0 new, 1 updated" in result.stdout
    history = archiver(mockweb, "history", "--db", str(db), "--nl", url, cwd=tmp_path)
    versions = [json.loads(line) for line in history.stdout.splitlines()]
    assert [(v["version"], v["changed"]) for v in versions] == [(1, []), (2, ["body"])]
    diff = archiver(mockweb, "diff", "--db", str(db), url, cwd=tmp_path).stdout
    assert f"-{first_paragraph}\n+{edited}\n" in diff
    (record,) = [r for r in export(mockweb, db) if r["url"] == url]
    assert record["version"] == 2 and edited in record["body"]


def test_a_removed_page_is_marked_withdrawn_and_kept(
    mockweb: MockWeb, world: World, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    assert crawl(mockweb, db).returncode == 0
    url, host, path = article_path(world, 1)
    mockweb.remove_page(host, path)
    result = crawl(mockweb, db)
    assert result.returncode == 0, result.stderr
    assert "1 newly withdrawn" in result.stdout
    (withdrawn,) = export(mockweb, db, "--withdrawn", "only")
    assert withdrawn["url"] == url
    assert withdrawn["withdrawn_at"]
    assert withdrawn["title"] == world.expected.articles[1].title  # the last copy is kept
    kept = export(mockweb, db, "--withdrawn", "exclude")
    assert url not in {r["url"] for r in kept}
    assert len(kept) == len(export(mockweb, db)) - 1


def test_two_concurrent_crawls_one_runs_one_exits(mockweb: MockWeb, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    env_args = ["crawl", "--db", str(db), "--set", "DOWNLOAD_DELAY=0.3",
                "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "RETRY_BACKOFF_BASE=0"]  # fmt: skip
    first = subprocess.Popen(
        [sys.executable, "-m", "archiver", *env_args],
        env={**os.environ, **mockweb.env()},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = db.with_name(db.name + ".lock")
    deadline = time.monotonic() + 30
    while not (lock.exists() and lock.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    second = crawl(mockweb, db)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert second.returncode == 75
    assert second.stdout == ""
    assert second.stderr.strip() == (
        f"archiver: error: another crawl is running on {db} (pid {first.pid})"
    )
    assert "crawl run 1: ok" in out


def test_a_killed_crawl_is_completed_by_the_next_run(tmp_path: Path) -> None:
    world = make_world(n_articles=240, per_page=20)
    with MockWeb(world) as web:
        reference = tmp_path / "reference.db"
        assert crawl(web, reference).returncode == 0
        expected = stable(export(web, reference))

        db = tmp_path / "killed.db"
        proc = subprocess.Popen(
            [sys.executable, "-m", "archiver", "crawl", "--db", str(db), *FAST,
             "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "--set", "DOWNLOAD_DELAY=0.01"],
            env={**os.environ, **web.env()},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        stored = 0
        while stored < 40 and time.monotonic() < deadline:
            time.sleep(0.1)
            if db.exists():
                try:
                    with sqlite3.connect(db, timeout=5) as conn:
                        stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
                except sqlite3.OperationalError:
                    pass
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert 0 < stored < len(expected), "the crawl must be killed half-way"

        rerun = crawl(web, db)
        assert rerun.returncode == 0, rerun.stderr
        assert stable(export(web, db)) == expected
        runs = archiver(web, "runs", "--db", str(db), "--nl", cwd=tmp_path).stdout
        assert [json.loads(line)["outcome"] for line in runs.splitlines()] == [
            "ok",
            "interrupted",
        ]


def test_help_states_the_exit_codes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "archiver", "crawl", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "75 another crawl holds this archive's lock" in " ".join(result.stdout.split())


def test_full_walks_every_list_and_checks_every_page(tmp_path: Path) -> None:
    world = make_world(n_articles=120, per_page=10)
    with MockWeb(world) as web:
        db = tmp_path / "archive.db"
        assert crawl(web, db).returncode == 0
        list_pages = {p.url for p in world.expected.list_pages}
        articles = {a.url for a in world.expected.articles}

        web.clear_log()
        assert crawl(web, db).returncode == 0  # incremental: stops after a run of known items
        walked = {e.url for e in web.log if e.url in list_pages}
        checked = {e.url for e in web.log if e.url in articles}
        assert len(walked) < len(list_pages) and len(checked) < len(articles)

        web.clear_log()
        log_file = tmp_path / "crawl.log"
        full = crawl(web, db, "--full", "--log-file", str(log_file), "-v")
        assert full.returncode == 0, full.stderr
        assert {e.url for e in web.log if e.url in list_pages} == list_pages
        article_hits = [e for e in web.log if e.url in articles]
        assert {e.url for e in article_hits} == articles
        assert {e.status for e in article_hits} == {304}  # checked, none fetched in full
        live_briefs = {
            c.url
            for a in world.expected.articles
            for c in a.cites
            if world.expected.brief(c.url).status == "live"
        }
        assert f"checked   {len(articles) + len(live_briefs)} unchanged (HTTP 304)" in full.stdout
        # the log went to the file, not to stderr
        assert full.stderr == ""
        assert "Spider closed (finished)" in log_file.read_text()


def test_scrapy_crawl_inside_the_repository(mockweb: MockWeb, world: World, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    repo = REPO
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "bucea", "-s", f"ARCHIVER_DB={db}",
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
         "-s", "RETRY_BACKOFF_BASE=0", "-s", "LOG_LEVEL=WARNING"],
        cwd=repo, env={**os.environ, **mockweb.env()}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    records = export(mockweb, db)
    assert len(records) == len(world.expected.articles) + len(world.expected.briefs)
