"""The probe: fetches a few pages of a site, as politely as a crawl, and stores nothing.

``archiver sites add`` and ``archiver sites check`` use it: a list page, then the first few
articles on it. The pages come back as :class:`Fetched` (status, headers, bytes); what they say
is read by the extractors afterwards.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import scrapy
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from archiver.crawl.failures import asked_url, failure_reason
from archiver.crawl.responses import header
from archiver.extract import decode_html
from archiver.extract.families import canonical_article_url, detect_family, extract_list
from spiders import argument_list


@dataclass
class Fetched:
    """One fetched page: what the server sent, or why nothing came."""

    url: str  # as asked for
    status: int | None = None
    content_type: str | None = None
    body: bytes = b""
    error: str | None = None
    final_url: str | None = None  # where redirects led, when the page came


class ProbeSpider(scrapy.Spider):
    """Fetch ``urls``; for each, also the first ``articles`` on-site items if it is a list."""

    name = "probe"

    def __init__(self, urls: str | list[str] = "", articles: int | str = 1, **kwargs: Any):
        super().__init__(**kwargs)
        self.urls = argument_list(urls)  # `scrapy crawl probe -a urls=URL,URL` passes text
        self.articles = int(articles)
        # the crawl's scope (archiver.crawl.scope): the hosts of the pages asked for, no other
        self.allowed_hosts = tuple(dict.fromkeys(h for h in map(_host, self.urls) if h))
        self.fetched: dict[str, Fetched] = {}

    async def start(self) -> AsyncIterator[Request]:
        for url in self.urls:
            yield Request(url, callback=self.parse_list, errback=self.failed, dont_filter=True)

    def parse_list(self, response: Response) -> Iterator[Request]:
        """Keep the page, then ask for the first articles it lists on its own host."""
        self._keep(response)
        if not self.articles:
            return
        content_type = header(response, b"Content-Type")
        text, _encoding = decode_html(response.body, content_type)
        page = extract_list(text, response.url, detect_family(text, response.url))
        host = _host(response.url)
        on_site = [item.url for item in page.items if _host(item.url) == host]
        for url in on_site[: self.articles]:
            yield Request(
                canonical_article_url(url) or url, callback=self._keep, errback=self.failed
            )

    def _keep(self, response: Response) -> None:
        # under the address asked for, whatever it redirected to
        url = asked_url(response.request) if response.request is not None else response.url
        self.fetched[url] = Fetched(
            url=url,
            status=response.status,
            content_type=header(response, b"Content-Type"),
            body=response.body,
            final_url=response.url,
        )

    def failed(self, failure: Failure) -> None:
        """A page that could not be fetched is kept with the reason."""
        url = asked_url(failure.request)  # type: ignore[attr-defined]
        self.fetched[url] = Fetched(url=url, error=failure_reason(failure))

    def pages(self) -> list[Fetched]:
        """The fetched pages: the asked-for ones first, then the articles, in fetch order."""
        first = [self.fetched[u] for u in self.urls if u in self.fetched]
        return first + [f for u, f in self.fetched.items() if u not in self.urls]


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
