"""The spider of 北京建筑大学新闻网 (https://xww.bucea.edu.cn/) and the bureau briefs it cites.

It only makes requests and hands responses to the extractors of :mod:`archiver.extract`.
A cited brief whose site is dead comes back from the web archive: the availability API, then
CDX, then the capture's original bytes (``id_``), never the rewritten replay.

Incremental by default: pages already in the archive are asked for with a conditional request
(``If-None-Match``/``If-Modified-Since``), and each section list is walked only until a run of
``ARCHIVER_KNOWN_RUN`` already-archived items. ``ARCHIVER_FULL`` walks every list to its end.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any, Self
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archiver import config
from archiver.crawl.logs import quiet_network_tracebacks
from archiver.extract import decode_html, extract_document, extract_list_page
from archiver.records import (
    Brief,
    Capture,
    Document,
    FileCapture,
    Listing,
    ListWalked,
    News,
    NotModified,
    Withdrawal,
)
from archiver.store import Archive, utc_now
from archiver.webarchive import wayback
from archiver.webarchive.warc import CaptureRef

logger = logging.getLogger(__name__)

#: Statuses a known page may answer with that are not errors: unchanged, withdrawn.
_KNOWN_PAGE_STATUSES = [304, 404, 410]


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
        self.full = False
        self.known_run = 10
        self.with_images = False
        # what the archive already holds: url -> {kind, etag, last_modified, status}
        self.known: dict[str, dict[str, Any]] = {}
        self.known_files: set[str] = set()
        self.known_cites: dict[str, list[str]] = {}
        self.walked_lists: set[str] = set()  # lists once walked to their end
        # article URL -> labels of the lists it was seen on before it was parsed
        self._pending_sections: dict[str, list[str]] = {}
        self._parsed: set[str] = set()
        # list start URL -> length of the current run of known items
        self._known_streak: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        settings = crawler.settings
        quiet_network_tracebacks()
        kwargs.setdefault("bureau_hosts", tuple(settings.getlist("ARCHIVER_BUREAU_HOSTS")))
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.full = settings.getbool("ARCHIVER_FULL")
        spider.known_run = settings.getint("ARCHIVER_KNOWN_RUN", 10)
        spider.with_images = settings.getbool("ARCHIVER_IMAGES")
        return spider

    async def start(self) -> AsyncIterator[Request]:
        db_path = self.settings.get("ARCHIVER_DB") or config.db_path()
        with Archive.open(db_path, create=True) as archive:
            self.known = archive.known_pages()
            self.known_files = archive.known_files()
            self.known_cites = archive.known_citations()
            self.walked_lists = archive.walked_lists()
        for url in self.start_urls:
            yield Request(
                url, callback=self.parse_list, errback=self.page_failed, cb_kwargs={"lst": url}
            )

    # -- the news site ---------------------------------------------------------------------

    def parse_list(
        self, response: Response, lst: str
    ) -> Iterator[Request | Listing | ListWalked]:
        """A section list page: every on-site article, then the ``a.Next`` page."""
        self._count("list_pages")
        content_type = response.headers.get(b"Content-Type")
        text, _encoding = decode_html(
            response.body, content_type.decode("latin-1") if content_type else None
        )
        page = extract_list_page(text, response.url)
        label = page.section or _section_label(response.url)
        for item in page.items:
            if not self._on_news_site(item.url):
                self._count("offsite_items")
                continue
            if item.url in self.known:
                self._known_streak[lst] = self._known_streak.get(lst, 0) + 1
                yield Listing(url=item.url, section=label)
            else:
                self._known_streak[lst] = 0
            if item.url in self._parsed:
                yield Listing(url=item.url, section=label)
                continue
            labels = self._pending_sections.setdefault(item.url, [])
            if label not in labels:
                labels.append(label)
            yield self._page_request(
                item.url, self.parse_article, self.page_failed, cb_kwargs={"url": item.url}
            )
        if not page.next_url or not self._on_news_site(page.next_url):
            yield ListWalked(start_url=lst, at=utc_now())
            return
        if (
            not self.full
            and lst in self.walked_lists  # never stop short a list no run has finished
            and self._known_streak.get(lst, 0) >= self.known_run
        ):
            logger.info(
                "%s: stopping after %d already-archived items (--full walks on)",
                lst,
                self._known_streak[lst],
            )
            self._count("lists_stopped_early")
            return
        yield Request(
            page.next_url,
            callback=self.parse_list,
            errback=self.page_failed,
            cb_kwargs={"lst": lst},
        )

    def parse_article(
        self, response: Response, url: str
    ) -> Iterator[News | Request | NotModified | Withdrawal]:
        """An article (``url`` as listed): its record, then its briefs and files."""
        if response.status in _KNOWN_PAGE_STATUSES:
            yield from self._known_page_status(response, url)
            # unchanged or withdrawn, its stored citations are still followed
            yield from self._brief_requests(self.known_cites.get(url, []))
            return
        doc = self._extract(response, url)
        if not isinstance(doc, News):
            logger.warning("%s is not a news page; skipped", url)
            return
        for label in self._pending_sections.pop(url, []):
            if label not in doc.sections:
                doc.sections.append(label)
        self._parsed.add(url)
        yield doc
        yield from self._brief_requests([cite.url for cite in doc.cites])
        files = doc.attachments + (doc.images if self.with_images else [])
        for file_url in files:
            if file_url in self.known_files and not self.full:
                continue
            yield Request(
                file_url,
                callback=self.parse_file,
                errback=self.file_failed,
                cb_kwargs={"news_url": url, "file_url": file_url},
            )

    def _brief_requests(self, brief_urls: list[str]) -> Iterator[Request]:
        for brief_url in brief_urls:
            known = self.known.get(brief_url)
            if known and known["status"] == "archived" and not self.full:
                continue  # an archived capture does not change; --full looks for it live again
            yield self._page_request(
                brief_url, self.parse_brief, self.brief_failed, cb_kwargs={"brief_url": brief_url}
            )

    def page_failed(self, failure: Failure) -> None:
        """A list or article page that could not be fetched: counted as an error.

        A page robots.txt forbids is skipped on purpose, not an error.
        """
        request = failure.request  # type: ignore[attr-defined]
        # HttpError is an IgnoreRequest too: only a refusal by robots.txt is a skip
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            self._count("skipped")
            logger.info("skipped %s: %s", request.url, failure.getErrorMessage())
            return
        self._count("errors")
        logger.error("failed to fetch %s: %s", request.url, _reason(failure))

    def _known_page_status(
        self, response: Response, url: str
    ) -> Iterator[NotModified | Withdrawal]:
        if response.status == 304:
            self._count("not_modified")
            yield NotModified(url=url, at=utc_now())
        elif url in self.known:
            self._count("withdrawn")
            yield Withdrawal(url=url, http_status=response.status, at=utc_now())
        else:
            self._count("errors")
            logger.error("failed to fetch %s: HTTP %d", url, response.status)

    # -- attachments -----------------------------------------------------------------------

    def parse_file(
        self, response: Response, news_url: str, file_url: str
    ) -> Iterator[FileCapture]:
        """An attachment (or image): archived and hashed, linked to its article."""
        ref = response.meta.get("warc_capture")
        yield FileCapture(
            url=file_url,
            news_url=news_url,
            sha256=hashlib.sha256(response.body).hexdigest(),
            size=len(response.body),
            content_type=_header(response, b"Content-Type"),
            fetched_at=_fetch_time(ref),
            http_status=response.status,
            warc_file=ref.warc_file if ref else None,
            warc_offset=ref.offset if ref else None,
            warc_payload_sha256=ref.payload_sha256 if ref else None,
        )

    def file_failed(self, failure: Failure) -> None:
        """A missing attachment is noted in the log, not counted as a failed crawl."""
        self._count("files_failed")
        request = failure.request  # type: ignore[attr-defined]
        logger.warning("attachment %s not archived: %s", request.url, _reason(failure))

    # -- bureau briefs ---------------------------------------------------------------------

    def parse_brief(
        self, response: Response, brief_url: str
    ) -> Iterator[Brief | NotModified | Withdrawal | Request]:
        """A brief served by its own site."""
        if response.status == 304:
            yield from self._known_page_status(response, brief_url)
            return
        if response.status in (404, 410):
            # gone from its site: a known live copy is marked withdrawn and kept, and the
            # archive is asked in any case
            known = self.known.get(brief_url)
            if known and known["status"] == "live":  # an archived copy was never online here
                yield from self._known_page_status(response, brief_url)
            yield self._availability_request(brief_url, f"HTTP {response.status}")
            return
        doc = self._extract(response, brief_url)
        if isinstance(doc, Brief):
            doc.status = "live"
            yield doc

    def brief_failed(self, failure: Failure) -> Request:
        """The live site failed (dead host, 5xx after retries, …): ask the web archive."""
        brief_url = failure.request.cb_kwargs["brief_url"]  # type: ignore[attr-defined]
        return self._availability_request(brief_url, _reason(failure))

    def _availability_request(self, brief_url: str, live_error: str) -> Request:
        logger.info("brief %s is not live (%s); asking the web archive", brief_url, live_error)
        return Request(
            wayback.availability_url(brief_url),
            callback=self.parse_availability,
            errback=self.availability_failed,
            cb_kwargs={"brief_url": brief_url, "live_error": live_error},
        )

    def parse_availability(self, response: Response, brief_url: str, live_error: str) -> Request:
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

    def parse_capture(self, response: Response, brief_url: str, live_error: str) -> Iterator[Brief]:
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
        if doc.archived_at:
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

    def _page_request(
        self,
        url: str,
        callback: Any,
        errback: Any,
        cb_kwargs: dict[str, Any] | None = None,
    ) -> Request:
        """A request for a page; conditional when the archive already holds it."""
        headers: dict[str, str] = {}
        meta: dict[str, Any] = {}
        known = self.known.get(url)
        if known:
            if known.get("etag"):
                headers["If-None-Match"] = known["etag"]
            if known.get("last_modified"):
                headers["If-Modified-Since"] = known["last_modified"]
            meta["handle_httpstatus_list"] = _KNOWN_PAGE_STATUSES
        return Request(
            url,
            callback=callback,
            errback=errback,
            headers=headers,
            meta=meta,
            cb_kwargs=cb_kwargs or {},
        )

    def _extract(self, response: Response, url: str) -> Document:
        content_type = _header(response, b"Content-Type")
        doc = extract_document(response.body, url, content_type, bureau_hosts=self.bureau_hosts)
        ref = response.meta.get("warc_capture")
        doc.capture = Capture(
            fetched_at=_fetch_time(ref),
            http_status=response.status,
            sha256=hashlib.sha256(response.body).hexdigest(),
            content_type=content_type,
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            warc_file=ref.warc_file if ref else None,
            warc_offset=ref.offset if ref else None,
            warc_payload_sha256=ref.payload_sha256 if ref else None,
        )
        return doc

    def _on_news_site(self, url: str) -> bool:
        return (urlsplit(url).hostname or "") in config.NEWS_SITE_HOSTS

    def _count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"archiver/{key}")


def _fetch_time(ref: CaptureRef | None) -> str:
    """The fetch time, to the second: the WARC record's own when there is one."""
    return ref.fetched_at[:19] + "Z" if ref else utc_now()


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


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
