"""Records on their way to the writer: a Redis stream read by one consumer group.

Every process of the crawl hands each record (the dataclasses of :mod:`archiver.records`) to
:class:`RecordSender`, its last item pipeline, which appends it to the stream (pickled, as
scrapy-redis pickles requests). The writer reads the stream as the one consumer of the group
``writer`` (``XREADGROUP``), stores each record, and acknowledges it (``XACK``, then
``XDEL``) only after the archive committed it. A writer killed in between reads its
unacknowledged entries again when it restarts; storing is idempotent, and the key of every
record stored is kept, so a record delivered twice is stored and counted once: its entry's id,
or for a record a callback gave, the lease of the request and the record's place in the
callback's output (:class:`RecordTags`), the same when a worker died after handing on part of
a page's records and another does the page again.

A record reaches the stream before the request it came from is acknowledged (the scheduler
acknowledges after the item pipelines are done), so "no request waiting, none leased, the
stream empty" means the crawl is over.
"""

from __future__ import annotations

import pickle
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, Self

import redis
from scrapy.crawler import Crawler
from scrapy.http import Request, Response

from archiver.crawl import settings as default
from archiver.distributed.frontier import LEASE_META
from archiver.distributed.keys import CONSUMER, GROUP, Keys, connect

#: id(record) → its key, from :class:`RecordTags` to :class:`RecordSender` (one crawl a process)
TAGS: dict[int, str] = {}


class RecordTags:
    """Spider middleware: each record a callback gives is keyed by the lease of its request
    and its place in the callback's output."""

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        lease = response.meta.get(LEASE_META)
        for n, element in enumerate(result):
            if lease and not isinstance(element, Request):
                TAGS[id(element)] = f"{lease}/{n}"
            yield element

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        lease = response.meta.get(LEASE_META)
        n = 0
        async for element in result:
            if lease and not isinstance(element, Request):
                TAGS[id(element)] = f"{lease}/{n}"
            n += 1
            yield element


class RecordSender:
    """Item pipeline: every record goes to the crawl's record stream."""

    def __init__(self, server: redis.Redis, keys: Keys):
        self.server = server
        self.keys = keys

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        namespace = settings.get("ARCHIVER_REDIS_NAMESPACE", default.ARCHIVER_REDIS_NAMESPACE)
        return cls(connect(settings.get("ARCHIVER_REDIS_URL")), Keys(namespace))

    def process_item(self, item: Any) -> Any:
        key = TAGS.pop(id(item), "")
        self.server.xadd(self.keys.records, {"r": pickle.dumps(item, protocol=5), "k": key})
        return item


class RecordStream:
    """The writer's end of the stream."""

    def __init__(self, server: redis.Redis, keys: Keys):
        self.server = server
        self.keys = keys
        self._backlog = True  # first what was delivered to a previous writer and never acked
        self._keys: dict[str, str] = {}  # entry id → the record's key

    def create(self) -> None:
        """The stream and its group, if missing."""
        try:
            self.server.xgroup_create(self.keys.records, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def read(self, count: int = 100) -> Iterator[tuple[str, Any]]:
        """(entry id, record) of up to ``count`` entries: after a restart, those delivered
        before and never acknowledged, then new ones. Never blocks."""
        entries = self._read("0" if self._backlog else ">", count)
        if self._backlog and not entries:
            self._backlog = False
            entries = self._read(">", count)
        for entry_id, fields in entries:
            name = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
            if not fields:  # deleted since it was delivered: already stored and acked
                self.server.xack(self.keys.records, GROUP, name)
                continue
            self._keys[name] = fields.get(b"k", b"").decode() or name
            yield name, pickle.loads(fields[b"r"])

    def _read(self, start: str, count: int) -> list[Any]:
        reply: Any = self.server.xreadgroup(
            GROUP, CONSUMER, {self.keys.records: start}, count=count
        )
        return list(reply[0][1]) if reply else []

    def is_stored(self, entry_id: str) -> bool:
        """Whether this entry was stored already (delivered again after a writer's restart)."""
        key = self._keys.get(entry_id, entry_id)
        return bool(self.server.sismember(self.keys.stored, key))

    def acknowledge(self, entry_id: str, counts: dict[str, int]) -> None:
        """The entry is committed to the archive: count it, remember it, drop it."""
        pipe = self.server.pipeline(transaction=True)
        for key, n in counts.items():
            if n:
                pipe.hincrby(self.keys.counts, key, n)
        pipe.sadd(self.keys.stored, self._keys.pop(entry_id, entry_id))
        pipe.xack(self.keys.records, GROUP, entry_id)
        pipe.xdel(self.keys.records, entry_id)
        pipe.execute()

    def counts(self) -> dict[str, int]:
        """The run's counts of stored records so far."""
        raw: Any = self.server.hgetall(self.keys.counts)
        return {k.decode(): int(v) for k, v in raw.items()}

    def backlog(self) -> int:
        """Entries not yet stored and acknowledged."""
        return int(self.server.xlen(self.keys.records))
