"""The text of attached documents, read during the crawl before the archive stores the file.

An item pipeline ahead of :class:`~archiver.crawl.pipeline.ArchivePipeline`: each
:class:`~archiver.records.FileCapture` that carries its bytes gets its
:class:`~archiver.records.attachments.AttachmentText` (None for an image), so the file and
its text are stored together. The reading runs in a worker process
(:class:`~archiver.extract.attachments.BoundedExtractor`, with the time and memory limits),
waited for on a thread of this component's own: the reactor thread never does it, and a slow
or hostile file holds up no request. Off with ``ARCHIVER_ATTACHMENT_TEXT = False``.
"""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.python.threadpool import ThreadPool

from archiver.crawl import settings as default
from archiver.extract.attachments import BoundedExtractor, Limits, file_name
from archiver.records import FileCapture
from archiver.records.attachments import AttachmentText

logger = logging.getLogger(__name__)


def limits_from(crawl_settings: Any) -> Limits:
    """The limits of one file, from the ``ARCHIVER_ATTACHMENT_*`` settings."""

    def number(name: str) -> float:
        return float(crawl_settings.getfloat(name, getattr(default, name)))

    return Limits(
        max_bytes=int(number("ARCHIVER_ATTACHMENT_MAX_BYTES")),
        max_unzipped=int(number("ARCHIVER_ATTACHMENT_MAX_UNZIPPED")),
        max_pages=int(number("ARCHIVER_ATTACHMENT_MAX_PAGES")),
        timeout=number("ARCHIVER_ATTACHMENT_TIMEOUT"),
    )


class AttachmentTextPipeline:
    """Give every attached file its text, read in a bounded worker off the reactor thread."""

    def __init__(self, crawler: Crawler, extractor: BoundedExtractor):
        self.crawler = crawler
        self.extractor = extractor
        self.pool = ThreadPool(minthreads=0, maxthreads=1, name="attachment-text")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        enabled = crawler.settings.getbool(
            "ARCHIVER_ATTACHMENT_TEXT", default.ARCHIVER_ATTACHMENT_TEXT
        )
        if not enabled:
            raise NotConfigured("ARCHIVER_ATTACHMENT_TEXT is off")
        return cls(crawler, BoundedExtractor(limits_from(crawler.settings)))

    def open_spider(self) -> None:
        self.pool.start()

    def close_spider(self) -> None:
        self.pool.stop()
        self.extractor.close()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FileCapture) or item.body is None:
            return item
        from twisted.internet import reactor
        from twisted.internet.threads import deferToThreadPool

        body, item.body = item.body, None  # the bytes are not kept past this step
        try:
            text = await maybe_deferred_to_future(
                deferToThreadPool(
                    reactor,  # type: ignore[arg-type]
                    self.pool,
                    self.extractor.extract,
                    body,
                    file_name(item.url),
                    item.content_type,
                )
            )
        except Exception:  # the extractor answers for every file; this is a bug, not a file
            logger.exception("reading the text of %s failed", item.url)
            return item
        item.text = text
        self._count(item.url, text)
        return item

    def _count(self, url: str, text: AttachmentText | None) -> None:
        if text is None:
            return
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"archiver/attachment_texts/{text.status}")
        if text.status not in ("text", "partial"):
            logger.warning("attachment %s: %s (%s)", url, text.status, "; ".join(text.warnings))
