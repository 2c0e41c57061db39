"""The writer of a distributed crawl: the one process that writes the archive.

``archiver crawl --redis URL`` fetches like every worker (its own records go through the
stream too), and :class:`WriterPipeline`, its last item pipeline, is the archive's single
writer: it holds the crawl lock, opens (or, restarted, resumes) the run, stores every record of
the stream with :class:`archiver.crawl.pipeline.ArchivePipeline`'s own code, acknowledges each
once committed, and ends the crawl when nothing is left: no request waiting, none leased, no
record unstored, twice in a row a moment apart. It then closes the run with the counts of every
process and tells the workers to stop (``state`` = ``done``).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from twisted.internet import task

from archiver.crawl import settings
from archiver.crawl.faults import stopped_by_fault
from archiver.crawl.pipeline import ArchivePipeline
from archiver.distributed.frontier import work_left
from archiver.distributed.keys import Keys, connect
from archiver.distributed.scheduler import summed_stats
from archiver.distributed.transport import RecordStream
from archiver.records import PageFailed

logger = logging.getLogger(__name__)

#: Seconds the crawl must look over before the writer ends it (a second look, not a race).
QUIET_SECONDS = 0.5
#: Seconds between two reads of the record stream.
READ_SECONDS = 0.1
#: Most seconds one read may spend storing before the reactor gets its turn again.
STORE_SLICE = 0.5


class _Totals:
    """The summed stats of every process, in the shape of Scrapy's stats collector."""

    def __init__(self, values: dict[str, Any]):
        self.values = values

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set_value(self, key: str, value: Any) -> None:
        self.values[key] = value

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


class WriterPipeline(ArchivePipeline):
    """The archive's pipeline, fed by the record stream instead of the spider."""

    def __init__(self, crawler: Crawler, db_path: str):
        super().__init__(crawler, db_path)
        namespace = crawler.settings.get("ARCHIVER_REDIS_NAMESPACE")
        self.keys = Keys(namespace or settings.ARCHIVER_REDIS_NAMESPACE)
        self.server = connect(crawler.settings.get("ARCHIVER_REDIS_URL"))
        self.stream = RecordStream(self.server, self.keys)
        self.finished = False
        self._quiet_since: float | None = None
        self._failed: Counter[str] = Counter()
        self._totals: _Totals | None = None
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls(crawler, str(settings.db_path(crawler.settings)))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.spider_idle, signal=signals.spider_idle)
        return pipeline

    def open_spider(self) -> None:
        super().open_spider()
        self.server.hset(self.keys.meta, "run_id", str(self.run_id))
        self.stream.create()
        self._loop = task.LoopingCall(self._read)
        self._loop.start(READ_SECONDS, now=False).addErrback(self._loop_failed)

    def _start_run(self, start_urls: list[str]) -> int:
        """A new run; for a restarted writer, the run it was writing goes on."""
        run_id: Any = self.server.hget(self.keys.meta, "run_id")
        if run_id is None:
            return super()._start_run(start_urls)
        logger.info("resuming crawl run %d into %s", int(run_id), self.db_path)
        return int(run_id)

    def process_item(self, item: Any) -> Any:
        return item  # sent to the stream by RecordSender; stored when read back from it

    def _count_failure(self, failed: PageFailed) -> None:
        self._failed["files_failed" if failed.kind == "file" else "errors"] += 1

    # -- the stream ----------------------------------------------------------------------------

    def _read(self) -> None:
        """Store what the stream holds (for half a second at most), then look for the end."""
        deadline = time.monotonic() + STORE_SLICE
        while time.monotonic() < deadline:
            entries = list(self.stream.read())
            if not entries:
                break
            done: list[tuple[str, dict[str, int]]] = []
            for entry_id, record in entries:
                counts = self._store_entry(entry_id, record)
                if counts is None:
                    return  # a local fault (a full disk): nothing more is stored, nor acked
                done.append((entry_id, counts))
            if self.commits is not None:  # the archive commits in batches: this one first
                self.commits.commit()  # a full disk stops the crawl, as in one process
                if stopped_by_fault(self.crawler):
                    return
            for entry_id, counts in done:
                self.stream.acknowledge(entry_id, counts)
        self._look_for_the_end()

    def _store_entry(self, entry_id: str, record: Any) -> dict[str, int] | None:
        """Store one record; its counts, or None after a local fault."""
        if self.stream.is_stored(entry_id):  # delivered again after a restart
            return {}
        before = Counter(self.counts)
        self._failed.clear()
        try:
            ArchivePipeline.process_item(self, record)
        except Exception:
            logger.exception("could not store %r", getattr(record, "url", record))
            self._failed["errors"] += 1
        if stopped_by_fault(self.crawler):
            return None
        return dict((self.counts - before) + self._failed)

    def _look_for_the_end(self) -> None:
        spider = self.crawler.spider
        if self.finished or not getattr(spider, "seeded", True):
            return
        waiting, leased = work_left(self.server, self.keys)
        if waiting or leased or self.stream.backlog():
            self._quiet_since = None
            return
        now = time.monotonic()
        if self._quiet_since is None:
            self._quiet_since = now
        elif now - self._quiet_since >= QUIET_SECONDS:
            logger.info("the frontier is empty, no request is leased, every record is stored")
            self.finished = True

    def _loop_failed(self, failure: Any) -> None:
        logger.error("the writer stopped reading records: %s", failure.getErrorMessage())
        if self.crawler.engine is not None and self.crawler.spider is not None:
            _ = self.crawler.engine.close_spider_async(reason="writer failed")

    def spider_idle(self) -> None:
        if not self.finished:
            raise DontCloseSpider

    # -- the end -------------------------------------------------------------------------------

    def spider_closed(self, spider: object, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        super().spider_closed(spider, reason)
        if reason == "finished" and self.finished:
            self.server.hset(self.keys.meta, "state", "done")
            logger.info("the crawl is over: the workers stop")

    def _finish_run(self, reason: str) -> None:
        """Close the run with the counts of every process, the writer's earlier lives too."""
        counts = self.stream.counts()
        totals = summed_stats(self.server, self.keys)
        totals["archiver/errors"] = totals.get("archiver/errors", 0) + counts.pop("errors", 0)
        totals["archiver/files_failed"] = counts.pop("files_failed", 0)
        self.counts = Counter(counts)
        self._totals = _Totals(dict(totals))
        try:
            super()._finish_run(reason)
            outcome = self._totals.get_value("archiver/outcome")
        finally:
            self._totals = None
        self.crawler.stats.set_value("archiver/outcome", outcome)  # type: ignore[union-attr]

    @property
    def _stats(self) -> Any:
        if self._totals is not None:
            return self._totals
        assert self.crawler.stats is not None
        return self.crawler.stats
