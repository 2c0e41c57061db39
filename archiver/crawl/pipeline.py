"""The item pipeline: a thin adapter that hands crawled records to :class:`archiver.store.Archive`.

It opens a crawl run when the spider opens and closes it, with its counts and outcome, when the
spider closes (on the ``spider_closed`` signal, which knows why the crawl ended).
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler

from archiver.crawl import settings
from archiver.records import (
    Brief,
    Document,
    FileCapture,
    Listing,
    ListWalked,
    News,
    NotModified,
    Withdrawal,
)
from archiver.store import Archive

logger = logging.getLogger(__name__)


class ArchivePipeline:
    """Store every record in the archive named by the ``ARCHIVER_DB`` setting."""

    def __init__(self, crawler: Crawler, db_path: str):
        self.crawler = crawler
        self.db_path = db_path
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.counts: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        # `scrapy crawl` without -s ARCHIVER_DB=... uses $ARCHIVER_DB or data/archive.db
        db_path = settings.db_path(crawler.settings)
        pipeline = cls(crawler, str(db_path))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.item_error, signal=signals.item_error)
        return pipeline

    def open_spider(self) -> None:
        self.archive = Archive.open(self.db_path, create=True)
        start_urls = getattr(self.crawler.spider, "start_urls", [])
        self.run_id = self.archive.start_run(start_urls)
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("archiver/run_id", self.run_id)
        logger.info("crawl run %d into %s", self.run_id, self.db_path)

    def process_item(self, item: Any) -> Any:
        assert self.archive is not None
        if isinstance(item, Listing):
            self.archive.add_sections(item.url, [item.section])
        elif isinstance(item, ListWalked):
            self.archive.mark_list_walked(item.start_url, item.at)
        elif isinstance(item, NotModified):
            self.archive.mark_checked(item.url, item.at)
            self.counts["not_modified"] += 1
        elif isinstance(item, Withdrawal):
            if self.archive.mark_withdrawn(item.url, item.at):
                self.counts["withdrawn"] += 1
        elif isinstance(item, FileCapture):
            self.archive.save_attachment(item)  # the file and its text, together
            self.counts["files"] += 1
        elif isinstance(item, Document):
            outcome = self.archive.save_document(item, run_id=self.run_id)
            if isinstance(item, News):
                self.counts[f"news_{outcome}"] += 1
            elif isinstance(item, Brief):
                # A kept brief (a worse copy than the stored one) counts as unchanged.
                self.counts["briefs_unchanged" if outcome == "kept" else f"briefs_{outcome}"] += 1
                if outcome != "kept":
                    self.counts[f"briefs_{item.status}"] += 1
        return item

    def item_error(self, item: Any, failure: Any) -> None:
        """A record that could not be stored is an error of the run (Scrapy only logs it)."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("archiver/errors")

    def spider_closed(self, spider: object, reason: str) -> None:
        """Close the run: ``ok``, ``partial`` (some pages failed) or ``failed``."""
        if self.archive is None or self.run_id is None:
            return
        stats = self.crawler.stats
        assert stats is not None
        errors = int(stats.get_value("archiver/errors", 0)) + int(
            stats.get_value("spider_exceptions/count", 0)
        )
        lists_ok = int(stats.get_value("archiver/list_pages", 0))
        if reason != "finished":
            outcome, message = "failed", f"crawl ended early: {reason}"
        elif lists_ok == 0:
            outcome, message = "failed", "no section list page could be fetched"
        elif errors:
            outcome, message = "partial", f"{errors} page(s) failed"
        else:
            outcome, message = "ok", ""
        counts = {
            key: self.counts[key]
            for key in (
                "news_new news_updated news_unchanged briefs_new briefs_updated "
                "briefs_unchanged briefs_live briefs_archived briefs_unavailable "
                "not_modified withdrawn files"
            ).split()
        }
        counts |= {
            "errors": errors,
            "requests": int(stats.get_value("downloader/request_count", 0)),
            "bytes": int(stats.get_value("downloader/response_bytes", 0)),
        }
        self.archive.finish_run(self.run_id, outcome, counts, message)
        stats.set_value("archiver/outcome", outcome)
        self.archive.close()
        self.archive = None
