"""What the archive held when the crawl was seeded, in Redis, for workers that have no archive.

The spider asks :class:`archiver.crawl.incremental.Incremental` about one URL at a time (is
this page known, with which validators and status? is this file archived? which briefs does
this stored article cite? was this list ever walked to its end?). A one-machine crawl asks its
archive, as it stood when the crawl started (``ArchivedPages(snapshot=True)``). In a
distributed crawl the writer, which alone has the archive, publishes those facts into Redis
before any request is queued (:func:`publish`); every process then asks Redis
(:class:`RedisIndex`), the writer too, so the answers are the same everywhere and stay those
of the archive as it was when the crawl started, also after the writer restarts.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import redis

from archiver.distributed.keys import Keys
from archiver.store.db import connect_read_only
from archiver.store.known import KnownPage
from archiver.store.tables import CITATIONS, DOCUMENTS, FILES, LIST_WALKS

_BATCH = 1000


def publish(server: redis.Redis, keys: Keys, db: Path) -> int:
    """Copy what an incremental crawl asks of the archive at ``db`` into Redis; returns the
    number of pages published."""
    conn = connect_read_only(db)
    try:
        pages = conn.execute(
            f"SELECT url, kind, etag, last_modified, status, first_seen_at FROM {DOCUMENTS}"
        )
        n = _put_hash(server, keys.known("pages"), ((row[0], row[1:]) for row in pages))
        files = conn.execute(f"SELECT url FROM {FILES}")
        _put_set(server, keys.known("files"), (url for (url,) in files))
        walked = conn.execute(f"SELECT start_url FROM {LIST_WALKS}")
        _put_set(server, keys.known("walked"), (url for (url,) in walked))
        cited: dict[str, list[str]] = defaultdict(list)
        for news_url, brief_url in conn.execute(
            f"SELECT news_url, brief_url FROM {CITATIONS} ORDER BY news_url, position"
        ):
            if brief_url not in cited[news_url]:
                cited[news_url].append(brief_url)
        _put_hash(server, keys.known("citations"), cited.items())
    finally:
        conn.close()
    return n


def _put_hash(server: redis.Redis, key: str, items: Any) -> int:
    n = 0
    pipe = server.pipeline(transaction=False)
    for field, value in items:
        pipe.hset(key, field, json.dumps(list(value), ensure_ascii=False))
        n += 1
        if n % _BATCH == 0:
            pipe.execute()
    pipe.execute()
    return n


def _put_set(server: redis.Redis, key: str, members: Any) -> None:
    batch: list[str] = []
    for member in members:
        batch.append(member)
        if len(batch) == _BATCH:
            server.sadd(key, *batch)
            batch = []
    if batch:
        server.sadd(key, *batch)


class RedisIndex:
    """:class:`archiver.crawl.incremental.ArchiveIndex` over the facts :func:`publish` put in
    Redis. What a crawl left unfinished is asked of the archive itself, by the writer, when it
    seeds the crawl: here it is empty."""

    def __init__(self, server: redis.Redis, keys: Keys):
        self.server = server
        self.keys = keys

    def page(self, url: str) -> KnownPage | None:
        raw: Any = self.server.hget(self.keys.known("pages"), url)
        if raw is None:
            return None
        kind, etag, last_modified, status, first_seen_at = json.loads(raw)
        return KnownPage(kind, etag, last_modified, status, first_seen_at)

    def has_file(self, url: str) -> bool:
        return bool(self.server.sismember(self.keys.known("files"), url))

    def citations(self, news_url: str) -> list[str]:
        raw: Any = self.server.hget(self.keys.known("citations"), news_url)
        return list(json.loads(raw)) if raw is not None else []

    def unrecorded_briefs(self, prefixes: Sequence[str] | None = None) -> list[tuple[str, str]]:
        return []

    def unarchived_files(
        self, *, images: bool = False, prefixes: Sequence[str] | None = None
    ) -> list[tuple[str, str]]:
        return []

    def list_walked(self, start_url: str) -> bool:
        return bool(self.server.sismember(self.keys.known("walked"), start_url))

    def close(self) -> None:
        """Nothing to release: the connection is the process's."""
