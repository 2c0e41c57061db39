"""The incremental-crawl rules over a real archive: conditional requests, stop-at-known, skips."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.http import Request

from archiver.crawl.incremental import KNOWN_PAGE_STATUSES, Incremental
from archiver.crawl.run import crawl_settings
from archiver.records import Capture, FileCapture
from archiver.store import Archive
from archiver.store.known import ArchivedPages
from tests.factories import BRIEF_URL, NEWS_URL, make_brief, make_news

LIST = "https://xww.bucea.edu.cn/zhxw/index.htm"
NEW_URL = "https://xww.bucea.edu.cn/zhxw/99999.htm"
FILE_URL = "https://xww.bucea.edu.cn/docs/a.doc"


def callback(*args: object) -> None:
    """A stand-in callback: the rules only pass it on."""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """An archive holding an article (with validators), an archived brief and a file."""
    path = tmp_path / "archive.db"
    with Archive.open(path, create=True) as archive:
        capture = Capture("2026-11-28T10:00:00Z", 200, "ab" * 32, etag='"v1"',
                          last_modified="Mon, 28 Nov 2026 10:00:00 GMT")  # fmt: skip
        archive.save_document(make_news(capture=capture))
        archive.save_document(make_brief(status="archived"))
        archive.save_file(
            {"url": FILE_URL, "news_url": NEWS_URL, "sha256": "00" * 32, "size": 3,
             "content_type": "application/msword", "fetched_at": "2026-11-28T10:00:02Z",
             "http_status": 200}
        )  # fmt: skip
    return path


@pytest.fixture
def rules(db: Path) -> Iterator[Incremental]:
    incremental = Incremental(ArchivedPages(db), full=False, known_run=3)
    yield incremental
    incremental.close()


def test_a_known_page_gets_a_conditional_request(rules: Incremental) -> None:
    known = rules.request(NEWS_URL, callback, callback, {"url": NEWS_URL})
    assert known.headers[b"If-None-Match"] == b'"v1"'
    assert known.headers[b"If-Modified-Since"] == b"Mon, 28 Nov 2026 10:00:00 GMT"
    assert known.meta["handle_httpstatus_list"] == list(KNOWN_PAGE_STATUSES)
    assert known.cb_kwargs == {"url": NEWS_URL}
    new = rules.request(NEW_URL, callback, callback, {})
    assert isinstance(new, Request)
    assert b"If-None-Match" not in new.headers and "handle_httpstatus_list" not in new.meta


def test_the_run_of_known_items_counts_and_resets(rules: Incremental) -> None:
    assert rules.streak(0, NEWS_URL) == 1
    assert rules.streak(1, NEWS_URL) == 2
    assert rules.streak(2, NEW_URL) == 0


def test_a_list_stops_only_after_a_full_walk_and_a_long_enough_run(
    db: Path, rules: Incremental
) -> None:
    assert not rules.stops_list(LIST, 5)  # never walked to its end: walk it all
    with Archive.open(db) as archive:
        archive.mark_list_walked(LIST, "2026-11-28T11:00:00Z")
    assert not rules.stops_list(LIST, 2)
    assert rules.stops_list(LIST, 3)
    full = Incremental(rules.index, full=True, known_run=3)
    assert not full.stops_list(LIST, 100)


def test_archived_briefs_and_known_files_are_not_fetched_again(rules: Incremental) -> None:
    assert rules.status(BRIEF_URL) == "archived"
    assert not rules.wants_brief(BRIEF_URL)
    assert rules.wants_brief("https://jw.beijing.gov.cn/new.html")
    assert not rules.wants_file(FILE_URL)
    assert rules.wants_file("https://xww.bucea.edu.cn/docs/b.pdf")
    full = Incremental(rules.index, full=True, known_run=3)
    assert full.wants_brief(BRIEF_URL) and full.wants_file(FILE_URL)


def test_an_unchanged_articles_stored_citations_are_followed(rules: Incremental) -> None:
    assert rules.stored_citations(NEWS_URL) == [BRIEF_URL]
    assert rules.stored_citations(NEW_URL) == []


def test_from_settings_reads_the_settings_and_creates_the_archive(tmp_path: Path) -> None:
    db = tmp_path / "new" / "archive.db"
    db.parent.mkdir()
    settings = crawl_settings(db, {"ARCHIVER_FULL": "true", "ARCHIVER_KNOWN_RUN": "4"})
    incremental = Incremental.from_settings(settings)
    try:
        assert incremental.full and incremental.known_run == 4
        assert db.exists()
        assert not incremental.is_known(NEWS_URL)
    finally:
        incremental.close()
    defaults = Incremental.from_settings(crawl_settings(db))
    try:
        assert not defaults.full and defaults.known_run == 10
    finally:
        defaults.close()


def test_a_page_stored_by_this_crawl_is_not_known_before_it(db: Path) -> None:
    incremental = Incremental.from_settings(crawl_settings(db))
    try:
        with Archive.open(db) as archive:
            archive.save_document(make_news(url=NEW_URL))
            archive.save_attachment(FileCapture(
                url="https://xww.bucea.edu.cn/docs/new.pdf", news_url=NEW_URL, sha256="11" * 32,
                size=1, content_type=None, fetched_at="2026-12-01T00:00:00Z", http_status=200,
            ))  # fmt: skip
        assert incremental.is_known(NEWS_URL)
        assert not incremental.is_known(NEW_URL)
    finally:
        incremental.close()
