"""WARC files named after the process that wrote them.

Every process of a distributed crawl writes its own WARC files (none shares a file, or a
folder, with another): ``archiver-NAME-STARTED-SERIAL.warc.gz``, NAME the worker's name
(``--name``; the writer's is ``writer``). A record names the file of its own capture, relative
to the WARC folder, so the files of every worker gathered in the archive's ``warc/`` folder are
what ``show``, ``reparse`` and replay read.
"""

from __future__ import annotations

import re
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archiver.crawl import settings as default
from archiver.crawl.capture import WarcCaptureMiddleware, crawl_info
from archiver.crawl.settings import warc_dir
from archiver.webarchive.warc import WarcWriter

#: What a worker's name may be made of: it becomes part of file names.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class NamedWarcCapture(WarcCaptureMiddleware):
    """:class:`WarcCaptureMiddleware` writing files named after ``ARCHIVER_WORKER_NAME``."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("ARCHIVER_WARC_ENABLED", default.ARCHIVER_WARC_ENABLED):
            raise NotConfigured("ARCHIVER_WARC_ENABLED is off")
        name = settings.get("ARCHIVER_WORKER_NAME") or "worker"
        if not NAME_PATTERN.fullmatch(name):
            raise ValueError(f"a worker's name is letters, digits, '.', '_' and '-': {name!r}")
        writer = WarcWriter(
            warc_dir(settings),
            prefix=f"archiver-{name}",
            max_bytes=settings.getint("ARCHIVER_WARC_MAX_BYTES", default.ARCHIVER_WARC_MAX_BYTES),
            info=crawl_info(settings, getattr(crawler.spider, "start_urls", None))
            | {"worker": name},
        )
        middleware = cls(writer, crawler)
        middleware.configure(settings)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware
