"""The shared frontier: requests are leased, never popped.

scrapy-redis pops a request off its queue: a worker killed while it holds one loses it, and
since its URL is already marked seen nobody asks for it again. Here a worker *leases* a
request: it moves from ``pending`` to ``leased`` with an expiry (the Redis server's clock), and
leaves the frontier only when the worker acknowledges it, once everything its callback gave
(records, new requests) is handed on. A lease that expires (its worker died, or stalled
longer than the lease) goes back to ``pending`` the next time any process asks for work.
Living workers renew their leases (:meth:`LeasedQueue.renew`).

Every step is one Lua script, so no crash between two commands can lose a request: "mark the
fingerprint seen and queue the request" is one step; so is "queue a redirect or a retry and
acknowledge the request it replaces".

:class:`LeasedQueue` is a scrapy-redis queue (:class:`scrapy_redis.queue.Base`): requests
are serialised its way (``request.to_dict`` and pickle, :mod:`scrapy_redis.picklecompat`).
"""

from __future__ import annotations

from typing import Any

import redis
from scrapy import Spider
from scrapy.http import Request
from scrapy_redis import picklecompat
from scrapy_redis.queue import Base

from archiver.distributed.keys import Keys

#: ``request.meta`` key of the lease a request was taken under.
LEASE_META = "archiver_lease"

# KEYS: pending, requests, scores, seen, leased, counter
# ARGV: fingerprint ('' = not filtered), payload, score, lease it replaces ('' = none)
_PUSH = """
local added = 0
if ARGV[1] == '' or redis.call('SADD', KEYS[4], ARGV[1]) == 1 then
  local id = string.format('%012d', redis.call('INCR', KEYS[6]))
  redis.call('HSET', KEYS[2], id, ARGV[2])
  redis.call('HSET', KEYS[3], id, ARGV[3])
  redis.call('ZADD', KEYS[1], ARGV[3], id)
  added = 1
end
if ARGV[4] ~= '' then
  redis.call('ZREM', KEYS[5], ARGV[4])
  redis.call('ZREM', KEYS[1], ARGV[4])
  redis.call('HDEL', KEYS[2], ARGV[4])
  redis.call('HDEL', KEYS[3], ARGV[4])
end
return added
"""

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

# KEYS: pending, requests, scores, leased; ARGV: lease seconds
_LEASE = (
    _NOW
    + """
local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[4], id)
  redis.call('ZADD', KEYS[1], redis.call('HGET', KEYS[3], id) or 0, id)
end
while true do
  local top = redis.call('ZRANGE', KEYS[1], 0, 0)
  if #top == 0 then return false end
  local id = top[1]
  redis.call('ZREM', KEYS[1], id)
  local payload = redis.call('HGET', KEYS[2], id)
  if payload then
    redis.call('ZADD', KEYS[4], now + tonumber(ARGV[1]), id)
    return {id, payload}
  end
end
"""
)

# KEYS: leased; ARGV: lease seconds, ids…
_RENEW = (
    _NOW
    + """
local renewed = 0
for i = 2, #ARGV do
  renewed = renewed + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[i])
end
return renewed
"""
)

# KEYS: pending, scores, leased; ARGV: ids…
_RELEASE = """
local released = 0
for i = 1, #ARGV do
  if redis.call('ZREM', KEYS[3], ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[1], redis.call('HGET', KEYS[2], ARGV[i]) or 0, ARGV[i])
    released = released + 1
  end
end
return released
"""

# KEYS: pending, requests, scores, leased; ARGV: id
_ACK = """
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return redis.call('HDEL', KEYS[2], ARGV[1])
"""


class LeasedQueue(Base):  # type: ignore[misc]
    """The crawl's frontier in Redis, shared by every process, with leases.

    ``lease_seconds``: how long a request taken stays the taker's without a renewal.
    """

    def __init__(
        self,
        server: redis.Redis,
        spider: Spider,
        keys: Keys,
        lease_seconds: float = 60.0,
    ):
        super().__init__(server, spider, keys.pending, serializer=picklecompat)
        self.keys = keys
        self.lease_seconds = lease_seconds
        self._push = server.register_script(_PUSH)
        self._lease = server.register_script(_LEASE)
        self._renew = server.register_script(_RENEW)
        self._ack = server.register_script(_ACK)
        self._release = server.register_script(_RELEASE)

    def __len__(self) -> int:
        """Requests waiting, and requests leased: the work not yet done."""
        return int(self.server.zcard(self.keys.pending)) + int(self.server.zcard(self.keys.leased))

    def push(self, request: Request, fingerprint: str | None = None) -> bool:
        """Queue ``request``, unless ``fingerprint`` was seen already (None: never filtered).

        A request carrying a lease (a redirect or a retry the downloader made of a leased
        request) replaces that request: queued and acknowledged in one step. Returns whether
        the request was queued.
        """
        replaces = request.meta.pop(LEASE_META, "")
        payload = self._encode_request(request)
        keys = self.keys
        args = [fingerprint or "", payload, -request.priority, replaces]
        added = self._push(
            keys=[keys.pending, keys.requests, keys.scores, keys.seen, keys.leased, keys.counter],
            args=args,
        )
        if replaces:
            request.meta[LEASE_META] = replaces
        return bool(added)

    def pop(self, timeout: int = 0) -> Request | None:
        """Lease the next request (or None when none waits): ``meta[LEASE_META]`` names the
        lease to acknowledge. Never blocks (``timeout`` is scrapy-redis's, unused)."""
        keys = self.keys
        found: Any = self._lease(
            keys=[keys.pending, keys.requests, keys.scores, keys.leased],
            args=[self.lease_seconds],
        )
        if not found:
            return None
        lease, payload = found
        request: Request = self._decode_request(payload)
        request.meta[LEASE_META] = lease.decode() if isinstance(lease, bytes) else str(lease)
        return request

    def ack(self, lease: str) -> None:
        """The request of ``lease`` is done: it leaves the frontier, wherever it is."""
        keys = self.keys
        self._ack(keys=[keys.pending, keys.requests, keys.scores, keys.leased], args=[lease])

    def renew(self, leases: list[str]) -> int:
        """Extend the leases still held; returns how many were."""
        if not leases:
            return 0
        return int(self._renew(keys=[self.keys.leased], args=[self.lease_seconds, *leases]))

    def release(self, leases: list[str]) -> int:
        """Give back requests taken and not done (a worker leaving): waiting again at once,
        not when their leases expire. Returns how many were still held."""
        if not leases:
            return 0
        keys = self.keys
        return int(self._release(keys=[keys.pending, keys.scores, keys.leased], args=leases))

    def clear(self) -> None:
        keys = self.keys
        self.server.delete(keys.pending, keys.leased, keys.requests, keys.scores, keys.counter)


def work_left(server: redis.Redis, keys: Keys) -> tuple[int, int]:
    """(requests waiting, requests leased)."""
    pipe = server.pipeline(transaction=True)
    pipe.zcard(keys.pending)
    pipe.zcard(keys.leased)
    waiting, leased = pipe.execute()
    return int(waiting), int(leased)
