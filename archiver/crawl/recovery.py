"""Recovery from the web archive: a dead page comes back from its captures, or is recorded as lost.

The chain, for a brief whose own site failed (no DNS, refused, 404/410, 5xx after retries):
the availability API; if it knows no capture, CDX; then the capture's original bytes (the
``id_`` replay, never the rewritten one). The record says ``archived`` with the capture's address
and time, or ``unavailable`` with the reasons. Every step is a request whose state (the brief's
address, why its site failed) travels in ``cb_kwargs``, so the chain needs no memory of its own.

:class:`WebArchiveRecovery` is a mixin for a spider: its callbacks are spider methods, so its
requests can be serialised like any other (a shared, distributed frontier needs that).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import urlsplit

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from archiver.crawl.failures import failure_reason, is_local
from archiver.crawl.responses import record_from_response
from archiver.records import Brief
from archiver.records.checks import page_problem
from archiver.webarchive import wayback

logger = logging.getLogger(__name__)


class WebArchiveRecovery:
    """Spider callbacks that recover a page from the web archive. Start with :meth:`recover`."""

    def recover(self, brief_url: str, live_error: str) -> Request:
        """The chain's first request for ``brief_url``, whose site failed with ``live_error``."""
        logger.info("brief %s is not live (%s); asking the web archive", brief_url, live_error)
        return Request(
            wayback.availability_url(brief_url),
            callback=self.parse_availability,
            errback=self.availability_failed,
            cb_kwargs={"brief_url": brief_url, "live_error": live_error},
        )

    def parse_availability(self, response: Response, brief_url: str, live_error: str) -> Request:
        """The availability API's answer: the capture it names, else ask CDX."""
        snapshot = wayback.parse_availability(response.body, brief_url)
        if snapshot is None:
            return self._cdx_request(brief_url, live_error)
        return self._capture_request(snapshot, live_error)

    def availability_failed(self, failure: Failure) -> Request | None:
        """The availability API failed: ask CDX (unless the fault is this machine's: the crawl
        is stopping, and the next run asks again)."""
        if is_local(failure):
            return None
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        return self._cdx_request(kwargs["brief_url"], kwargs["live_error"])

    def parse_cdx(
        self, response: Response, brief_url: str, live_error: str
    ) -> Iterator[Request | Brief]:
        """CDX's answer: the newest good capture, else the brief is unavailable."""
        snapshot = wayback.parse_cdx(response.body, brief_url)
        if snapshot is None:
            yield unavailable_brief(brief_url, live_error, "no capture in the web archive")
        else:
            yield self._capture_request(snapshot, live_error)

    def parse_capture(self, response: Response, brief_url: str, live_error: str) -> Iterator[Brief]:
        """The capture's original bytes: the brief as it was (unless they are no page)."""
        doc = record_from_response(response, brief_url, "brief")
        assert isinstance(doc, Brief)
        problem = page_problem(doc)
        if problem is not None:
            yield unavailable_brief(brief_url, live_error, f"web archive capture: {problem}")
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

    def archive_failed(self, failure: Failure) -> Brief | None:
        """CDX or the capture failed too: the brief is recorded as unavailable. A local fault
        (a full disk) is no failure of the archive: nothing is recorded."""
        if is_local(failure):
            return None
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        return unavailable_brief(
            kwargs["brief_url"],
            kwargs["live_error"],
            f"web archive failed: {failure_reason(failure)}",
        )

    def _cdx_request(self, brief_url: str, live_error: str) -> Request:
        return Request(
            wayback.cdx_url(brief_url),
            callback=self.parse_cdx,
            errback=self.archive_failed,
            cb_kwargs={"brief_url": brief_url, "live_error": live_error},
        )

    def _capture_request(self, snapshot: wayback.Snapshot, live_error: str) -> Request:
        return Request(
            snapshot.raw_url,
            callback=self.parse_capture,
            errback=self.archive_failed,
            cb_kwargs={"brief_url": snapshot.original, "live_error": live_error},
        )


def unavailable_brief(brief_url: str, live_error: str, archive_error: str) -> Brief:
    """The record of a brief neither its site nor the web archive could give."""
    return Brief(
        url=brief_url,
        site=urlsplit(brief_url).hostname or "",
        status="unavailable",
        parse_warnings=[f"live site failed: {live_error}", archive_error],
    )
