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
from archiver.crawl.commits import BatchCommits
from archiver.crawl.faults import (
    CLOSE_REASON,
    LOCAL_FAULT,
    local_fault,
    stop_crawl,
    stopped_by_fault,
)
from archiver.crawl.logs import log_run_line
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
        self.commits: BatchCommits | None = None
        self.counts: Counter[str] = Counter()
        # whether some URL's last attempt failed when the run started: then each page
        # fetched is asked of the archive (not every failure loaded: it may hold many)
        self.failing = False
        self.fetched: set[str] = set()  # the failing URLs that this run fetched
        self.known_failures = 0  # pages failing as they did in earlier runs: no new problem

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        # `scrapy crawl` without -s ARCHIVER_DB=... uses $ARCHIVER_DB or data/archive.db
        db_path = settings.db_path(crawler.settings)
        pipeline = cls(crawler, str(db_path))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.item_error, signal=signals.item_error)
        crawler.signals.connect(pipeline.spider_error, signal=signals.spider_error)
        # a failed page a signal handler finds (a list looping back) comes as a signal
        crawler.signals.connect(pipeline.failure_signalled, signal=PageFailed)
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
        self.run_id = self._start_run(start_urls)
        # batched from here: the run's own row is committed, whatever a lost batch takes
        self.commits = BatchCommits(self.crawler, self.archive, self.db_path)
        self._stats.set_value("archiver/run_id", self.run_id)
        self.failing = self.archive.any_failing()
        if self.failing:  # (no handler on every response when no page is failing)
            self.crawler.signals.connect(self.response_received, signal=signals.response_received)
        log_run_line(logger, "crawl run %d started: %s", self.run_id, self.db_path)

    def _start_run(self, start_urls: list[str]) -> int:
        """Open the crawl run (a distributed crawl's restarted writer resumes its own)."""
        assert self.archive is not None
        return self.archive.start_run(start_urls)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageFailed):
            self._count_failure(item)
            return item
        if stopped_by_fault(self.crawler):
            return item  # the disk is full: storing more would only fail again
        if isinstance(item, Document | NotModified | Withdrawal):
            self._note_fetched(item.url)
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
            self.archive.add_listed(item.urls, item.section)
        elif isinstance(item, ListWalked):
            self.archive.mark_list_walked(item.start_url, item.at)
        elif isinstance(item, NotModified):
            self.archive.mark_checked(item.url, item.at)
            self.counts["not_modified"] += 1
        elif isinstance(item, Withdrawal):
            assert self.run_id is not None
            if self.archive.mark_withdrawn_in_run(item.url, item.at, self.run_id):
                self.counts["withdrawn"] += 1
        elif isinstance(item, FileCapture):
            self.archive.save_attachment(item)  # the file and its text, together
            self.counts["files"] += 1
        elif isinstance(item, Document):
            assert self.run_id is not None
            outcome = self.archive.save_document_of_run(item, self.run_id)  # noted as the run's
            if isinstance(item, News):
                self.counts[f"news_{outcome}"] += 1
            elif isinstance(item, Brief):
                # A kept brief (a worse copy than the stored one) counts as unchanged.
                self.counts["briefs_unchanged" if outcome == "kept" else f"briefs_{outcome}"] += 1
                if outcome != "kept":
                    self.counts[f"briefs_{item.status}"] += 1

    def _count_failure(self, failed: PageFailed) -> None:
        """A failed page is an error of the run; a failed attachment is only noted. Both are
        kept in the archive (:meth:`_keep_failure`)."""
        self._stats.inc_value(
            "archiver/files_failed" if failed.kind == "file" else "archiver/errors"
        )
        self._keep_failure(failed.url, failed.kind, failed.reason)

    def failure_signalled(self, failed: PageFailed) -> None:
        """A failed page found outside a callback, already counted by the spider: kept."""
        self._keep_failure(failed.url, failed.kind, failed.reason)

    def item_error(self, item: Any, failure: Any) -> None:
        """A record that could not be stored is an error of the run (Scrapy only logs it)."""
        self._stats.inc_value("archiver/errors")
        url = getattr(item, "url", None)
        if url is not None:
            self._keep_failure(url, getattr(item, "kind", "page"), _summary(failure))

    def spider_error(self, failure: Any, response: Any) -> None:
        """A callback that raised (counted by Scrapy in ``spider_exceptions``): kept as a
        failure of the page it was reading."""
        self._keep_failure(response.url, "page", _summary(failure))

    def response_received(self, response: Any, request: Any) -> None:
        """A page that failed before and answers now (a list page has no record to say so)."""
        if response.status < 400:
            for url in (request.url, *request.meta.get("redirect_urls", ())):
                self._note_fetched(url)

    def _note_fetched(self, url: str) -> None:
        """Note ``url`` fetched, to be resolved at the end, if its last attempt failed."""
        if self.failing and url not in self.fetched and self.archive is not None:
            if self.archive.is_failing(url):
                self.fetched.add(url)

    def _keep_failure(self, url: str, kind: str, reason: str) -> None:
        """Keep the failure in the archive; one failing as in earlier runs is "known"."""
        if self.archive is None or self.run_id is None or stopped_by_fault(self.crawler):
            return
        try:
            known = self.archive.record_failure(self.run_id, url, kind, reason, utc_now())
        except (OSError, sqlite3.DatabaseError) as exc:
            fault = local_fault(exc, f"writing {self.db_path}")
            if fault is None:
                raise
            stop_crawl(self.crawler, fault)
            return
        if known and kind != "file":
            self.known_failures += 1

    def spider_closed(self, spider: object, reason: str) -> None:
        """Close the run: ``ok``, ``partial`` (some pages failed) or ``failed``; then the lock."""
        try:
            if self.commits is not None:
                self.commits.stop()
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
        try:  # a page that failed before and was fetched by this run no longer fails
            self.archive.resolve_failures(self.run_id, self.fetched, utc_now())
        except (OSError, sqlite3.DatabaseError) as exc:
            if local_fault(exc, "") is None:
                raise  # a full disk: the run must still close; the next run resolves them
        outcome, message = self._outcome(reason)
        counts = {key: self.counts[key] for key in _RUN_COUNTS} | {
            "errors": self._errors(),
            "still_failing": self.known_failures,
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
        said = message.split(":")[0] if message.startswith(LOCAL_FAULT) else message  # said once
        log_run_line(
            logger, "crawl run %d finished: %s%s", self.run_id, outcome,
            f" ({said})" if said else "",
        )  # fmt: skip

    def _outcome(self, reason: str) -> tuple[str, str]:
        errors = self._errors()
        files_failed = int(self._stats.get_value("archiver/files_failed", 0))
        fault = stopped_by_fault(self.crawler)
        # also a fault met on closing (the last batch's commit), after a crawl that finished
        if reason == CLOSE_REASON or fault:
            return "failed", LOCAL_FAULT + (fault or "unknown")
        if reason == "shutdown":  # SIGTERM, SIGINT (Ctrl-C)
            return "interrupted", "stopped by a signal"
        if reason != "finished":
            return "failed", f"crawl ended early: {reason}"
        if int(self._stats.get_value("archiver/list_pages", 0)) == 0:
            return "failed", "no section list page could be fetched"
        new = errors - self.known_failures
        notes = [f"{new} page(s) failed"] if new else []
        if self.known_failures:
            notes.append(f"{self.known_failures} page(s) still failing as in earlier runs")
        if files_failed:
            notes.append(f"{files_failed} attachment(s) not archived")
        return ("partial" if new else "ok"), "; ".join(notes)

    def _errors(self) -> int:
        return int(self._stats.get_value("archiver/errors", 0)) + int(
            self._stats.get_value("spider_exceptions/count", 0)
        )

    @property
    def _stats(self) -> Any:
        assert self.crawler.stats is not None
        return self.crawler.stats


def _summary(failure: Any) -> str:
    """A failure (a Twisted ``Failure``) as one line: its exception's name and message."""
    value = getattr(failure, "value", failure)
    return f"{type(value).__name__}: {value}".splitlines()[0][:200]
