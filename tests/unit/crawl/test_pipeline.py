"""The storage pipeline's run bookkeeping, without a network: outcomes and counts."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from scrapy import signals
from scrapy.exceptions import CloseSpider
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from archiver.crawl.faults import CLOSE_REASON, LOCAL_FAULT, STATS_KEY
from archiver.crawl.pipeline import LOCKED_KEY, ArchivePipeline
from archiver.records import Capture, Listing, NotModified, PageFailed, Withdrawal
from archiver.store import Archive, Filters
from archiver.store.lock import crawl_lock
from archiver.store.lock import lock_path as lock_file
from spiders.news import NewsSpider
from tests.factories import NEWS_URL, make_brief, make_news


def open_pipeline(db: Path) -> ArchivePipeline:
    crawler = get_crawler(NewsSpider, {"ARCHIVER_DB": str(db)})
    crawler.spider = crawler._create_spider()
    pipeline = ArchivePipeline.from_crawler(crawler)
    pipeline.open_spider()
    return pipeline


def close(pipeline: ArchivePipeline, reason: str = "finished") -> dict[str, object]:
    run_id = pipeline.run_id
    assert run_id is not None
    pipeline.spider_closed(pipeline.crawler.spider, reason)
    with Archive.open(pipeline.db_path) as archive:
        return archive.run(run_id)


def test_counts_and_ok(tmp_path: Path) -> None:
    pipeline = open_pipeline(tmp_path / "a.db")
    assert pipeline.crawler.stats is not None
    pipeline.crawler.stats.inc_value("archiver/list_pages")
    pipeline.process_item(make_news())
    pipeline.process_item(make_brief())
    pipeline.process_item(Listing([NEWS_URL], "头条新闻"))
    pipeline.process_item(NotModified(NEWS_URL, "2026-12-01T00:00:00Z"))
    pipeline.process_item(Withdrawal(NEWS_URL, 404, "2026-12-02T00:00:00Z"))
    run = close(pipeline)
    assert run["outcome"] == "ok"
    assert (run["news_new"], run["briefs_new"], run["briefs_archived"]) == (1, 1, 1)
    assert (run["not_modified"], run["withdrawn"]) == (1, 1)


def test_a_record_that_could_not_be_stored_makes_the_run_partial(tmp_path: Path) -> None:
    pipeline = open_pipeline(tmp_path / "a.db")
    assert pipeline.crawler.stats is not None
    pipeline.crawler.stats.inc_value("archiver/list_pages")
    pipeline.item_error(make_news(), Failure(RuntimeError("database is locked")))
    run = close(pipeline)
    assert run["outcome"] == "partial" and run["errors"] == 1


def test_no_list_page_or_an_early_end_fails(tmp_path: Path) -> None:
    assert close(open_pipeline(tmp_path / "a.db"))["outcome"] == "failed"
    pipeline = open_pipeline(tmp_path / "b.db")
    assert pipeline.crawler.stats is not None
    pipeline.crawler.stats.inc_value("archiver/list_pages")
    run = close(pipeline, "closespider_timeout")
    assert run["outcome"] == "failed" and run["message"] == "crawl ended early: closespider_timeout"


def test_a_crawl_stopped_by_a_signal_is_interrupted(tmp_path: Path) -> None:
    pipeline = open_pipeline(tmp_path / "a.db")
    assert pipeline.crawler.stats is not None
    pipeline.crawler.stats.inc_value("archiver/list_pages")
    run = close(pipeline, "shutdown")  # Scrapy's reason after SIGINT or SIGTERM
    assert run["outcome"] == "interrupted" and run["message"] == "stopped by a signal"


# -- failed pages, refused copies, the lock and local faults ---------------------------------


def test_failed_pages_are_errors_and_failed_attachments_are_noted(tmp_path: Path) -> None:
    pipeline = open_pipeline(tmp_path / "a.db")
    assert pipeline.crawler.stats is not None
    pipeline.crawler.stats.inc_value("archiver/list_pages")
    pipeline.process_item(PageFailed(NEWS_URL, "HTTP 500", "news", "2026-12-01T00:00:00Z"))
    pipeline.process_item(PageFailed(NEWS_URL + "x", "a redirect loop", "list", "…"))
    pipeline.process_item(PageFailed("https://xww.bucea.edu.cn/a.doc", "HTTP 404", "file", "…"))
    run = close(pipeline)
    assert (run["outcome"], run["errors"]) == ("partial", 2)
    assert run["message"] == "2 page(s) failed; 1 attachment(s) not archived"


def test_every_failure_is_kept_and_a_known_one_is_no_new_problem(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    looping = "https://xww.bucea.edu.cn/ttxw/index2.htm"
    first = open_pipeline(db)
    assert first.crawler.stats is not None
    first.crawler.stats.inc_value("archiver/list_pages")
    first.process_item(PageFailed(NEWS_URL, "HTTP 500", "news", "2026-12-01T00:00:00Z"))
    # a failure a signal handler finds (a list looping back), counted by the spider
    first.crawler.stats.inc_value("archiver/errors")
    failed = PageFailed(looping, "the list's pages loop back", "list", "2026-12-01T00:00:00Z")
    first.crawler.signals.send_catch_log(PageFailed, failed=failed)
    # a callback that raised, and a record that could not be stored
    response = HtmlResponse("https://xww.bucea.edu.cn/zhxw/9.htm", body=b"<html></html>")
    first.crawler.signals.send_catch_log(
        signals.spider_error, failure=Failure(ValueError("bad date")), response=response
    )
    first.item_error(make_brief(), Failure(RuntimeError("database is locked")))
    assert close(first)["outcome"] == "partial"
    with Archive.open(db) as archive:
        kept = {row["url"]: (row["kind"], row["reason"]) for row in archive.failures()}
    assert kept == {
        NEWS_URL: ("news", "HTTP 500"),
        looping: ("list", "the list's pages loop back"),
        response.url: ("page", "ValueError: bad date"),
        make_brief().url: ("brief", "RuntimeError: database is locked"),
    }
    second = open_pipeline(db)  # the same page fails the same way: known, the run is ok
    assert second.crawler.stats is not None
    second.crawler.stats.inc_value("archiver/list_pages")
    second.process_item(PageFailed(NEWS_URL, "HTTP 503", "news", "2026-12-02T00:00:00Z"))
    run = close(second)
    assert (run["outcome"], run["errors"], run["still_failing"]) == ("ok", 1, 1)
    assert run["message"] == "1 page(s) still failing as in earlier runs"


def test_a_failed_page_that_answers_again_is_resolved(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    listing = "https://xww.bucea.edu.cn/ttxw/index.htm"
    first = open_pipeline(db)
    first.process_item(PageFailed(listing, "HTTP 503", "list", "2026-12-01T00:00:00Z"))
    first.process_item(PageFailed(NEWS_URL, "HTTP 503", "news", "2026-12-01T00:00:00Z"))
    close(first)
    second = open_pipeline(db)
    # a list page has no record to say it answered: its response does (after a redirect too)
    moved = Request(listing + "?new", meta={"redirect_urls": [listing]})
    second.response_received(HtmlResponse(moved.url, body=b"<html></html>"), moved)
    second.process_item(make_news())  # the article, stored at last
    run_id = second.run_id
    close(second)
    with Archive.open(db) as archive:
        assert archive.failing_urls() == set()
        resolved = archive.run_changes(run_id or 0)["resolved"]
    assert {(e["url"], e["kind"]) for e in resolved} == {(listing, "list"), (NEWS_URL, "news")}


def test_a_crawl_resolves_the_failures_it_meets_among_many_of_other_sites(
    tmp_path: Path,
) -> None:
    db = tmp_path / "a.db"
    with Archive.open(db, create=True) as archive:  # another site's thousand dead pages
        run = archive.start_run([])
        for i in range(1000):
            url = f"https://www.other.edu.cn/news/{i}.htm"
            archive.record_failure(run, url, "news", "HTTP 404", "2026-12-01T00:00:00Z")
        archive.record_failure(run, NEWS_URL, "news", "HTTP 503", "2026-12-01T00:00:00Z")
    pipeline = open_pipeline(db)
    pipeline.process_item(make_news())  # failed before, stored now
    page = "https://xww.bucea.edu.cn/ttxw/index.htm"  # never failed
    pipeline.response_received(HtmlResponse(page, body=b"<html></html>"), Request(page))
    assert pipeline.fetched == {NEWS_URL}  # what it met of the failures, nothing more
    run_id = pipeline.run_id
    close(pipeline)
    with Archive.open(db) as archive:
        assert len(archive.failing_urls()) == 1000
        assert [e["url"] for e in archive.run_changes(run_id or 0)["resolved"]] == [NEWS_URL]


def test_a_copy_that_is_no_page_is_a_failed_page_and_the_stored_copy_stays(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pipeline = open_pipeline(tmp_path / "a.db")
    assert pipeline.crawler.stats is not None
    pipeline.crawler.stats.inc_value("archiver/list_pages")
    pipeline.process_item(make_news())
    pipeline.process_item(make_news(body=""))  # lost its body
    empty = Capture("2026-12-01T00:00:00Z", 200, "00" * 32, content_type="application/pdf")
    pipeline.process_item(make_news(url=NEWS_URL + "?pdf", capture=empty))
    run = close(pipeline)
    assert (run["outcome"], run["errors"], run["news_new"]) == ("partial", 2, 1)
    assert f"failed to store {NEWS_URL}: the new copy has no body" in caplog.text
    with Archive.open(pipeline.db_path) as archive:
        (stored,) = archive.records(Filters(kind="news"))
    assert stored["body"] == make_news().body


def test_the_archive_written_is_the_archive_locked(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    link = tmp_path / "link.db"
    link.symlink_to(db)
    with crawl_lock(link):  # another name for the same archive
        crawler = get_crawler(NewsSpider, {"ARCHIVER_DB": str(db)})
        crawler.spider = crawler._create_spider()
        pipeline = ArchivePipeline.from_crawler(crawler)
        with pytest.raises(CloseSpider):
            pipeline.open_spider()
    assert crawler.stats is not None
    assert (
        crawler.stats.get_value(LOCKED_KEY)
        == f"another crawl is running on {db} (pid {os.getpid()})"
    )
    assert not db.exists()  # nothing was written: not even a run that marks the other's interrupted


def test_a_full_disk_stops_the_crawl_and_the_run_still_closes(tmp_path: Path) -> None:
    pipeline = open_pipeline(tmp_path / "a.db")
    assert pipeline.archive is not None and pipeline.lock is not None
    real = pipeline.archive

    class FullDisk:
        """The archive on a disk that fills up: every write fails until space is freed."""

        freed = False

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        def save_document_of_run(self, *args: object, **kwargs: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        def finish_run(self, *args: object) -> None:
            if not lock_file(tmp_path / "a.db").stat().st_size <= 16:
                raise sqlite3.OperationalError("database or disk is full")
            real.finish_run(*args)  # type: ignore[arg-type]

    pipeline.archive = FullDisk()  # type: ignore[assignment]
    assert lock_file(tmp_path / "a.db").stat().st_size > 16  # the reserve is held
    pipeline.process_item(make_news())
    pipeline.process_item(make_news())  # said once; nothing more is written
    assert pipeline.crawler.stats is not None
    assert pipeline.crawler.stats.get_value(STATS_KEY) == (
        f"no space left on device (writing {tmp_path / 'a.db'})"
    )
    run = close(pipeline, CLOSE_REASON)  # the reserve is given back, the run closes
    assert run["outcome"] == "failed"
    assert run["message"] == f"{LOCAL_FAULT}no space left on device (writing {tmp_path / 'a.db'})"
