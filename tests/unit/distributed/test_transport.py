"""The record stream, on a real redis-server: a record is acknowledged only once stored; a
writer that died before acknowledging reads it again; an entry stored already is counted once;
and the shared per-site delay and concurrency."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from archiver.distributed.keys import Keys
from archiver.distributed.politeness import _ACQUIRE
from archiver.distributed.transport import RecordSender, RecordStream
from archiver.records import ListWalked, PageFailed


@pytest.fixture
def server(tmp_path: Path) -> Iterator[redis.Redis]:
    from tests.redisserver import redis_server

    with redis_server(tmp_path / "redis") as url:
        yield redis.Redis.from_url(url)


def test_a_record_stays_until_acknowledged_and_comes_back_after_a_restart(
    server: redis.Redis,
) -> None:
    keys = Keys("t")
    stream = RecordStream(server, keys)
    stream.create()
    sent = [
        ListWalked(start_url="https://a.example/list", at="2026-01-01T00:00:00Z"),
        PageFailed("https://a.example/1", "HTTP 500", "news", "2026-01-01T00:00:00Z"),
    ]
    sender = RecordSender(server, keys)
    for record in sent:
        assert sender.process_item(record) is record
    first = list(stream.read())
    assert [record for _id, record in first] == sent
    assert list(stream.read()) == []  # delivered: not given again to the same reader

    # the writer dies before acknowledging: a new one reads both again, from its backlog
    restarted = RecordStream(server, keys)
    again = list(restarted.read())
    assert [entry for entry, _record in again] == [entry for entry, _record in first]
    assert restarted.backlog() == 2

    entry, _ = again[0]
    assert not restarted.is_stored(entry)
    restarted.acknowledge(entry, {"errors": 1})
    assert restarted.is_stored(entry)  # delivered again later: stored and counted once
    assert restarted.backlog() == 1
    restarted.acknowledge(again[1][0], {})
    assert restarted.backlog() == 0
    assert restarted.counts() == {"errors": 1}
    assert list(RecordStream(server, keys).read()) == []  # nothing left for anyone


def acquire(server: redis.Redis, token: str, concurrency: int, delay: float) -> float:
    script = server.register_script(_ACQUIRE)
    keys = ["t:slot:tokens:a.example", "t:slot:next:a.example"]
    return float(script(keys=keys, args=[concurrency, delay, token, 60]))


def test_the_delay_of_a_site_holds_for_every_process_together(server: redis.Redis) -> None:
    assert acquire(server, "worker-1", concurrency=8, delay=30) < 0  # taken
    wait = acquire(server, "worker-2", concurrency=8, delay=30)  # any other process: waits
    assert 29 < wait <= 30


def test_the_concurrency_of_a_site_holds_for_every_process_together(
    server: redis.Redis,
) -> None:
    assert acquire(server, "worker-1", concurrency=2, delay=0) < 0
    assert acquire(server, "worker-2", concurrency=2, delay=0) < 0
    assert acquire(server, "worker-3", concurrency=2, delay=0) > 0  # two are out
    server.zrem("t:slot:tokens:a.example", "worker-1")  # one comes back with its response
    assert acquire(server, "worker-3", concurrency=2, delay=0) < 0


def test_a_record_a_second_worker_gives_again_is_stored_once(server: redis.Redis) -> None:
    """A worker died after handing on a page's first record; another does the page again:
    the same lease and place, the same key, so the repeated record is known as stored."""
    from archiver.distributed.transport import TAGS

    keys = Keys("t")
    stream = RecordStream(server, keys)
    stream.create()
    sender = RecordSender(server, keys)
    first_try = ListWalked(start_url="https://a.example/list", at="2026-01-01T00:00:00Z")
    second_try = ListWalked(start_url="https://a.example/list", at="2026-01-01T00:01:00Z")
    for record in (first_try, second_try):
        TAGS[id(record)] = "000000000042/3"  # as RecordTags keys them
        sender.process_item(record)
    (entry, record), (again, _) = list(stream.read())
    assert record == first_try
    assert not stream.is_stored(entry)
    stream.acknowledge(entry, {"news_new": 1})
    assert stream.is_stored(again)  # the writer acknowledges it without storing it
    stream.acknowledge(again, {})
    assert stream.counts() == {"news_new": 1}
    assert not TAGS
