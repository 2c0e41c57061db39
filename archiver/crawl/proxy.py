"""Scrapy's proxy middleware, asking the environment's ``no_proxy`` once a host.

Scrapy's :class:`~scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware` calls
``urllib.request.proxy_bypass`` for every request when a proxy is set in the environment,
and that reads every environment variable again each time (a tenth of a millisecond and more
a request). The environment does not change during a crawl, so the answer for a host is kept;
everything else is Scrapy's own code.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.request import proxy_bypass

from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware
from scrapy.http import Request
from scrapy.utils.httpobj import urlparse_cached


@functools.lru_cache(maxsize=4096)
def bypassed(host: str) -> bool:
    """True when ``no_proxy`` says ``host`` is reached directly."""
    return bool(proxy_bypass(host))


class CachedProxyMiddleware(HttpProxyMiddleware):
    """:class:`HttpProxyMiddleware` with ``no_proxy`` asked once a host."""

    def process_request(self, request: Request, spider: Any = None) -> None:
        if "proxy" in request.meta or not self.proxies:
            super().process_request(request)  # (it only sets the request's proxy)
            return None
        parsed = urlparse_cached(request)
        scheme = parsed.scheme
        creds, proxy_url, proxy_scheme = None, None, None
        # as Scrapy: 'no_proxy' is only supported by http schemes
        if (
            scheme not in {"http", "https"} or (parsed.hostname and not bypassed(parsed.hostname))
        ) and scheme in self.proxies:
            proxy_scheme = scheme
            creds, proxy_url = self.proxies[scheme]
        self._set_proxy_and_creds(request, proxy_url, creds, proxy_scheme)
        return None
