"""Name resolution that never hands the downloader an address of this machine or a private
network: the check on a host name's addresses, made on the very answer the connection uses.

A host in a crawl's scope may still resolve to ``127.0.0.1``, ``10.x`` or ``169.254.169.254``
(a hostile or broken DNS record, or one that changes between two lookups): the check is on the
address returned for the connection, so there is no second lookup to race. Through a proxy
(``http_proxy``/``https_proxy``) the crawler resolves only the proxy's name, which is allowed
whatever its address; the proxy resolves the rest.
"""

from __future__ import annotations

import ipaddress
import logging
import urllib.request
from collections.abc import Sequence
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.base import ReactorBase
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from archiver.crawl.scope import Network, address_refusal, allowed_networks

logger = logging.getLogger(__name__)

#: Host names refused by a resolver of this process, and why. The downloader reports a
#: refused lookup only as "no results", so :func:`refusal_of` gives the reason back.
_REFUSED: dict[str, str] = {}


class AddressRefused(DNSLookupError):
    """A host name resolved to an address the crawl must not connect to."""


class ScopedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing loopback, link-local, private and reserved answers
    (unless in ``ARCHIVER_ALLOWED_NETWORKS``) for any name but the configured proxies'."""

    def __init__(
        self,
        reactor: ReactorBase,
        cache_size: int,
        timeout: float,
        networks: Sequence[Network] = (),
        proxy_hosts: Sequence[str] = (),
    ):
        super().__init__(reactor, cache_size, timeout)
        self.networks = tuple(networks)
        self.proxy_hosts = frozenset(h.lower() for h in proxy_hosts)

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: ReactorBase) -> Self:
        # ``crawler`` is the CrawlerProcess: only its settings are there
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(
            reactor,
            cache_size,
            settings.getfloat("DNS_TIMEOUT"),
            allowed_networks(settings),
            proxy_hosts(),
        )

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # noqa: N802
        found = super().getHostByName(name, timeout)
        found.addCallback(self.checked, name)
        return found

    def checked(self, address: str, name: str) -> str:
        """``address`` when ``name`` may be connected to at it; else :class:`AddressRefused`."""
        if name.lower() in self.proxy_hosts:
            return address
        reason = address_refusal(ipaddress.ip_address(address), self.networks)
        if reason is None:
            return address
        message = f"{name} resolves to {address}, {reason}"
        _REFUSED[name.lower()] = message
        logger.warning("refused to connect: %s", message)
        raise AddressRefused(message)


def proxy_hosts() -> list[str]:
    """The host names of the proxies of the environment (``http_proxy``, ``https_proxy``, …),
    as Scrapy's HttpProxyMiddleware reads them."""
    hosts = []
    for url in urllib.request.getproxies().values():
        host = urlsplit(url if "://" in url else f"//{url}").hostname
        if host:
            hosts.append(host)
    return hosts


def refusal_of(host: str | None) -> str | None:
    """Why a lookup of ``host`` was refused by this process's resolver, if it was."""
    return _REFUSED.get((host or "").lower())
