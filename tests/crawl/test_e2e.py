"""End to end: `archiver crawl` over HTTP through a local proxy, then `archiver export`.

The local web serves a mirror of the news site, a live bureau site (jw.beijing.gov.cn), the web
archive, and the dead 2011 campaign site (kxfzg.bjedu.gov.cn). The crawl runs in a subprocess
(Twisted's reactor cannot restart in one process) with the real hostnames, routed by
``http_proxy``/``https_proxy``. Every field of the export is checked against the facts the
pages were rendered from. The tests that only read a first crawl share one per module
(``default_crawl``, each test with a copy of its files); a test that changes the world or the
archive crawls for itself.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from archiver.export import BRIEF_FIELDS, COMMON_FIELDS, NEWS_FIELDS
from archiver.webarchive.warc import read_capture
from tests.crawling import FinishedCrawl, archiver, crawl, export
from tests.mockweb import MockWeb, World
from tests.warc_tools import warcio_cli


def served_sha256(world: World, url: str) -> str:
    parts = urlsplit(url)
    page = world.page(parts.hostname or "", parts.path)
    assert page is not None, url
    return hashlib.sha256(page.body).hexdigest()


@pytest.fixture
def first_crawl(
    default_crawl: FinishedCrawl, tmp_path: Path
) -> tuple[subprocess.CompletedProcess[str], Path, list[dict[str, Any]]]:
    """The module's one crawl of the default world, for tests that only read it: its outcome,
    a copy of its archive (database and WARC files) in the test's folder, and its export."""
    return default_crawl.result(), default_crawl.copy_to(tmp_path), default_crawl.records()


@pytest.fixture
def own_first_crawl(
    mockweb: MockWeb, tmp_path: Path
) -> tuple[subprocess.CompletedProcess[str], Path, list[dict[str, Any]]]:
    """A first crawl of ``world`` through ``mockweb``, for a test that goes on crawling."""
    db = tmp_path / "archive.db"
    result = crawl(mockweb, db)
    return result, db, export(mockweb, db)


def test_crawl_summary_and_exit(first_crawl: Any, world: World) -> None:
    result, _db, _records = first_crawl
    assert result.returncode == 0, result.stderr
    expected = world.expected
    n_live, n_archived, n_unavailable = (
        len(expected.briefs_with_status(s)) for s in ("live", "archived", "unavailable")
    )
    assert f"news      {len(expected.articles)} new, 0 updated, 0 unchanged" in result.stdout
    assert f"{n_live} live, {n_archived} archived, {n_unavailable} unavailable" in result.stdout
    assert "errors    0" in result.stdout
    assert "Traceback" not in result.stderr


def test_every_news_field(first_crawl: Any, world: World) -> None:
    _result, _db, records = first_crawl
    news = {r["url"]: r for r in records if r["kind"] == "news"}
    assert set(news) == {a.url for a in world.expected.articles}
    for fact in world.expected.articles:
        r = news[fact.url]
        assert list(r) == list(COMMON_FIELDS + NEWS_FIELDS + BRIEF_FIELDS)
        assert r["site"] == "xww.bucea.edu.cn"
        assert r["title"] == fact.title
        assert r["published"] == fact.published
        assert r["department"] == fact.department
        assert r["contributor"] == fact.contributor
        assert r["reviewer"] == fact.reviewer
        # every list it was found on, plus the column label the page itself prints
        assert set(r["sections"]) == set(fact.sections) | {fact.column}, fact.url
        assert r["cites"] == [c.url for c in fact.cites]
        assert r["attachments"] == list(fact.attachments)
        assert r["images"] == list(fact.images)
        assert r["body"].splitlines() == list(fact.paragraphs), fact.url
        for text in fact.must_contain:
            assert text in r["body"]
        own_text = "\n".join(fact.paragraphs)
        for furniture in world.expected.boilerplate:
            if furniture not in own_text:  # e.g. 西城校区 is in the footer and in a story
                assert furniture not in r["body"], (fact.url, furniture)
        assert r["http_status"] == 200
        assert r["sha256"] == served_sha256(world, fact.url)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["fetched_at"])
        assert r["parse_warnings"] == []
        assert r["provenance"]["title"] == "h2.detail-title"
        assert r["version"] == 1 and r["withdrawn_at"] is None
        for name in BRIEF_FIELDS:
            assert r[name] is None


def test_every_brief_field(first_crawl: Any, world: World) -> None:
    _result, _db, records = first_crawl
    briefs = {r["url"]: r for r in records if r["kind"] == "brief"}
    assert set(briefs) == {b.url for b in world.expected.briefs}
    citing: dict[str, set[str]] = {}
    for article in world.expected.articles:
        for cite in article.cites:
            citing.setdefault(cite.url, set()).add(article.url)
    for fact in world.expected.briefs:
        r = briefs[fact.url]
        assert list(r) == list(COMMON_FIELDS + NEWS_FIELDS + BRIEF_FIELDS)
        assert (r["status"], r["title"], r["published"], r["source"]) == (
            fact.status, fact.title, fact.published, fact.source,
        ), fact.url  # fmt: skip
        assert set(r["cited_by"]) == citing[fact.url]
        assert r["site"] == urlsplit(fact.url).hostname
        for name in NEWS_FIELDS:
            assert r[name] is None
        if fact.status == "live":
            assert r["archived_url"] is None and r["archived_at"] is None
            assert r["sha256"] == served_sha256(world, fact.url)
            assert r["parse_warnings"] == []
        elif fact.status == "archived":
            assert (
                r["archived_url"] == f"https://web.archive.org/web/{fact.capture_ts}id_/{fact.url}"
            )
            assert r["archived_at"] == fact.archived_at
            (capture,) = [
                c for c in world.archive.captures(fact.url) if c.timestamp == fact.capture_ts
            ]
            assert r["sha256"] == hashlib.sha256(capture.body).hexdigest()
            assert r["parse_warnings"][0].startswith("live site failed: HTTP ")
            assert r["body"]
        else:
            assert r["archived_url"] is None and r["body"] == ""
            assert r["fetched_at"] is None and r["sha256"] is None
            assert r["parse_warnings"] == [
                "live site failed: HTTP 502",
                "no capture in the web archive",
            ]


