"""The scheduler of every process of a distributed crawl: scrapy-redis's, with leases.

What it changes in :class:`scrapy_redis.scheduler.Scheduler`:

- the queue is :class:`~.frontier.LeasedQueue`: a request taken is leased, and acknowledged
  only when the scraper is done with its response (every record and request its callback or
  errback gave handed on), so a worker killed with ``kill -9`` loses nothing;
- the duplicate filter fingerprints with Scrapy's own request fingerprinter (the crawler's
  ``REQUEST_FINGERPRINTER_CLASS``), lets a redirect hop through as
  :class:`archiver.crawl.dupefilter.RedirectAwareDupeFilter` does, and marks a fingerprint seen
  in the same step that queues the request;
- the frontier persists: no process ever clears it when it closes (the writer clears a
  finished crawl's keys when the next one starts);
- it never blocks the reactor waiting for work; it asks the engine to look again four times a
  second, renews the leases it holds, and publishes this process's stats for the writer.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from typing import Any, Self

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task
from twisted.python.failure import Failure

from archiver.crawl import settings as default
from archiver.distributed.frontier import LEASE_META, LeasedQueue
from archiver.distributed.keys import Keys, connect

logger = logging.getLogger(__name__)

#: Seconds between two looks at the shared frontier when this process has nothing to do.
POLL_SECONDS = 0.25
#: Ticks of the poll between two lease renewals and stats publications (about a second).
PUBLISH_TICKS = 4


def instance_name(crawler: Crawler) -> str:
    """This process's name in the crawl: the worker's name, and a part unique to the run."""
    name = crawler.settings.get("ARCHIVER_WORKER_NAME") or default_worker_name()
    return f"{name}/{uuid.uuid4().hex[:8]}"


def default_worker_name() -> str:
    """The host's name and the process id: unique among the workers of a crawl."""
    host = socket.gethostname().split(".")[0] or "worker"
    return f"{host}-{os.getpid()}"


class SharedDupeFilter(RFPDupeFilter):  # type: ignore[misc]
    """scrapy-redis's duplicate filter, fingerprinting with the crawler's own fingerprinter.

    A redirect hop and a request with ``dont_filter`` have no fingerprint: never filtered,
    never marked seen. The frontier marks a fingerprint seen when it queues the request.
    """

    def __init__(self, crawler: Crawler, keys: Keys):
        super().__init__(None, keys.seen, debug=crawler.settings.getbool("DUPEFILTER_DEBUG"))
        assert crawler.request_fingerprinter is not None
        self.fingerprinter = crawler.request_fingerprinter

    def fingerprint(self, request: Request) -> str | None:
        if request.dont_filter or request.meta.get("redirect_urls"):
            return None
        return self.fingerprinter.fingerprint(request).hex()


