"""The item pipeline: a thin adapter that hands crawled records to :class:`archiver.store.Archive`.

It holds the archive's crawl lock while the spider is open (whatever names the archive:
``archiver crawl``'s ``--db`` or ``--set ARCHIVER_DB``, ``scrapy crawl``'s ``-s ARCHIVER_DB`` or
``$ARCHIVER_DB``), opens a crawl run, stores every record, counts every failed page, and closes
the run with its counts and outcome when the spider closes (on the ``spider_closed`` signal,
which knows why the crawl ended). A full disk stops the crawl (:mod:`archiver.crawl.faults`).
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider

from archiver.crawl import settings
from archiver.crawl.faults import (
    CLOSE_REASON,
    LOCAL_FAULT,
    local_fault,
    stop_crawl,
    stopped_by_fault,
)
from archiver.records import (
    Brief,
    Document,
    FileCapture,
    Listing,
    ListWalked,
    News,
    NotModified,
    PageFailed,
    Withdrawal,
)
from archiver.store import Archive, RefusedCopy, utc_now
from archiver.store.lock import RESERVE_BYTES, CrawlLock, LockedError

logger = logging.getLogger(__name__)

#: The stats key saying the crawl never started because another held the archive's lock.
LOCKED_KEY = "archiver/locked"

_RUN_COUNTS = (
    "news_new news_updated news_unchanged briefs_new briefs_updated briefs_unchanged "
    "briefs_live briefs_archived briefs_unavailable not_modified withdrawn files"
).split()


class ArchivePipeline:
    """Store every record in the archive named by the ``ARCHIVER_DB`` setting."""

    def __init__(self, crawler: Crawler, db_path: str):
        self.crawler = crawler
        self.db_path = db_path
        self.archive: Archive | None = None
        self.lock: CrawlLock | None = None
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
        try:
            self.lock = CrawlLock.acquire(
                settings.db_path(self.crawler.settings), reserve=RESERVE_BYTES
            )
        except LockedError as exc:
            self._stats.set_value(LOCKED_KEY, str(exc))
            logger.error("%s", exc)
            raise CloseSpider("locked") from None
        self.archive = Archive.open(self.db_path, create=True)
        start_urls = getattr(self.crawler.spider, "start_urls", [])
        self.run_id = self.archive.start_run(start_urls)
        self._stats.set_value("archiver/run_id", self.run_id)
        logger.info("crawl run %d into %s", self.run_id, self.db_path)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageFailed):
            self._count_failure(item)
            return item
        if stopped_by_fault(self.crawler):
            return item  # the disk is full: storing more would only fail again
        try:
            self._store(item)
        except RefusedCopy as exc:
            reason = str(exc).removeprefix(f"{item.url}: ")
            self._count_failure(PageFailed(item.url, reason, item.kind, utc_now()))
            logger.error("failed to store %s: %s", item.url, reason)
        except (OSError, sqlite3.DatabaseError) as exc:
            fault = local_fault(exc, f"writing {self.db_path}")
            if fault is None:
                raise
            stop_crawl(self.crawler, fault)
        return item

    def _store(self, item: Any) -> None:
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

    def _count_failure(self, failed: PageFailed) -> None:
        """A failed page is an error of the run; a failed attachment is only noted."""
        self._stats.inc_value(
            "archiver/files_failed" if failed.kind == "file" else "archiver/errors"
        )

    def item_error(self, item: Any, failure: Any) -> None:
        """A record that could not be stored is an error of the run (Scrapy only logs it)."""
        self._stats.inc_value("archiver/errors")

    def spider_closed(self, spider: object, reason: str) -> None:
        """Close the run: ``ok``, ``partial`` (some pages failed) or ``failed``; then the lock."""
        try:
            if self.archive is not None and self.run_id is not None:
                self._finish_run(reason)
        finally:
            if self.archive is not None:
                self.archive.close()
                self.archive = None
            if self.lock is not None:
                self.lock.release()
                self.lock = None

    def _finish_run(self, reason: str) -> None:
        assert self.archive is not None and self.run_id is not None
        outcome, message = self._outcome(reason)
        counts = {key: self.counts[key] for key in _RUN_COUNTS} | {
            "errors": self._errors(),
            "requests": int(self._stats.get_value("downloader/request_count", 0)),
            "bytes": int(self._stats.get_value("downloader/response_bytes", 0)),
        }
        try:
            self.archive.finish_run(self.run_id, outcome, counts, message)
        except (OSError, sqlite3.DatabaseError) as exc:
            if local_fault(exc, "") is None or self.lock is None:
                raise
            logger.info("closing the run with the disk space the lock kept in reserve")
            self.lock.free_reserve()  # the disk is full: the reserve lets the run close
            self.archive.finish_run(self.run_id, outcome, counts, message)
        self._stats.set_value("archiver/outcome", outcome)

    def _outcome(self, reason: str) -> tuple[str, str]:
        errors = self._errors()
        files_failed = int(self._stats.get_value("archiver/files_failed", 0))
        if reason == CLOSE_REASON:
            return "failed", LOCAL_FAULT + (stopped_by_fault(self.crawler) or "unknown")
        if reason != "finished":
            return "failed", f"crawl ended early: {reason}"
        if int(self._stats.get_value("archiver/list_pages", 0)) == 0:
            return "failed", "no section list page could be fetched"
        notes = [f"{errors} page(s) failed"] if errors else []
        if files_failed:
            notes.append(f"{files_failed} attachment(s) not archived")
        return ("partial" if errors else "ok"), "; ".join(notes)

    def _errors(self) -> int:
        return int(self._stats.get_value("archiver/errors", 0)) + int(
            self._stats.get_value("spider_exceptions/count", 0)
        )

    @property
    def _stats(self) -> Any:
        assert self.crawler.stats is not None
        return self.crawler.stats
