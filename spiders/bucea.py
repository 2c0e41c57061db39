"""The spider of 北京建筑大学新闻网 (https://xww.bucea.edu.cn/) and the bureau briefs it cites.

It only makes requests and hands responses to the extractors of :mod:`archiver.extract`.
A cited brief whose site is dead comes back from the web archive: the availability API, then
CDX, then the capture's original bytes (``id_``), never the rewritten replay.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any, Self
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from archiver import config, wayback
from archiver.extract import extract_document, extract_list_page
from archiver.records import Brief, Capture, Document, Listing, News
from archiver.store import utc_now

logger = logging.getLogger(__name__)


class BuceaNewsSpider(scrapy.Spider):
    """Crawl the news site's section lists, every article on them, and the briefs they cite.

    Arguments (``-a`` with ``scrapy crawl``): ``start_urls``, comma-separated list pages.
    """

    name = "bucea"

    def __init__(
        self,
        start_urls: str | list[str] | None = None,
        bureau_hosts: tuple[str, ...] = config.DEFAULT_BUREAU_HOSTS,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        if isinstance(start_urls, str):
            start_urls = [u.strip() for u in start_urls.split(",") if u.strip()]
        self.start_urls = list(start_urls or config.default_start_urls())
        self.bureau_hosts = bureau_hosts
        # article URL -> labels of the lists it was seen on before it was parsed
        self._pending_sections: dict[str, list[str]] = {}
        self._parsed: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        kwargs.setdefault(
            "bureau_hosts", tuple(crawler.settings.getlist("ARCHIVER_BUREAU_HOSTS"))
        )
        spider = super().from_crawler(crawler, *args, **kwargs)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_urls:
            yield Request(url, callback=self.parse_list, errback=self.page_failed)

    # -- the news site ---------------------------------------------------------------------

    def parse_list(self, response: Response) -> Iterator[Request | Listing]:
        """A section list page: every on-site article, then the ``a.Next`` page."""
        self._count("list_pages")
        page = extract_list_page(response.text, response.url)
        label = page.section or _section_label(response.url)
        for item in page.items:
            if not self._on_news_site(item.url):
                self._count("offsite_items")
                continue
            if item.url in self._parsed:
                yield Listing(url=item.url, section=label)
                continue
            labels = self._pending_sections.setdefault(item.url, [])
            if label not in labels:
                labels.append(label)
            yield Request(item.url, callback=self.parse_article, errback=self.page_failed)
        if page.next_url and self._on_news_site(page.next_url):
            yield Request(page.next_url, callback=self.parse_list, errback=self.page_failed)

    def parse_article(self, response: Response) -> Iterator[News | Request]:
        """An article: its record, then a request for every brief it cites."""
        doc = self._extract(response, response.url)
        if not isinstance(doc, News):
            logger.warning("%s is not a news page; skipped", response.url)
            return
        for label in self._pending_sections.pop(response.url, []):
            if label not in doc.sections:
                doc.sections.append(label)
        self._parsed.add(response.url)
        yield doc
        for cite in doc.cites:
            yield Request(
                cite.url,
                callback=self.parse_brief,
                errback=self.brief_failed,
                cb_kwargs={"brief_url": cite.url},
            )

    def page_failed(self, failure: Failure) -> None:
        """A list or article page that could not be fetched: counted as an error."""
        self._count("errors")
        request = failure.request  # type: ignore[attr-defined]
        logger.error("failed to fetch %s: %s", request.url, _reason(failure))

    # -- bureau briefs ---------------------------------------------------------------------

    def parse_brief(self, response: Response, brief_url: str) -> Iterator[Brief]:
        """A brief served by its own site."""
        doc = self._extract(response, brief_url)
        if isinstance(doc, Brief):
            doc.status = "live"
            yield doc

    def brief_failed(self, failure: Failure) -> Request:
        """The live site failed (dead host, 404/410, 5xx after retries): ask the archive."""
        brief_url = failure.request.cb_kwargs["brief_url"]  # type: ignore[attr-defined]
        reason = _reason(failure)
        logger.info("brief %s is not live (%s); asking the web archive", brief_url, reason)
        return Request(
            wayback.availability_url(brief_url),
            callback=self.parse_availability,
            errback=self.availability_failed,
            cb_kwargs={"brief_url": brief_url, "live_error": reason},
        )

    def parse_availability(
        self, response: Response, brief_url: str, live_error: str
    ) -> Request:
        snapshot = wayback.parse_availability(response.body, brief_url)
        if snapshot is None:
            return self._cdx_request(brief_url, live_error)
        return self._capture_request(snapshot, live_error)

    def availability_failed(self, failure: Failure) -> Request:
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        return self._cdx_request(kwargs["brief_url"], kwargs["live_error"])

    def _cdx_request(self, brief_url: str, live_error: str) -> Request:
        return Request(
            wayback.cdx_url(brief_url),
            callback=self.parse_cdx,
            errback=self.archive_failed,
            cb_kwargs={"brief_url": brief_url, "live_error": live_error},
        )

    def parse_cdx(
        self, response: Response, brief_url: str, live_error: str
    ) -> Iterator[Request | Brief]:
        snapshot = wayback.parse_cdx(response.body, brief_url)
        if snapshot is None:
            yield self._unavailable(brief_url, live_error, "no capture in the web archive")
        else:
            yield self._capture_request(snapshot, live_error)

    def _capture_request(self, snapshot: wayback.Snapshot, live_error: str) -> Request:
        return Request(
            snapshot.raw_url,
            callback=self.parse_capture,
            errback=self.archive_failed,
            cb_kwargs={"brief_url": snapshot.original, "live_error": live_error},
        )

    def parse_capture(
        self, response: Response, brief_url: str, live_error: str
    ) -> Iterator[Brief]:
        """The archived capture's original bytes: the brief as it was."""
        doc = self._extract(response, brief_url)
        if not isinstance(doc, Brief):
            return
        doc.status = "archived"
        doc.archived_url = response.url
        memento = response.headers.get(b"Memento-Datetime")
        doc.archived_at = wayback.capture_time(
            response.url, memento.decode("latin-1") if memento else None
        )
        doc.parse_warnings.insert(0, f"live site failed: {live_error}")
        doc.provenance["archived_at"] = (
            "Memento-Datetime" if memento else "web-archive:replay-url"
        )
        yield doc

    def archive_failed(self, failure: Failure) -> Brief:
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        return self._unavailable(
            kwargs["brief_url"], kwargs["live_error"], f"web archive failed: {_reason(failure)}"
        )

    def _unavailable(self, brief_url: str, live_error: str, archive_error: str) -> Brief:
        return Brief(
            url=brief_url,
            site=urlsplit(brief_url).hostname or "",
            status="unavailable",
            parse_warnings=[f"live site failed: {live_error}", archive_error],
        )

    # -- helpers ---------------------------------------------------------------------------

    def _extract(self, response: Response, url: str) -> Document:
        content_type = response.headers.get(b"Content-Type")
        doc = extract_document(
            response.body,
            url,
            content_type.decode("latin-1") if content_type else None,
            bureau_hosts=self.bureau_hosts,
        )
        doc.capture = Capture(
            fetched_at=utc_now(),
            http_status=response.status,
            sha256=hashlib.sha256(response.body).hexdigest(),
        )
        return doc

    def _on_news_site(self, url: str) -> bool:
        return (urlsplit(url).hostname or "") in config.NEWS_SITE_HOSTS

    def _count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"archiver/{key}")


def _section_label(list_url: str) -> str:
    """The configured label of a list page's section, else its path segment."""
    parts = [p for p in urlsplit(list_url).path.split("/") if p]
    segment = parts[0] if parts else ""
    return dict(config.DEFAULT_SECTIONS).get(segment, segment)


def _reason(failure: Failure) -> str:
    """A short, one-line reason for a failed request."""
    response = getattr(failure.value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    return f"{type(failure.value).__name__}: {failure.getErrorMessage()}".strip()
