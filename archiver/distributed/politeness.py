"""Politeness shared by every process of a distributed crawl: robots.txt and per-site limits.

A site's limits (``CONCURRENT_REQUESTS_PER_DOMAIN`` and ``DOWNLOAD_DELAY``, or its profile's
``[politeness]`` through ``DOWNLOAD_SLOTS``) hold for all workers together, not for each:
before a request goes out, :class:`SharedPoliteness` takes one of its download slot's tokens
in Redis, in one Lua script that checks both limits against the Redis server's clock: fewer
tokens out than the slot's concurrency, and the slot's "next allowed time" reached (then moved
on by the delay). A token is given back with the response (or the failure); one whose worker
died expires as its leases do (``ARCHIVER_REDIS_LEASE``: the living renew theirs). Each
worker's own download slots still apply on top (Scrapy's, AutoThrottle's).
"""

from __future__ import annotations

import uuid
from typing import Any, Self

import redis
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet import task
from twisted.internet.defer import Deferred

from archiver.crawl import settings as default
from archiver.distributed.keys import Keys, connect, server_time

#: ``request.meta`` key of the token a request holds: (slot, token).
TOKEN_META = "archiver_slot_token"
#: Longest wait between two tries for a token, in seconds.
MAX_WAIT = 0.5

# KEYS: the slot's tokens (ZSET, scored by expiry), its next allowed time
# ARGV: concurrency, delay, token, seconds a token may be held
# returns '-1' when the token is taken, else the seconds to wait before trying again
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return '0.05' end
local allowed = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < allowed then return tostring(allowed - now) end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[3])
local delay = tonumber(ARGV[2])
if delay > 0 then
  local keep = math.ceil(delay * 1000) + 1000
  redis.call('SET', KEYS[2], string.format('%.6f', now + delay), 'PX', keep)
end
return '-1'
"""


class SharedPoliteness:
    """Downloader middleware (the last before the download): a slot token per request."""

    def __init__(self, server: redis.Redis, keys: Keys, crawler: Crawler):
        settings = crawler.settings
        self.server = server
        self.keys = keys
        self.concurrency = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        self.delay = settings.getfloat("DOWNLOAD_DELAY")
        self.slots: dict[str, Any] = settings.getdict("DOWNLOAD_SLOTS")
        # a token lives as long as a lease, renewed while its request is out: a dead
        # worker's tokens come back as soon as its leases do
        self.hold = settings.getfloat("ARCHIVER_REDIS_LEASE", default.ARCHIVER_REDIS_LEASE)
        self.held: dict[str, str] = {}  # token → slot
        self._acquire = server.register_script(_ACQUIRE)
        self._renewal: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        namespace = settings.get("ARCHIVER_REDIS_NAMESPACE", default.ARCHIVER_REDIS_NAMESPACE)
        return cls(connect(settings.get("ARCHIVER_REDIS_URL")), Keys(namespace), crawler)

    def limits(self, slot: str) -> tuple[int, float]:
        """(concurrency, delay) of a download slot, as Scrapy's downloader reads them."""
        own = self.slots.get(slot) or {}
        concurrency = int(own.get("concurrency", self.concurrency)) or self.concurrency
        return max(concurrency, 1), float(own.get("delay", self.delay))

    async def process_request(self, request: Request) -> None:
        slot = request.meta.get("download_slot") or urlparse_cached(request).hostname or ""
        concurrency, delay = self.limits(slot)
        token = uuid.uuid4().hex
        keys = [self.keys.slot(slot, "tokens"), self.keys.slot(slot, "next")]
        from twisted.internet import reactor  # the one Scrapy installed: not at import

        while True:
            wait = float(self._acquire(keys=keys, args=[concurrency, delay, token, self.hold]))
            if wait < 0:
                break
            await maybe_deferred_to_future(
                task.deferLater(reactor, min(wait, MAX_WAIT), lambda: None)  # type: ignore[arg-type]
            )
        request.meta[TOKEN_META] = (slot, token)
        self.held[token] = slot
        if self._renewal is None:
            self._renewal = task.LoopingCall(self._renew)
            self._renewal.start(max(self.hold / 3, 0.2), now=False)

    def _renew(self) -> None:
        pipe = self.server.pipeline(transaction=False)
        now = server_time(self.server)
        for token, slot in list(self.held.items()):
            pipe.zadd(self.keys.slot(slot, "tokens"), {token: now + self.hold}, xx=True)
        pipe.execute()

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)

    def _release(self, request: Request) -> None:
        held = request.meta.pop(TOKEN_META, None)
        if held is not None:
            slot, token = held
            self.held.pop(token, None)
            self.server.zrem(self.keys.slot(slot, "tokens"), token)


class SharedRobotsTxt(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with each site's robots.txt fetched once for the crawl.

    The body of each robots.txt fetched is kept in Redis; a process that has not read a
    site's robots.txt yet reads it there before fetching it itself. And every request waiting
    for a robots.txt gets its rules: Scrapy's own hands them to the first waiter only (a
    Deferred awaited twice gives the second waiter None, which allows everything).
    """

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        settings = crawler.settings
        namespace = settings.get("ARCHIVER_REDIS_NAMESPACE", default.ARCHIVER_REDIS_NAMESPACE)
        self.server = connect(settings.get("ARCHIVER_REDIS_URL"))
        self.keys = Keys(namespace)

    async def robot_parser(self, request: Request) -> Any:
        netloc = urlparse_cached(request).netloc
        if netloc in self._parsers:
            known = self._parsers[netloc]
            if not isinstance(known, Deferred):
                return known
            waiter: Deferred[Any] = Deferred()

            def pass_on(result: Any) -> Any:
                waiter.callback(result)
                return result

            known.addBoth(pass_on)  # type: ignore[call-overload]
            return await maybe_deferred_to_future(waiter)
        cached: Any = self.server.hget(self.keys.robots, netloc)
        if cached is not None:
            self._parsers[netloc] = build_from_crawler(self._parserimpl, self.crawler, cached)
            return self._parsers[netloc]
        return await super().robot_parser(request)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        self.server.hset(self.keys.robots, netloc, response.body)
        await super()._parse_robots(response, netloc, request)