class LeasedScheduler(Scheduler):  # type: ignore[misc]
    """A scrapy-redis scheduler over the leased frontier of ``ARCHIVER_REDIS_URL``."""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        url = settings.get("ARCHIVER_REDIS_URL")
        if not url:
            raise ValueError("ARCHIVER_REDIS_URL is not set")
        self.keys = Keys(settings.get("ARCHIVER_REDIS_NAMESPACE", default.ARCHIVER_REDIS_NAMESPACE))
        super().__init__(connect(url), persist=True, queue_key=self.keys.pending)
        self.crawler = crawler
        self.stats = crawler.stats
        self.df = SharedDupeFilter(crawler, self.keys)
        self.lease_seconds = settings.getfloat("ARCHIVER_REDIS_LEASE", default.ARCHIVER_REDIS_LEASE)
        self.instance = settings.get("ARCHIVER_REDIS_INSTANCE") or instance_name(crawler)
        self.held: set[str] = set()
        self._ticks = 0
        self._poll: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        scheduler = cls(crawler)
        crawler.signals.connect(scheduler._spider_opened, signal=signals.spider_opened)
        if not crawler.settings.getbool("ARCHIVER_REDIS_WRITER"):
            crawler.signals.connect(scheduler._worker_idle, signal=signals.spider_idle)
        return scheduler

    def _worker_idle(self) -> None:
        """A worker with nothing to do waits for more, until the writer ends the crawl (or
        Redis is gone: its leases expire there, if it comes back)."""
        try:
            running = self.server.hget(self.keys.meta, "state") == b"running"
        except redis.RedisError as exc:
            logger.error("lost the crawl's Redis (%s): this worker stops", exc)
            return
        if running:
            raise DontCloseSpider

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = LeasedQueue(self.server, spider, self.keys, self.lease_seconds)
        waiting = len(self.queue)
        if waiting:
            logger.info("joining the crawl: %d request(s) in the shared frontier", waiting)

    def _spider_opened(self) -> None:
        """Acknowledge each leased request once the scraper is done with its outcome, and
        start looking at the frontier, renewing leases and publishing stats."""
        engine = self.crawler.engine
        assert engine is not None and engine.scraper.slot is not None
        slot = engine.scraper.slot
        finish = slot.finish_response

        def finish_and_ack(result: Response | Failure, request: Request) -> None:
            finish(result, request)
            self.done(request)

        slot.finish_response = finish_and_ack  # type: ignore[method-assign]
        self._poll = task.LoopingCall(self._tick)
        self._poll.start(POLL_SECONDS, now=False).addErrback(
            lambda failure: logger.error("the frontier poll stopped: %s", failure.value)
        )

    def close(self, reason: str) -> None:
        """Persist: the frontier outlives every process. Publish the last stats, and give
        back what this process took and never did (Ctrl-C, SIGTERM)."""
        if self._poll is not None and self._poll.running:
            self._poll.stop()
        try:
            self.publish_stats()
            if self.held:  # taken and never done: the engine dropped them as it stopped
                given = self.queue.release(sorted(self.held))
                logger.info("gave back %d request(s) to the shared frontier", given)
        except redis.RedisError as exc:
            logger.warning("cannot reach the crawl's Redis: %s", exc)

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = self.df.fingerprint(request)
        if not self.queue.push(request, fingerprint):
            self.df.log(request, self.spider)
            return False
        self.held.discard(request.meta.pop(LEASE_META, ""))  # a redirect or retry replaced it
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        try:
            request: Request | None = self.queue.pop()
        except redis.RedisError as exc:
            logger.warning("cannot reach the crawl's Redis: %s", exc)
            return None
        if request is not None:
            self.held.add(request.meta[LEASE_META])
            if self.stats:
                self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        try:
            return int(self.server.zcard(self.keys.pending)) > 0
        except redis.RedisError:
            return False

    def done(self, request: Request) -> None:
        """Acknowledge the lease ``request`` was taken under, if any."""
        lease = request.meta.get(LEASE_META)
        if lease:
            self.publish_stats()  # before the ack: the writer sums them once nothing is leased
            self.queue.ack(lease)
            self.held.discard(lease)

    # -- the poll ------------------------------------------------------------------------------

    def _tick(self) -> None:
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()  # the engine otherwise looks every 5 s when idle
        self._ticks += 1
        if self._ticks % PUBLISH_TICKS == 0:
            try:
                self.queue.renew(sorted(self.held))
                self.publish_stats()
            except redis.RedisError as exc:
                logger.warning("cannot reach the crawl's Redis: %s", exc)

    def publish_stats(self) -> None:
        """This process's stats, for the writer to sum into the run's counts."""
        if self.stats is None:
            return
        numbers = {
            key: value
            for key, value in self.stats.get_stats().items()
            if isinstance(value, int | float) and not isinstance(value, bool)
        }
        self.server.hset(self.keys.stats, self.instance, json.dumps(numbers))


def summed_stats(server: Any, keys: Keys) -> dict[str, float]:
    """The stats of every process of the crawl, summed key by key."""
    total: dict[str, float] = {}
    for raw in server.hvals(keys.stats):
        for key, value in json.loads(raw).items():
            total[key] = total.get(key, 0) + value
    return total
