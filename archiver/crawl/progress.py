"""A one-line progress display on stderr; ``archiver crawl`` enables it on a terminal only."""

from __future__ import annotations

import sys
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task


class ProgressLine:
    """Rewrites one status line on stderr every second while the crawl runs."""

    def __init__(self, crawler: Crawler, interval: float = 1.0):
        self.crawler = crawler
        self.interval = interval
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval)

    def show(self) -> None:
        assert self.crawler.stats is not None
        get = self.crawler.stats.get_value
        sys.stderr.write(
            f"\r\x1b[Klists {get('archiver/list_pages', 0)}  "
            f"records {get('item_scraped_count', 0)}  "
            f"requests {get('downloader/request_count', 0)}  "
            f"errors {get('archiver/errors', 0)}"
        )
        sys.stderr.flush()

    def spider_closed(self) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
