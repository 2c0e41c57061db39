"""The leased frontier, on a real redis-server: a request taken is leased, not popped; it goes
back when its lease expires; acknowledging removes it; seen and queued in one step."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from scrapy import Spider
from scrapy.http import Request

from archiver.distributed.frontier import LEASE_META, LeasedQueue, work_left
from archiver.distributed.keys import Keys
from tests.redisserver import redis_server


class _Spider(Spider):
    name = "t"

    def parse_page(self, response: object, site: str) -> None:
        """A callback, to travel by name."""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[redis.Redis]:
    with redis_server(tmp_path / "redis") as url:
        yield redis.Redis.from_url(url)


def queue(server: redis.Redis, lease: float = 60) -> LeasedQueue:
    return LeasedQueue(server, _Spider(), Keys("t"), lease_seconds=lease)


def test_a_request_taken_is_leased_and_keeps_its_callback_and_arguments(
    server: redis.Redis,
) -> None:
    q = queue(server)
    spider = q.spider
    sent = Request("https://a.example/1", callback=spider.parse_page, cb_kwargs={"site": "a"})
    assert q.push(sent, "fp1")
    taken = q.pop()
    assert taken is not None and taken.url == sent.url
    assert taken.callback == spider.parse_page and taken.cb_kwargs == {"site": "a"}
    assert taken.meta[LEASE_META]
    assert work_left(server, q.keys) == (0, 1)  # leased, not popped
    assert q.pop() is None  # nobody else gets it while the lease holds


def test_an_expired_lease_gives_the_request_back(server: redis.Redis) -> None:
    q = queue(server, lease=0.05)
    q.push(Request("https://a.example/1"), "fp1")
    first = q.pop()
    assert first is not None
    # the taker died: its lease runs out and the next taker gets the same request
    again = None
    for _ in range(1000):
        again = queue(server, lease=60).pop()
        if again is not None:
            break
    assert again is not None and again.url == first.url
    assert again.meta[LEASE_META] == first.meta[LEASE_META]


def test_acknowledging_removes_the_request_wherever_it_is(server: redis.Redis) -> None:
    q = queue(server)
    q.push(Request("https://a.example/1"), "fp1")
    taken = q.pop()
    assert taken is not None
    q.ack(taken.meta[LEASE_META])
    assert work_left(server, q.keys) == (0, 0)
    assert len(q) == 0 and q.pop() is None
    assert not server.hlen(q.keys.requests)


def test_renewing_keeps_a_lease(server: redis.Redis) -> None:
    q = queue(server, lease=60)
    q.push(Request("https://a.example/1"), "fp1")
    taken = q.pop()
    assert taken is not None
    assert q.renew([taken.meta[LEASE_META]]) == 1
    q.ack(taken.meta[LEASE_META])
    assert q.renew([taken.meta[LEASE_META]]) == 0  # a lease no longer held is not made again


def test_a_fingerprint_seen_is_not_queued_again(server: redis.Redis) -> None:
    q = queue(server)
    assert q.push(Request("https://a.example/1"), "fp1")
    assert not q.push(Request("https://a.example/1"), "fp1")
    assert q.push(Request("https://a.example/1"), None)  # dont_filter: always queued
    assert work_left(server, q.keys) == (2, 0)


def test_a_retry_replaces_its_leased_request_in_one_step(server: redis.Redis) -> None:
    q = queue(server)
    q.push(Request("https://a.example/1"), "fp1")
    taken = q.pop()
    assert taken is not None
    retry = taken.replace(dont_filter=True)
    assert q.push(retry, None)
    assert work_left(server, q.keys) == (1, 0)  # the retry waits; the first try is done
    again = q.pop()
    assert again is not None and again.url == taken.url
    assert again.meta[LEASE_META] != taken.meta[LEASE_META]


def test_higher_priority_first_then_in_order_of_arrival(server: redis.Redis) -> None:
    q = queue(server)
    for n, priority in ((1, 0), (2, 0), (3, 5), (4, 0)):
        q.push(Request(f"https://a.example/{n}", priority=priority), f"fp{n}")
    order = []
    while (taken := q.pop()) is not None:
        order.append(taken.url.rsplit("/", 1)[1])
    assert order == ["3", "1", "2", "4"]


def test_a_worker_leaving_gives_back_what_it_took(server: redis.Redis) -> None:
    q = queue(server)
    q.push(Request("https://a.example/1", priority=3), "fp1")
    taken = q.pop()
    assert taken is not None
    assert q.release([taken.meta[LEASE_META]]) == 1
    assert work_left(server, q.keys) == (1, 0)  # waiting again at once, as it was
    again = q.pop()
    assert again is not None and again.url == taken.url and again.priority == 3
    q.ack(again.meta[LEASE_META])
    assert q.release([again.meta[LEASE_META]]) == 0  # done: nothing to give back
