"""The news spider: any site with a profile, and the bureau pages its articles cite.

It knows no site. What it needs of one (hosts, start lists and their labels, the page family,
the cited-host patterns) comes from the site's profile (:mod:`archiver.sites`); what the archive
already holds, from :class:`archiver.crawl.incremental.Incremental`; a dead brief comes back
through :class:`archiver.crawl.recovery.WebArchiveRecovery`. Crawl state travels in the requests
(``cb_kwargs``): the site, the list being walked, its run of known items, the brief's address.
Callbacks only choose the extractor; records go to the item pipeline.

Every page asked for ends as a record or a named :class:`~archiver.records.PageFailed`; only
robots.txt makes a page "skipped". Its scope (``allowed_hosts``: its sites' and cited hosts, the
web archive's) holds for every request (:class:`archiver.crawl.scope.ScopeMiddleware`).

Arguments (``-a`` with ``scrapy crawl news``): ``site``, comma-separated profile names (default:
every profile); ``start_urls``, comma-separated list pages of those sites (default: the
profiles' lists).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from archiver import config
from archiver.crawl import settings as default
from archiver.crawl.failures import (
    asked_url,
    failed_page,
    failure_reason,
    forbidden_by_robots,
    is_local,
)
from archiver.crawl.incremental import KNOWN_PAGE_STATUSES, Incremental
from archiver.crawl.limits import FILE_META
from archiver.crawl.logs import quiet_network_tracebacks
from archiver.crawl.politeness import apply_profile_politeness
from archiver.crawl.recovery import WebArchiveRecovery
from archiver.crawl.responses import (
    file_from_response,
    is_challenge,
    record_from_response,
    response_text,
)
from archiver.crawl.scope import CrawlScope, allowed_networks
from archiver.crawl.settings import sites_dir
from archiver.extract import canonical_article_url, extract_list, is_challenge_page, page_family
from archiver.records import (
    Brief,
    FailedKind,
    FileCapture,
    Listing,
    ListWalked,
    News,
    NotModified,
    PageFailed,
    Withdrawal,
)
from archiver.records.checks import page_problem
from archiver.sites import (
    SiteProfile,
    adhoc_profile,
    load_profiles,
    profile_for_url,
)
from archiver.store import utc_now
from archiver.webarchive import wayback
from spiders import argument_list

logger = logging.getLogger(__name__)


class NewsSpider(WebArchiveRecovery, scrapy.Spider):
    """Crawl the section lists of the chosen sites, every article on them, the briefs they cite."""

    name = "news"
    #: The profiles a spider made for one site crawls when no ``site`` argument is given.
    default_sites: tuple[str, ...] = ()

    def __init__(
        self,
        site: str | Sequence[str] | None = None,
        start_urls: str | Sequence[str] | None = None,
        profiles: Mapping[str, SiteProfile] | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.site_names = argument_list(site) or list(self.default_sites)
        self.requested_urls = argument_list(start_urls)
        self.profiles: dict[str, SiteProfile] = dict(profiles or {})
        self.start_urls: list[str] = []
        self.cited_hosts_override: tuple[str, ...] | None = None
        self.with_images = False
        self.incremental: Incremental | None = None
        self.allowed_hosts: tuple[str, ...] = ()
        self.scope = CrawlScope()

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Its profiles' politeness limits become download slots of their hosts."""
        super().update_settings(settings)
        apply_profile_politeness(settings, cls.default_sites)

    @classmethod
    def for_site(cls, name: str) -> type[NewsSpider]:
        """A spider class named after a site profile: ``scrapy crawl bucea``."""
        return type(f"NewsSpider_{name}", (cls,), {"name": name, "default_sites": (name,)})

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        quiet_network_tracebacks(crawler.settings.get("LOG_LEVEL"))
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if not spider.profiles:
            spider.profiles = load_profiles(sites_dir(settings))
        # --bureau-host or $ARCHIVER_BUREAU_HOSTS (scrapy crawl reads the variable too)
        override = settings.getlist("ARCHIVER_BUREAU_HOSTS") or config.cited_hosts_override()
        spider.cited_hosts_override = tuple(override) if override else None
        spider.with_images = settings.getbool("ARCHIVER_IMAGES", default.ARCHIVER_IMAGES)
        lists = spider.start_lists()
        spider.start_urls = [url for url, _site in lists]
        spider.allowed_hosts = spider.crawl_hosts(dict.fromkeys(site for _url, site in lists))
        spider.scope = CrawlScope(spider.allowed_hosts, allowed_networks(settings))
        crawler.signals.connect(spider.close_index, signal=signals.spider_closed)
        crawler.signals.connect(spider.list_page_dropped, signal=signals.request_dropped)
        return spider

    def crawl_hosts(self, sites: Iterable[str]) -> tuple[str, ...]:
        """What the crawl of ``sites`` may fetch from: their hosts, their cited hosts and the
        web archive's."""
        hosts = [
            h for name in sites for h in (*self.profiles[name].hosts, *self._cited_hosts(name))
        ]
        return tuple(dict.fromkeys([*hosts, *wayback.HOSTS]))

    def start_lists(self) -> list[tuple[str, str]]:
        """(list URL, site name) of every list to walk; ValueError for a bad name or URL."""
        unknown = [name for name in self.site_names if name not in self.profiles]
        if unknown:
            raise ValueError(f"no site profile named {unknown[0]!r}")
        sites = [self.profiles[n] for n in self.site_names] or list(self.profiles.values())
        if not self.requested_urls:
            return [(url, site.name) for site in sites for url in site.start_urls]
        chosen = []
        for url in self.requested_urls:
            site = profile_for_url(sites, url)
            if site is None and self.site_names:
                raise ValueError(f"{url} is not a page of the sites {', '.join(self.site_names)}")
            if site is None:  # a site with no profile: recognised page by page
                site = self.profiles.setdefault(adhoc_profile(url).name, adhoc_profile(url))
            chosen.append((url, site.name))
        return chosen

    async def start(self) -> AsyncIterator[Request]:
        self.incremental = Incremental.from_settings(self.settings)
        lists = self.start_lists()
        for url, site in lists:
            yield self._list_request(url, lst=url, site=site)
        for request in self.unfinished([self.profiles[site] for _url, site in lists]):
            yield request

    def unfinished(self, sites: Sequence[SiteProfile]) -> Iterator[Request]:
        """What an earlier run of these sites left undone (see :meth:`Incremental.unfinished`)."""
        briefs, files = self.known.unfinished(sites, self.scope.allows, self.with_images)
        yield from self._brief_requests(briefs)
        for news_url, file_url in files:
            yield self._file_request(news_url, file_url)

    def list_page_dropped(self, request: Request) -> None:
        """A next list page dropped as a duplicate: the list's pages loop. A failed list."""
        if request.callback == self.parse_list:
            self._count("errors")  # counted here: a signal handler hands no item on, so it
            page = failed_page(request.url, "the list's pages loop back: it ends unwalked", "list")
            self.crawler.signals.send_catch_log(PageFailed, failed=page)  # sends it to be kept

    def close_index(self) -> None:
        if self.incremental is not None:
            self.incremental.close()

    @property
    def known(self) -> Incremental:
        assert self.incremental is not None, "the crawl has not started"
        return self.incremental

    # -- the news site -----------------------------------------------------------------------

    def parse_list(
        self, response: Response, lst: str, site: str, streak: int = 0
    ) -> Iterator[Request | Listing | ListWalked | PageFailed]:
        """A section list page: every on-site article, then the next page.

        A list page that lists nothing (an empty, error or maintenance page) or whose next page
        is off the site is a failed page, never the end of the list: the list is not marked
        walked, and the next run walks it again.
        """
        profile = self.profiles[site]
        text = response_text(response)
        if is_challenge_page(text):
            yield self._challenged(response.url, "list")
            return
        page = extract_list(text, response.url, page_family(text, response.url, profile.family))
        if not page.items:
            yield failed_page(response.url, "the list page lists no articles", "list")
            return
        self._count("list_pages")
        # the label the list prints, else its profile's; none is ever made up
        label = page.section or profile.label_of(lst)
        listed: list[str] = []
        for item in page.items:
            if not profile.owns(item.url):
                self._count("offsite_items")
                continue
            # a dynamic twin (VSB content.jsp, SUDY page.psp) is its static article, once
            url = canonical_article_url(item.url) or item.url
            streak = self.known.streak(streak, url)
            listed.append(url)
            yield self.known.request(
                url,
                self.parse_article,
                self.page_failed,
                cb_kwargs={"url": url, "site": site, "section": label},
            )
        if label and listed:
            yield Listing(urls=listed, section=label)
        if not page.next_url:
            yield ListWalked(start_url=lst, at=utc_now())
            return
        if not profile.owns(page.next_url):
            reason = f"its next page {page.next_url} is off the site: the list ends unwalked"
            yield failed_page(response.url, reason, "list")
            return
        if self.known.stops_list(lst, streak):
            self._count("lists_stopped_early")
            return
        yield self._list_request(page.next_url, lst=lst, site=site, streak=streak)

    def _list_request(self, url: str, **cb_kwargs: Any) -> Request:
        return Request(url, self.parse_list, errback=self.page_failed, cb_kwargs=cb_kwargs)

    def parse_article(
        self, response: Response, url: str, site: str, section: str | None = None
    ) -> Iterator[News | Request | NotModified | Withdrawal | PageFailed]:
        """An article (``url`` as listed): its record, then its briefs and files. A response
        that is no article (not HTML, empty, an error or maintenance page) is a failed page,
        and a stored copy stays as it is."""
        if response.status in KNOWN_PAGE_STATUSES:
            yield from self._known_page_status(response, url, "news")
            # unchanged or withdrawn, its stored citations are still followed
            yield from self._brief_requests(self.known.stored_citations(url))
            return
        if is_challenge(response):
            yield self._challenged(url, "news")
            return
        profile = self.profiles[site]
        doc = record_from_response(
            response,
            url,
            "news",
            self._cited_hosts(site),
            family=profile.family,
            selectors=profile.selectors,
        )
        assert isinstance(doc, News)
        problem = page_problem(doc)
        if problem is not None:
            yield failed_page(url, problem, "news")
            return
        if section and section not in doc.sections:
            doc.sections.append(section)
        yield doc
        yield from self._brief_requests([cite.url for cite in doc.cites])
        for file_url in doc.attachments + (doc.images if self.with_images else []):
            if not self.known.wants_file(file_url):
                continue
            refusal = self.scope.refusal(file_url)
            if refusal is None:
                yield self._file_request(url, file_url)
            else:
                yield failed_page(file_url, f"refused: {refusal}", "file")

    def page_failed(self, failure: Failure) -> PageFailed | None:
        """A list or article page that could not be fetched: a failed page, named.

        A page robots.txt forbids is skipped on purpose, not a failure; a local fault (a full
        disk) is no page's failure: the crawl is stopping.
        """
        request = failure.request  # type: ignore[attr-defined]
        if is_local(failure):
            return None
        if forbidden_by_robots(failure):
            self._count("skipped")
            logger.info("skipped %s: %s", request.url, failure.getErrorMessage())
            return None
        kind: FailedKind = "list" if "lst" in request.cb_kwargs else "news"
        return failed_page(asked_url(request), failure_reason(failure), kind)

    def _known_page_status(
        self, response: Response, url: str, kind: FailedKind
    ) -> Iterator[NotModified | Withdrawal | PageFailed]:
        if response.status == 304:
            self._count("not_modified")
            yield NotModified(url=url, at=utc_now())
        elif self.known.is_known(url):
            self._count("withdrawn")
            yield Withdrawal(url=url, http_status=response.status, at=utc_now())
        else:
            yield failed_page(url, f"HTTP {response.status}", kind)

    # -- attachments -------------------------------------------------------------------------

    def parse_file(
        self, response: Response, news_url: str, file_url: str
    ) -> Iterator[FileCapture]:
        """An attachment (or image): archived and hashed, linked to its article."""
        yield file_from_response(response, news_url, file_url)

    def file_failed(self, failure: Failure) -> PageFailed | None:
        """A missing attachment is noted in the log and the run, not counted as a failed page."""
        if is_local(failure):
            return None
        file_url = failure.request.cb_kwargs["file_url"]  # type: ignore[attr-defined]
        return failed_page(file_url, failure_reason(failure), "file")

    def _file_request(self, news_url: str, file_url: str) -> Request:
        return Request(
            file_url,
            callback=self.parse_file,
            errback=self.file_failed,
            meta={FILE_META: True},
            cb_kwargs={"news_url": news_url, "file_url": file_url},
        )

    # -- bureau briefs -----------------------------------------------------------------------

    def _brief_requests(self, brief_urls: list[str]) -> Iterator[Request]:
        # a stored citation on a host no longer cited (another --bureau-host) is not followed
        for brief_url in brief_urls:
            if self.known.wants_brief(brief_url) and self.scope.allows(brief_url):
                yield self.known.request(
                    brief_url, self.parse_brief, self.brief_failed, {"brief_url": brief_url}
                )

    def parse_brief(
        self, response: Response, brief_url: str
    ) -> Iterator[Brief | NotModified | Withdrawal | Request | PageFailed]:
        """A brief served by its own site. One that is no page there (a maintenance page, not
        HTML) is asked of the web archive, like one whose site is down."""
        if response.status == 304:
            yield from self._known_page_status(response, brief_url, "brief")
            return
        if response.status in (404, 410):
            # gone from its site: a known live copy is marked withdrawn and kept, and the
            # web archive is asked in any case (an archived copy was never online here)
            if self.known.status(brief_url) == "live":
                yield from self._known_page_status(response, brief_url, "brief")
            yield self.recover(brief_url, f"HTTP {response.status}")
            return
        if is_challenge(response):  # the live site will not show it: the web archive may
            yield self.recover(brief_url, "an anti-bot challenge page, not the page")
            return
        doc = record_from_response(response, brief_url, "brief")
        assert isinstance(doc, Brief)
        problem = page_problem(doc)
        if problem is not None:
            yield self.recover(brief_url, problem)
            return
        doc.status = "live"
        yield doc

    def brief_failed(self, failure: Failure) -> Request | None:
        """The live site failed (dead host, 5xx after retries, a refused redirect, …): ask the
        web archive. Never for a local fault (a full disk): that is no site's failure."""
        if is_local(failure):
            return None
        brief_url = failure.request.cb_kwargs["brief_url"]  # type: ignore[attr-defined]
        return self.recover(brief_url, failure_reason(failure))

    # -- helpers -----------------------------------------------------------------------------

    def _challenged(self, url: str, kind: FailedKind) -> PageFailed:
        """An anti-bot gateway answered with a JavaScript challenge: a failed page."""
        self._count("challenges")
        return failed_page(url, "an anti-bot challenge page answered, not the page", kind)

    def _cited_hosts(self, site: str) -> tuple[str, ...]:
        if self.cited_hosts_override is not None:
            return self.cited_hosts_override
        return self.profiles[site].cited_hosts

    def _count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"archiver/{key}")
