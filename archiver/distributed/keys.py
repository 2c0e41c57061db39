"""The names of one distributed crawl's Redis keys, and the connection to Redis.

Every key of a crawl starts with its namespace (``ARCHIVER_REDIS_NAMESPACE``, default
``archiver``), so one Redis server can hold several crawls side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis
from scrapy_redis import connection


@dataclass(frozen=True)
class Keys:
    """The keys of the crawl in ``namespace``."""

    namespace: str = "archiver"

    def _key(self, name: str) -> str:
        return f"{self.namespace}:{name}"

    @property
    def pending(self) -> str:
        """ZSET: request ids waiting for a worker, by priority, then in order of arrival."""
        return self._key("frontier:pending")

    @property
    def leased(self) -> str:
        """ZSET: request ids a worker holds, scored by when the lease expires (server time)."""
        return self._key("frontier:leased")

    @property
    def requests(self) -> str:
        """HASH: request id → the serialised request."""
        return self._key("frontier:requests")

    @property
    def scores(self) -> str:
        """HASH: request id → its score in ``pending`` (to put back an expired lease)."""
        return self._key("frontier:scores")

    @property
    def counter(self) -> str:
        """STRING: the last request id given."""
        return self._key("frontier:counter")

    @property
    def seen(self) -> str:
        """SET: the fingerprints of every request ever scheduled (Scrapy's fingerprinter)."""
        return self._key("dupefilter")

    @property
    def records(self) -> str:
        """STREAM: records on their way to the writer, acknowledged once committed."""
        return self._key("records")

    @property
    def stored(self) -> str:
        """SET: ids of the records already stored (a record delivered twice is counted once)."""
        return self._key("records:stored")

    @property
    def counts(self) -> str:
        """HASH: the run's counts of stored records (news_new, errors, …)."""
        return self._key("run:counts")

    @property
    def stats(self) -> str:
        """HASH: process instance → its Scrapy stats (JSON), summed into the run at its end."""
        return self._key("run:stats")

    @property
    def meta(self) -> str:
        """HASH: ``state`` (running, done), ``run_id``, ``db``, ``config`` (the crawl's spider
        arguments, profiles and settings, pickled)."""
        return self._key("run:meta")

    def known(self, name: str) -> str:
        """What the archive held when the crawl was seeded (:mod:`.known`)."""
        return self._key(f"known:{name}")

    def slot(self, name: str, part: str) -> str:
        """A download slot's shared politeness state (:mod:`.politeness`)."""
        return self._key(f"slot:{part}:{name}")

    @property
    def robots(self) -> str:
        """HASH: netloc → the robots.txt body fetched for it (one fetch for all workers)."""
        return self._key("robots")

    def all_patterns(self) -> list[str]:
        """Patterns matching every key of the crawl."""
        return [f"{self.namespace}:*"]


#: The group of the writer on the record stream, and its one consumer.
GROUP = "writer"
CONSUMER = "writer"


def connect(url: str) -> redis.Redis:
    """A client of the Redis server at ``url`` (``redis://host:port/db``, ``unix:///path``);
    raises :class:`redis.RedisError` when it does not answer."""
    client: Any = connection.get_redis(url=url, socket_timeout=30, socket_connect_timeout=10)
    client.ping()
    return client  # type: ignore[no-any-return]


def server_time(client: redis.Redis) -> float:
    """The Redis server's clock, in seconds: one clock for every machine of the crawl."""
    seconds, micros = client.time()
    return float(seconds) + float(micros) / 1e6


def clear(client: redis.Redis, keys: Keys) -> None:
    """Delete every key of the crawl."""
    for pattern in keys.all_patterns():
        batch = list(client.scan_iter(match=pattern, count=1000))
        for start in range(0, len(batch), 500):
            client.delete(*batch[start : start + 500])
