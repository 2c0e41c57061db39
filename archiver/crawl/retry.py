"""Downloader middleware: Scrapy's retries, with an exponential back-off between tries."""

from __future__ import annotations

import logging
from typing import Self

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from archiver.crawl import settings as default

logger = logging.getLogger(__name__)


class BackoffRetryMiddleware(RetryMiddleware):
    """Retry like Scrapy does, but wait ``base * 2**(try-1)`` seconds (capped) before a retry.

    A ``Retry-After`` header given in seconds (429, 503) is honoured up to the cap. Settings:
    ``RETRY_BACKOFF_BASE`` (seconds, 0 turns the wait off) and ``RETRY_BACKOFF_MAX``.
    """

    def __init__(self, settings, base: float, cap: float):  # type: ignore[no-untyped-def]
        super().__init__(settings)
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        o = cls(
            crawler.settings,
            base=crawler.settings.getfloat("RETRY_BACKOFF_BASE", default.RETRY_BACKOFF_BASE),
            cap=crawler.settings.getfloat("RETRY_BACKOFF_MAX", default.RETRY_BACKOFF_MAX),
        )
        o.crawler = crawler
        return o

    def delay(self, retry: Request, response: Response | None = None) -> float:
        """Seconds to wait before sending ``retry``."""
        tries = int(retry.meta.get("retry_times", 1))
        wait = self.base * 2 ** (tries - 1)
        if response is not None:
            retry_after = (response.headers.get(b"Retry-After") or b"").decode("latin-1").strip()
            if retry_after.isdigit():
                wait = max(wait, float(retry_after))
        return min(wait, self.cap)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._sleep(self.delay(result, response))
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._sleep(self.delay(result))
        return result

    async def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            # Imported here: importing the reactor at module level could install the wrong one.
            from twisted.internet import reactor

            logger.debug("backing off %.1fs before retrying", seconds)
            await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))
