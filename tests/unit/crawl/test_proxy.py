"""The crawl's proxy middleware does what Scrapy's does, asking no_proxy once a host."""

from __future__ import annotations

import pytest
from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware
from scrapy.http import Request

from archiver.crawl.proxy import CachedProxyMiddleware, bypassed

URLS = [
    "http://xww.bucea.edu.cn/a.htm",
    "https://xww.bucea.edu.cn/a.htm",
    "http://jw.beijing.gov.cn/b.htm",
    "https://web.archive.org/web/2011/x",
    "http://intranet.bucea.edu.cn/c.htm",
]
META = [{}, {"proxy": None}, {"proxy": "http://other:8080"}, {"proxy": "http://u:p@other:1"}]
HEADERS = [{}, {"Proxy-Authorization": "Basic eDp5"}]


@pytest.mark.parametrize(
    "environment",
    [
        {"http_proxy": "http://proxy.example:3128"},
        {"http_proxy": "http://user:secret@proxy.example:3128",
         "https_proxy": "http://proxy.example:3129", "no_proxy": "jw.beijing.gov.cn,.bucea.edu.cn"},
        {"https_proxy": "http://proxy.example:3129", "no_proxy": "*"},
        {},
    ],
)  # fmt: skip
def test_the_same_as_scrapys(environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    bypassed.cache_clear()
    ours, scrapys = CachedProxyMiddleware(), HttpProxyMiddleware()
    for url in URLS:
        for meta in META:
            for headers in HEADERS:
                for _ in range(2):  # the second time from the cache
                    a = Request(url, meta=dict(meta), headers=dict(headers))
                    b = Request(url, meta=dict(meta), headers=dict(headers))
                    ours.process_request(a)
                    scrapys.process_request(b)
                    assert a.meta == b.meta, (url, meta, headers)
                    assert a.headers == b.headers, (url, meta, headers)
