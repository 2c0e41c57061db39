"""What a crawl may fetch: the hosts of its sites, their cited hosts and the web archive; never
this machine, a private network or a bare IP address.

:class:`CrawlScope` is the rule, as plain functions of a URL or an address;
:class:`ScopeMiddleware` applies it to every request the downloader is given — each start
request, each request a callback yields, each redirect hop (a redirect is a new request that
goes through the middlewares again) and each robots.txt — before robots.txt is asked for or a
connection is made. What a host name resolves to is checked by
:class:`archiver.crawl.resolver.ScopedResolver`, with :func:`address_refusal`.

A spider names its hosts in ``allowed_hosts`` (patterns as in a site profile: ``host`` or
``*.domain``); a spider without them is held to the address rules only.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Self
from urllib.parse import urlsplit

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.settings import BaseSettings

from archiver.config import host_matches
from archiver.crawl import settings as default

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: A host name as the downloader sees it (lower case, IDNA already applied): letters, digits,
#: hyphens (and the underscores some real hosts have), dot-separated; a trailing dot allowed.
_LABEL = r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?"
_HOST_NAME = re.compile(rf"^{_LABEL}(\.{_LABEL})*\.?$")
#: A last label that makes a URL parser (and the C library) read the host as IPv4:
#: ``2130706433``, ``127.1``, ``0x7f.1``, ``0177.0.0.1`` (the WHATWG "ends in a number" rule).
_NUMERIC_LABEL = re.compile(r"^(\d+|0x[0-9a-f]*)$")
#: Names every resolver maps to this machine (RFC 6761).
_LOCAL_NAMES = ("localhost", "*.localhost", "localhost.localdomain")


class OutOfScope(IgnoreRequest):
    """A request the crawl refuses to send; the message names the URL and why."""


@dataclass(frozen=True)
class CrawlScope:
    """The host patterns a crawl may fetch from (none: any host name), and the private
    networks an archivist allowed (``ARCHIVER_ALLOWED_NETWORKS``, e.g. a campus intranet)."""

    hosts: tuple[str, ...] = ()
    allowed_networks: tuple[Network, ...] = ()

    def refusal(self, url: str) -> str | None:
        """Why ``url`` must not be fetched, or None when it may."""
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
            parts.port  # noqa: B018 (raises ValueError for a port out of range)
        except ValueError as exc:
            return f"not a valid address ({exc})"
        if parts.scheme not in ("http", "https"):
            return f"not an http(s) address ({parts.scheme or 'no'} scheme)"
        if "@" in parts.netloc:
            return "it names a user (user@host), which can hide the host it goes to"
        if not host:
            return "it names no host"
        return _host_refusal(host, self.hosts, self.allowed_networks)

    def allows(self, url: str) -> bool:
        """True when ``url`` may be fetched."""
        return self.refusal(url) is None


@functools.lru_cache(maxsize=4096)  # a crawl asks about its few hosts once a request
def _host_refusal(
    host: str, hosts: tuple[str, ...], allowed_networks: tuple[Network, ...]
) -> str | None:
    """Why a URL naming ``host`` must not be fetched by a crawl of ``hosts``, or None."""
    literal = ip_literal(host)
    if literal is not None:
        # only an address of a network the archivist allowed, named as a site's host
        allowed = any(literal in network for network in allowed_networks)
        if allowed and host_matches(host, hosts):
            return None
        kind = address_refusal(literal) or "not a host name"
        return f"{host} is an IP address: {kind}"
    if not _HOST_NAME.match(host):
        return f"{host!r} is not a valid host name"
    if host_matches(host, _LOCAL_NAMES):
        return f"{host} is this machine"
    if hosts and not host_matches(host, hosts):
        return f"{host} is not a host of this crawl (its sites, cited hosts, web archive)"
    return None


def ip_literal(host: str) -> IPAddress | None:
    """The address when ``host`` is written as one, in any form a resolver accepts
    (``127.0.0.1``, ``::1``, ``::ffff:127.0.0.1``, ``2130706433``, ``0x7f.1``, ``127.1``);
    else None. A host whose last label is a number is taken as an address even when it is
    not a valid one (``1.2.3.4.5``): no host name ends in a number."""
    bare = host.strip("[]").rstrip(".").lower()
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    labels = bare.split(".")
    if not _NUMERIC_LABEL.match(labels[-1]):
        return None
    try:
        return ipaddress.IPv4Address(_inet_aton(labels))
    except ValueError:
        return ipaddress.IPv4Address("0.0.0.0")  # not an address at all: refused as one


def _inet_aton(labels: Sequence[str]) -> int:
    """The BSD ``inet_aton`` reading of dotted parts: decimal, octal (``0177``), hex (``0x7f``),
    the last part filling the remaining bytes (``127.1`` is 127.0.0.1)."""
    if not 1 <= len(labels) <= 4:
        raise ValueError("too many parts")
    numbers = [_number(p) for p in labels]
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(labels)):
        raise ValueError("a part out of range")
    value = last
    for i, n in enumerate(head):
        value |= n << (24 - 8 * i)
    return value


def _number(part: str) -> int:
    if part.startswith("0x"):
        return int(part, 16)
    return int(part, 8 if part[:1] == "0" and len(part) > 1 else 10)


def address_refusal(address: IPAddress, allowed: Iterable[Network] = ()) -> str | None:
    """Why a connection to ``address`` is refused (loopback, link-local, private, reserved, …),
    or None for a public address or one in an ``allowed`` network."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in allowed):
        return None
    for test, what in _KINDS:
        if test(address):
            return what
    return None


_KINDS = (
    (lambda a: a.is_loopback, "a loopback address (this machine)"),
    (lambda a: a.is_link_local, "a link-local address (where cloud metadata services live)"),
    (lambda a: a.is_unspecified, "the unspecified address (this machine)"),
    (lambda a: a.is_multicast, "a multicast address"),
    (lambda a: a.is_reserved, "a reserved address"),
    (lambda a: a.is_private, "a private network address"),
    (lambda a: not a.is_global, "not a public address"),
)


def allowed_networks(settings: BaseSettings) -> tuple[Network, ...]:
    """``ARCHIVER_ALLOWED_NETWORKS``: private networks the crawl may reach anyway (CIDR)."""
    values = settings.getlist("ARCHIVER_ALLOWED_NETWORKS", default.ARCHIVER_ALLOWED_NETWORKS)
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())


class ScopeMiddleware:
    """Downloader middleware: refuse every request outside the spider's ``allowed_hosts`` and
    every address of this machine or a private network (:class:`OutOfScope`).

    Sits before RobotsTxtMiddleware (100), so robots.txt is only ever asked of a host in scope.
    Setting: ``ARCHIVER_ALLOWED_NETWORKS``.
    """

    def __init__(self, crawler: Crawler, networks: tuple[Network, ...]):
        self.crawler = crawler
        self.scope = CrawlScope((), networks)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler, allowed_networks(crawler.settings))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        hosts = tuple(getattr(spider, "allowed_hosts", ()) or ())
        self.scope = CrawlScope(hosts, self.scope.allowed_networks)

    def process_request(self, request: Request) -> None:
        reason = self.scope.refusal(request.url)
        if reason is None:
            return
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("archiver/refused")
        if request.meta.get("redirect_urls"):
            raise OutOfScope(f"refused a redirect to {request.url}: {reason}")
        raise OutOfScope(f"refused: {reason}")
