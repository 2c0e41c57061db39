"""The storage pipeline's run bookkeeping, without a network: outcomes and counts."""

from __future__ import annotations

from pathlib import Path

from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from archiver.crawl.pipeline import ArchivePipeline
from archiver.records import Listing, NotModified, Withdrawal
from archiver.store import Archive
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
    pipeline.process_item(Listing(NEWS_URL, "头条新闻"))
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
    run = close(pipeline, "shutdown")
    assert run["outcome"] == "failed" and run["message"] == "crawl ended early: shutdown"
