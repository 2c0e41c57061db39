"""Incremental crawling: ask only for what changed, and stop a list where the archive resumes.

- A page already in the archive is asked for with a conditional request (``If-None-Match``,
  ``If-Modified-Since``); its callback gets a 304, 404 or 410 instead of an error.
- A section list is walked only until a run of ``ARCHIVER_KNOWN_RUN`` already-archived items,
  and only once an earlier run has walked that list to its end. ``ARCHIVER_FULL`` walks on.
- Attachments already archived, and briefs read from the web archive (a capture does not
  change), are not fetched again unless ``ARCHIVER_FULL``.
- What an earlier run left unfinished is asked for first: briefs cited by stored articles that
  have no record, attachments of stored articles never archived.

What the archive holds is asked of an :class:`ArchiveIndex`, one URL at a time: nothing is
loaded into memory, and the same crawl can run on many machines.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol, Self

from scrapy.http import Request
from scrapy.settings import BaseSettings

from archiver.crawl import settings as default
from archiver.crawl.settings import db_path
from archiver.sites import SiteProfile
from archiver.store import Archive
from archiver.store.known import ArchivedPages

logger = logging.getLogger(__name__)

#: Statuses a known page may answer with that are not errors: unchanged, withdrawn.
KNOWN_PAGE_STATUSES = (304, 404, 410)


class KnownPage(Protocol):
    """What a crawl knows of a stored page."""

    @property
    def kind(self) -> str: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def last_modified(self) -> str | None: ...
    @property
    def status(self) -> str | None: ...


class ArchiveIndex(Protocol):
    """What is already archived, asked one URL at a time."""

    def page(self, url: str) -> KnownPage | None: ...
    def has_file(self, url: str) -> bool: ...
    def citations(self, news_url: str) -> list[str]: ...
    def unrecorded_briefs(self, prefixes: Sequence[str] | None = None) -> list[tuple[str, str]]: ...
    def unarchived_files(
        self, *, images: bool = False, prefixes: Sequence[str] | None = None
    ) -> list[tuple[str, str]]: ...
    def list_walked(self, start_url: str) -> bool: ...
    def close(self) -> None: ...


class Incremental:
    """The incremental-crawl rules over an :class:`ArchiveIndex`.

    ``full`` turns the shortcuts off (every list to its end, every page and file again);
    ``known_run`` is how many already-archived items in a row end a list walk.
    """

    def __init__(self, index: ArchiveIndex, *, full: bool, known_run: int):
        self.index = index
        self.full = full
        self.known_run = known_run

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        """The rules of ``ARCHIVER_FULL`` and ``ARCHIVER_KNOWN_RUN`` over the crawl's archive.

        The archive is created when it does not exist yet; the index sees the pages stored
        before this call, not those the crawl itself stores.
        """
        path = db_path(settings)
        Archive.open(path, create=True).close()
        return cls(
            ArchivedPages(path, snapshot=True),
            full=settings.getbool("ARCHIVER_FULL", default.ARCHIVER_FULL),
            known_run=settings.getint("ARCHIVER_KNOWN_RUN", default.ARCHIVER_KNOWN_RUN),
        )

    def close(self) -> None:
        """Release the index."""
        self.index.close()

    # -- pages ---------------------------------------------------------------------------------

    def request(
        self,
        url: str,
        callback: Callable[..., Any],
        errback: Callable[..., Any],
        cb_kwargs: dict[str, Any],
    ) -> Request:
        """A request for a page; conditional when the archive already holds it."""
        headers: dict[str, str] = {}
        meta: dict[str, Any] = {}
        known = self.index.page(url)
        if known is not None:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
            meta["handle_httpstatus_list"] = list(KNOWN_PAGE_STATUSES)
        return Request(
            url, callback=callback, errback=errback, headers=headers, meta=meta, cb_kwargs=cb_kwargs
        )

    def is_known(self, url: str) -> bool:
        """True when the archive held ``url`` before this crawl."""
        return self.index.page(url) is not None

    def status(self, url: str) -> str | None:
        """The stored status of a brief (``live``, ``archived``, ``unavailable``), if known."""
        known = self.index.page(url)
        return known.status if known is not None else None

    def stored_citations(self, news_url: str) -> list[str]:
        """The briefs a stored article cites: followed when the article itself is unchanged."""
        return self.index.citations(news_url)

    # -- lists ---------------------------------------------------------------------------------

    def streak(self, previous: int, url: str) -> int:
        """The run of already-archived list items after seeing ``url``."""
        return previous + 1 if self.is_known(url) else 0

    def stops_list(self, start_url: str, streak: int) -> bool:
        """True when the walk of the list ``start_url`` can end at this page.

        Never for a list no run has walked to its end: a crawl killed half-way left it
        unfinished, and the next run walks it all.
        """
        if self.full or streak < self.known_run or not self.index.list_walked(start_url):
            return False
        logger.info(
            "%s: stopping after %d already-archived items (--full walks on)", start_url, streak
        )
        return True

    # -- briefs and files ----------------------------------------------------------------------

    def wants_brief(self, url: str) -> bool:
        """False for a brief read from the web archive: its capture does not change."""
        return self.full or self.status(url) != "archived"

    def wants_file(self, url: str) -> bool:
        """False for an attachment already archived."""
        return self.full or not self.index.has_file(url)

    # -- work an earlier run left unfinished ---------------------------------------------------

    def unfinished(
        self, sites: Sequence[SiteProfile], allowed: Callable[[str], bool], images: bool = False
    ) -> tuple[list[str], list[tuple[str, str]]]:
        """What an earlier run left undone (killed, or out of disk): the briefs stored articles
        cite that have no record, and the (article, file) attachments (and ``images``) never
        archived; of the articles of ``sites``, whose URLs are ``allowed``. A list walk that
        stops at known items would never reach those articles again.

        Only those sites' articles are looked at (by their URLs' prefixes, when no host of
        theirs is a wildcard): the work is in proportion to them, not to the archive."""
        prefixes = site_prefixes(sites)

        def ours(url: str) -> bool:
            return any(site.owns(url) for site in sites)

        unrecorded = self.index.unrecorded_briefs(prefixes)
        briefs = [b for news, b in unrecorded if ours(news) and allowed(b)]
        if briefs:
            logger.info("asking for %d cited brief(s) an earlier run left unrecorded", len(briefs))
        files = [
            (news, url)
            for news, url in self.index.unarchived_files(images=images, prefixes=prefixes)
            if ours(news) and allowed(url)
        ]
        return briefs, files


def site_prefixes(sites: Sequence[SiteProfile]) -> list[str] | None:
    """The prefixes of the URLs of ``sites``' pages (``https://host/``, ``https://host:``, and
    with ``http``); None when a host is a wildcard (``*.example.edu.cn``), which no prefix
    covers."""
    hosts = [host.lower() for site in sites for host in site.hosts]
    if any(host.startswith("*") for host in hosts):
        return None
    return [f"{scheme}://{host}{end}" for host in hosts for scheme in ("http", "https")
            for end in ("/", ":")]  # fmt: skip
