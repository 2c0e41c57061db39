"""Downloader middleware: how large a response may be, pages and files apart.

Real pages are under 1 MB; attachments (scanned PDFs, spreadsheets) can be far larger. Every
request gets its limits in ``request.meta`` (``download_maxsize``, ``download_warnsize``), which
Scrapy's download handler applies to the bytes received and its HttpCompressionMiddleware to the
bytes a gzip, deflate, brotli or zstd body decodes to, so a decompression bomb is stopped
after the limit, not after it filled the memory. A response over its limit is a failed page,
named as such (:func:`archiver.crawl.failures.failure_reason`).
"""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler
from scrapy.http import Request

from archiver.crawl import settings as default

#: ``request.meta`` key marking an attachment or image: it gets the file limits.
FILE_META = "archiver_file"


class SizeLimitMiddleware:
    """Pages (lists, articles, briefs, robots.txt, the web archive's replies) get
    ``ARCHIVER_PAGE_MAXSIZE``/``ARCHIVER_PAGE_WARNSIZE``; requests marked with
    :data:`FILE_META`, ``DOWNLOAD_MAXSIZE``/``DOWNLOAD_WARNSIZE``. A limit a request already
    carries is kept."""

    def __init__(self, page: tuple[int, int], file: tuple[int, int]):
        self.page = page
        self.file = file

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        return cls(
            page=(
                settings.getint("ARCHIVER_PAGE_MAXSIZE", default.ARCHIVER_PAGE_MAXSIZE),
                settings.getint("ARCHIVER_PAGE_WARNSIZE", default.ARCHIVER_PAGE_WARNSIZE),
            ),
            file=(
                settings.getint("DOWNLOAD_MAXSIZE", default.DOWNLOAD_MAXSIZE),
                settings.getint("DOWNLOAD_WARNSIZE", default.DOWNLOAD_WARNSIZE),
            ),
        )

    def process_request(self, request: Request) -> None:
        maxsize, warnsize = self.file if request.meta.get(FILE_META) else self.page
        request.meta.setdefault("download_maxsize", maxsize)
        request.meta.setdefault("download_warnsize", warnsize)
