"""The spider of a distributed crawl: the crawl's own, asking Redis what the archive holds.

:func:`distributed` makes, of the news spider class, one whose incremental state comes from
:class:`~.known.RedisIndex` and whose ``start()`` seeds the shared frontier only in the writer
of a fresh crawl (``ARCHIVER_REDIS_SEED``; again after a restart if it died before every
seed was queued: the queued ones are duplicates then): a worker, or a writer resuming a
seeded crawl, takes its work from the frontier alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Self

import redis
import scrapy
from scrapy.crawler import Crawler

from archiver.crawl import settings as default
from archiver.crawl.incremental import Incremental
from archiver.distributed.keys import Keys, connect
from archiver.distributed.known import RedisIndex


class DistributedSpider(scrapy.Spider):
    """Mixin put before the news spider (see :func:`distributed`)."""

    incremental: Incremental | None
    seeded: bool

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.incremental = shared_incremental(crawler)
        #: whether every seed is in the frontier: the writer ends no crawl before
        spider.seeded = not crawler.settings.getbool("ARCHIVER_REDIS_SEED")
        return spider

    async def start(self) -> AsyncIterator[Any]:
        if self.settings.getbool("ARCHIVER_REDIS_SEED"):
            shared = self.incremental
            # the lists, and what an earlier run left unfinished, asked of the archive itself
            async for request in super().start():
                yield request
            if self.incremental is not None and self.incremental is not shared:
                self.incremental.close()
            self.incremental = shared
            self.seeded = True
            server, keys = shared_server(self.crawler)
            server.hset(keys.meta, "seeded", "1")  # a writer restarted from now on seeds no more


def shared_server(crawler: Crawler) -> tuple[redis.Redis, Keys]:
    """The crawl's Redis server and keys."""
    settings = crawler.settings
    keys = Keys(settings.get("ARCHIVER_REDIS_NAMESPACE", default.ARCHIVER_REDIS_NAMESPACE))
    return connect(settings.get("ARCHIVER_REDIS_URL")), keys


def shared_incremental(crawler: Crawler) -> Incremental:
    """The incremental rules over what the writer published of its archive."""
    settings = crawler.settings
    return Incremental(
        RedisIndex(*shared_server(crawler)),
        full=settings.getbool("ARCHIVER_FULL", default.ARCHIVER_FULL),
        known_run=settings.getint("ARCHIVER_KNOWN_RUN", default.ARCHIVER_KNOWN_RUN),
    )


def distributed(spider: type[scrapy.Spider]) -> type[scrapy.Spider]:
    """``spider`` with :class:`DistributedSpider` before it, under the same name."""
    return type(f"Distributed{spider.__name__}", (DistributedSpider, spider), {})
