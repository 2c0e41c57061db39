"""A live progress display on stderr; ``archiver crawl`` enables it on a terminal only.

Drawn with rich (:class:`rich.live.Live`): the time the crawl has run, its rate, requests and
errors, and the pages done and failed per site (host). While it is shown, the log's terminal
handlers give way to rich's logging handler on the same console, so each log line is printed
whole above the display instead of through it; they are put back when the crawl ends.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Any, Self
from urllib.parse import urlsplit

from rich.console import Console, Group
from rich.live import Live
from rich.logging import RichHandler
from rich.table import Table
from rich.text import Text
from scrapy import signals
from scrapy.crawler import Crawler

from archiver.records import Document, PageFailed


class CrawlProgress:
    """Shows the crawl's progress while it runs, log lines above it."""

    def __init__(self, crawler: Crawler, console: Console | None = None):
        self.crawler = crawler
        self.console = console or Console(stderr=True)
        self.live: Live | None = None
        self.started = time.monotonic()
        self.done: Counter[str] = Counter()  # records stored, per site (host)
        self.failed: Counter[str] = Counter()
        self._replaced: list[tuple[logging.Handler, logging.Handler]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.stop, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self._log_above()
        self.live = Live(
            get_renderable=self.render,
            console=self.console,
            refresh_per_second=2,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.live.start()
        # a crawl stopped at once (a second Ctrl-C) closes no spider: the reactor's shutdown
        # still takes the display away and gives the terminal its cursor back
        from twisted.internet import reactor  # here: at import it could install the wrong one

        core: Any = reactor  # typed as the interface, whose methods take no self
        core.addSystemEventTrigger("before", "shutdown", self.stop)

    def item_scraped(self, item: Any) -> None:
        if isinstance(item, Document):
            self.done[item.site] += 1
        elif isinstance(item, PageFailed) and item.kind != "file":
            self.failed[urlsplit(item.url).hostname or "?"] += 1

    def render(self) -> Group:
        """The display: one line of totals, then a table of the sites."""
        assert self.crawler.stats is not None
        get = self.crawler.stats.get_value
        elapsed = time.monotonic() - self.started
        pages = sum(self.done.values())
        rate = pages / elapsed if elapsed >= 1 else 0.0
        clock = time.strftime("%H:%M:%S", time.gmtime(elapsed))
        totals = Text(
            f"crawling  {clock} elapsed  {pages} pages  {rate:.1f} pages/s  "
            f"{get('downloader/request_count', 0)} requests  "
            f"{get('archiver/errors', 0)} errors",
            style="bold",
        )
        table = Table(box=None, padding=(0, 2), show_edge=False)
        table.add_column("site")
        table.add_column("pages", justify="right")
        table.add_column("failed", justify="right")
        for site in sorted(self.done.keys() | self.failed.keys()):
            table.add_row(site, str(self.done[site]), str(self.failed[site]))
        return Group(totals, table)

    def stop(self) -> None:
        """Take the display away and give the log its handlers back (once)."""
        if self.live is not None:
            live, self.live = self.live, None
            live.stop()
        for handler, rich in self._replaced:
            root = logging.getLogger()
            root.removeHandler(rich)
            root.addHandler(handler)
        self._replaced.clear()

    def _log_above(self) -> None:
        """Every root handler writing to this terminal gives way to rich's, on our console."""
        root = logging.getLogger()
        for handler in list(root.handlers):
            stream = getattr(handler, "stream", None)
            if isinstance(handler, logging.FileHandler) or not _is_terminal(stream):
                continue
            rich = RichHandler(
                console=self.console, show_path=False, markup=False, log_time_format="[%X]"
            )
            rich.setLevel(handler.level)
            rich.setFormatter(logging.Formatter("[%(name)s] %(message)s"))
            for log_filter in handler.filters:
                rich.addFilter(log_filter)
            root.removeHandler(handler)
            root.addHandler(rich)
            self._replaced.append((handler, rich))


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):
        return False