def test_what_must_never_be_fetched(default_crawl: FinishedCrawl, world: World) -> None:
    requested = default_crawl.requested_urls()
    for url in world.expected.never_fetched:
        assert url not in requested
    # the web archive's rewritten replay (toolbar, rewritten links) is never asked for
    replays = [u for u in requested if "web.archive.org/web/" in u]
    assert replays and all(re.search(r"/web/\d{14}id_/", u) for u in replays)
    user_agents = {e.headers.get("User-Agent") for e in default_crawl.log if e.method == "GET"}
    assert len(user_agents) == 1
    assert user_agents.pop().startswith("edu-news-archiver/")


def test_second_crawl_duplicates_nothing_and_fetches_no_article_in_full(
    own_first_crawl: Any, mockweb: MockWeb, world: World
) -> None:
    _result, db, records = own_first_crawl
    mockweb.clear_log()
    again = crawl(mockweb, db)
    assert again.returncode == 0, again.stderr
    assert f"checked   {len(world.expected.articles) + 1} unchanged (HTTP 304)" in again.stdout
    article_urls = {a.url for a in world.expected.articles}
    full_fetches = [e for e in mockweb.log if e.url in article_urls and e.status == 200]
    assert full_fetches == []
    assert export(mockweb, db) == records  # the same records: nothing duplicated, nothing lost


def test_every_record_points_at_its_warc_capture(first_crawl: Any) -> None:
    _result, db, records = first_crawl
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT url, warc_file, warc_offset, warc_payload_sha256, sha256 FROM documents "
            "WHERE status IS NOT 'unavailable'"
        ).fetchall()
    assert len(rows) == sum(1 for r in records if r.get("status") != "unavailable")
    for url, warc_file, offset, payload_sha256, sha256 in rows:
        capture = read_capture(db.parent / "warc", (warc_file, offset))
        assert hashlib.sha256(capture.payload).hexdigest() == payload_sha256
        assert hashlib.sha256(capture.body).hexdigest() == sha256, url
        assert capture.status == 200
    result = warcio_cli("check", *map(str, (db.parent / "warc").glob("*.warc.gz")))
    assert result.returncode == 0, result.stdout + result.stderr


def test_attachments_are_archived_hashed_and_linked(first_crawl: Any, world: World) -> None:
    _result, db, _records = first_crawl
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT url, news_url, sha256, size, warc_file, warc_offset FROM attachment_files"
        ).fetchall()
    expected = {(a, fact.url) for fact in world.expected.articles for a in fact.attachments}
    assert {(url, news_url) for url, news_url, *_ in rows} == expected
    for url, _news_url, sha256, size, warc_file, offset in rows:
        assert sha256 == served_sha256(world, url)
        capture = read_capture(db.parent / "warc", (warc_file, offset))
        assert len(capture.body) == size and capture.url == url


def test_retries_back_off_then_fall_back_to_the_archive(
    mockweb: MockWeb, world: World, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    result = archiver(
        mockweb, "crawl", "--db", str(db), "--set", "DOWNLOAD_DELAY=0",
        "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "RETRY_BACKOFF_BASE=0.05", "-vv",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "backing off 0.1s before retrying" in result.stderr  # 0.05 · 2 for the 2nd retry
    dead = [e for e in mockweb.log if e.host == "kxfzg.bjedu.gov.cn" and e.path != "/robots.txt"]
    # every dead brief: the first try and RETRY_TIMES (3) retries
    briefs = {b.url for b in world.expected.briefs if b.url.startswith("http://kxfzg.")}
    assert len(dead) == 4 * len(briefs)
    statuses = {r["url"]: r["status"] for r in export(mockweb, db, "--kind", "brief")}
    assert statuses == {b.url: b.status for b in world.expected.briefs}


def test_a_crawl_that_reaches_nothing_fails_without_a_traceback(
    mockweb: MockWeb, tmp_path: Path
) -> None:
    mockweb.kill_host("xww.bucea.edu.cn")
    db = tmp_path / "archive.db"
    result = crawl(mockweb, db)
    assert result.returncode == 1
    assert result.stdout.startswith("crawl run 1: failed (no section list page could be fetched)")
    assert "Traceback" not in result.stderr
    runs = archiver(mockweb, "runs", "--db", str(db), "--nl", cwd=tmp_path).stdout
    assert json.loads(runs)["outcome"] == "failed"


def test_some_failed_pages_make_a_partial_crawl(
    mockweb: MockWeb, world: World, tmp_path: Path
) -> None:
    url = world.expected.articles[2].url
    parts = urlsplit(url)
    mockweb.set_page(parts.hostname or "", parts.path, b"server error", status=500)
    db = tmp_path / "archive.db"
    result = crawl(mockweb, db)
    assert result.returncode == 3, result.stderr
    assert "partial (1 page(s) failed)" in result.stdout
    urls = {r["url"] for r in export(mockweb, db, "--kind", "news")}
    assert urls == {a.url for a in world.expected.articles} - {url}
