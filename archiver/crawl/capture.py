"""Downloader middleware: write every HTTP exchange of the crawl to WARC files.

Where it sits: priority 950, above every built-in downloader middleware (the highest,
HttpCacheMiddleware, is 900). ``process_response`` runs from the downloader outwards, so it
sees each response first, exactly as the download handler produced it:

- before RedirectMiddleware (600) and BackoffRetryMiddleware (550) turn a 3xx or a 503 into
  a new request, so redirects and failed tries are captured too;
- before HttpCompressionMiddleware (590) decodes the body, so a gzip page is stored as the
  gzip bytes the server sent, with its ``Content-Encoding`` (see :mod:`archiver.webarchive.warc`);
- robots.txt and the web archive's API replies are ordinary downloads through this chain.

The writing itself (warcio's records, gzip, digests, the file) happens in a process of its own
(``ARCHIVER_WARC_PROCESS``, :mod:`archiver.webarchive.warc_process`), one exchange after the
other, so the reactor goes on downloading and parsing meanwhile, on another core; the response
goes on once its records are written and flushed, so every capture a record names is on disk
before the record is stored. With the process off, ``ARCHIVER_WARC_THREAD`` writes on a thread
of this process instead, else the reactor's thread writes. At the spider's close the writer
finishes what is queued, then closes its file.

``process_request`` runs last, just before the download, and marks the request; a response
without the mark never went over the network (an HTTP-cache hit, or one made up by another
middleware) and is not written. Likewise an exception raised before the download (robots.txt
forbidding a URL, an off-site request) is not a failed exchange.

Callbacks and errbacks find the capture in ``response.meta["warc_capture"]`` (a
:class:`archiver.webarchive.warc.CaptureRef`) — for a redirected request, the capture of the final
response.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from functools import partial
from http import HTTPStatus
from typing import Any, Self
from urllib.parse import urldefrag, urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred, maybeDeferred
from twisted.internet.interfaces import IReadDescriptor
from twisted.internet.threads import deferToThreadPool
from twisted.python.failure import Failure
from twisted.python.threadpool import ThreadPool
from zope.interface import implementer

from archiver.crawl import settings as default
from archiver.crawl.faults import LocalFault, local_fault, stop_crawl, stopped_by_fault
from archiver.crawl.settings import warc_dir
from archiver.webarchive.cdxj import update_index
from archiver.webarchive.warc import CaptureRef, WarcWriter
from archiver.webarchive.warc_process import WriterProcess

logger = logging.getLogger(__name__)

#: ``request.meta`` / ``response.meta`` key of the response's :class:`CaptureRef`.
CAPTURE_META = "warc_capture"
_SENT_META = "_warc_sent"  # set by process_request: this request reached the downloader
#: ``response.meta`` key of the body the capture's ``payload_sha256`` is the digest of: a
#: callback whose body is still that very object (not decoded since) need not hash it again
CAPTURED_BODY_META = "_warc_captured_body"

_DEFAULT_PORTS = {"http": 80, "https": 443}


class WarcCaptureMiddleware:
    """Write each request and the response it got (or its failure) with a :class:`WarcWriter`.

    Settings: ``ARCHIVER_WARC_ENABLED`` (default True), ``ARCHIVER_WARC_DIR`` (default
    ``warc/`` beside ``ARCHIVER_DB``), ``ARCHIVER_WARC_MAX_BYTES`` (default 1 GB),
    ``ARCHIVER_WARC_PROCESS`` and ``ARCHIVER_WARC_THREAD`` (where the writing happens).
    ``writer`` is the writer's settings, and the writer itself unless it is in a process.
    """

    def __init__(self, writer: WarcWriter, crawler: Crawler | None = None):
        self.writer = writer
        self.crawler = crawler
        self.process: WriterProcess | None = None  # the writer's process, started on first use
        self._answers: _Answers | None = None  # the reactor's reader of its answers
        self._flush_due = False  # a flush of the calls queued for the process is scheduled
        self.in_process = False  # True: written in a process of its own (ARCHIVER_WARC_PROCESS)
        #: the local fault that stopped writing (a full disk): nothing is written after it, so
        #: a file never holds a record after a cut-off one
        self.fault: LocalFault | None = None
        self._thread: ThreadPool | None = None  # the writer's thread, started on first use
        self.threaded = False  # True: written on a thread of its own (ARCHIVER_WARC_THREAD)
        self._write_error: OSError | None = None  # the first error the thread met

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("ARCHIVER_WARC_ENABLED", default.ARCHIVER_WARC_ENABLED):
            raise NotConfigured("ARCHIVER_WARC_ENABLED is off")
        writer = WarcWriter(
            warc_dir(settings),
            max_bytes=settings.getint("ARCHIVER_WARC_MAX_BYTES", default.ARCHIVER_WARC_MAX_BYTES),
            info=crawl_info(settings, getattr(crawler.spider, "start_urls", None)),
        )
        middleware = cls(writer, crawler)
        middleware.configure(settings)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def configure(self, settings: BaseSettings) -> None:
        """Where the writing happens, from the settings."""
        self.in_process = settings.getbool("ARCHIVER_WARC_PROCESS", default.ARCHIVER_WARC_PROCESS)
        self.threaded = settings.getbool("ARCHIVER_WARC_THREAD", default.ARCHIVER_WARC_THREAD)

    def process_request(self, request: Request) -> None:
        request.meta[_SENT_META] = True

    async def process_response(self, request: Request, response: Response) -> Response:
        if not request.meta.pop(_SENT_META, False):
            return response
        # The handler measures download_latency from sending the request to the response
        # headers: taking it off now gives about when the request went out. A time taken in
        # process_request would be too early: it precedes the download-delay wait.
        now = datetime.now(UTC)
        sent = now - timedelta(seconds=float(request.meta.get("download_latency") or 0))
        request.meta[CAPTURE_META] = await self._write(request, response, sent)
        request.meta[CAPTURED_BODY_META] = response.body
        return response

    async def _write(self, request: Request, response: Response, sent: datetime) -> CaptureRef:
        """Write the exchange; a full disk (any local fault) stops the crawl, and this request
        fails with the fault rather than go on uncaptured."""
        if self.fault is not None:
            raise self.fault
        try:
            args, kwargs = exchange(request, response, sent)
            ref: CaptureRef = await maybe_deferred_to_future(
                self._in_writer("write_exchange", *args, **kwargs)
            )
        except OSError as exc:
            raise self._stopped(exc) from None
        return ref

    def _in_writer(self, method: str, *args: Any, **kwargs: Any) -> Deferred[Any]:
        """Call ``writer.method(*args, **kwargs)`` where the writing happens, after what is
        queued there."""
        from twisted.internet import reactor  # the one Scrapy installed: not at import

        if self.in_process:
            if self.process is None:
                self.process = WriterProcess(self.writer)
                self._answers = _Answers(self.process)
                self._answers.start()
            deferred: Deferred[Any] = Deferred()
            self.process.call(method, args, kwargs, partial(_fire, deferred))
            if not self._flush_due:  # the calls of this turn of the reactor go together
                self._flush_due = True
                clock: Any = reactor
                clock.callLater(0, self._flush)
            return deferred
        write = getattr(self.writer, method)
        if not self.threaded:
            return maybeDeferred(self._guarded, write, *args, **kwargs)
        if self._thread is None:
            self._thread = ThreadPool(1, 1, "warc-writer")
            self._thread.start()
        return deferToThreadPool(reactor, self._thread, self._guarded, write, *args, **kwargs)

    def _flush(self) -> None:
        self._flush_due = False
        if self.process is not None:
            self.process.flush()

    def _guarded(self, write: Any, *args: Any, **kwargs: Any) -> Any:
        # On the writer's thread: after a failed write nothing more is written (the fault
        # itself is handled on the reactor's thread, where the crawl can be stopped).
        if self._write_error is not None:
            raise self._write_error
        try:
            return write(*args, **kwargs)
        except OSError as exc:
            self._write_error = exc
            raise

    def _stopped(self, exc: OSError) -> LocalFault:
        """``exc`` as the local fault that stops the crawl (or ``exc`` itself if it is none)."""
        fault = local_fault(exc, f"writing {self.writer.folder}")
        if fault is None:
            raise exc
        self.fault = self.fault or fault
        if self.crawler is not None:
            stop_crawl(self.crawler, fault)
        return fault

    def process_exception(self, request: Request, exception: Exception) -> None:
        # A retry copies meta: drop the previous try's capture so it is not taken for this one.
        request.meta.pop(CAPTURE_META, None)
        request.meta.pop(CAPTURED_BODY_META, None)
        if request.meta.pop(_SENT_META, False) and self.fault is None:
            reason = f"{type(exception).__name__}: {exception}".strip()
            written = self._in_writer("write_failure", request.url, reason, datetime.now(UTC))
            written.addErrback(self._failure_not_written)

    def _failure_not_written(self, failure: Failure) -> None:
        failure.trap(OSError)
        self._stopped(failure.value)

    def spider_closed(self) -> None:
        if self._thread is not None:
            self._thread.stop()  # the queued writes are done first
            self._thread = None
        if self._write_error is not None:
            self._stopped(self._write_error)  # said once: the crawl is stopping
        try:
            if self.process is not None:
                if self._answers is not None:
                    self._answers.stop()
                self.process.close()
            else:
                self.writer.close()
        except OSError as exc:  # the last record cannot be flushed: its tail is cut, as on a kill
            self._stopped(exc)
        if self.fault is not None or (self.crawler and stopped_by_fault(self.crawler)):
            return  # a full disk, said once already: the next crawl brings the index up to date
        try:  # warc/index.cdxj covers every WARC file, this crawl's included
            update_index(self.writer.folder)
        except OSError as exc:
            logger.warning("CDXJ index of %s not updated: %s", self.writer.folder, exc)


def exchange(
    request: Request, response: Response, sent: datetime
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The arguments of :meth:`WarcWriter.write_exchange` for ``request`` and its
    ``response``: plain values, which can be sent to the writer's process."""
    return (
        response.url,
        request.method,
        sent_headers(request),
        request.body,
        response.status,
        _reason(response.status),
        header_pairs(response.headers),
        response.body,
    ), {
        "fetched_at": sent,
        "ip": str(response.ip_address) if response.ip_address else None,
        "protocol": _http_version(response.protocol),
        "request_target": request_target(request),
    }


def _fire(deferred: Deferred[Any], exc: BaseException | None, result: Any) -> None:
    if exc is None:
        deferred.callback(result)
    else:
        deferred.errback(Failure(exc))


@implementer(IReadDescriptor)
class _Answers:
    """The reactor reads the writer's process's answers when they come."""

    def __init__(self, process: WriterProcess):
        self.process = process

    def start(self) -> None:
        self._reactor().addReader(self)

    def stop(self) -> None:
        self._reactor().removeReader(self)

    def _reactor(self) -> Any:
        from twisted.internet import reactor  # the one Scrapy installed: not at import

        return reactor

    def fileno(self) -> int:
        return self.process.fileno()

    def doRead(self) -> None:  # noqa: N802 (Twisted's name)
        if not self.process.read_answers():
            self.stop()

    def connectionLost(self, reason: Failure) -> None:  # noqa: N802 (Twisted's name)
        pass

    def logPrefix(self) -> str:  # noqa: N802 (Twisted's name)
        return "warc-writer"


def crawl_info(settings: BaseSettings, start_urls: list[str] | None) -> dict[str, str]:
    """The crawl's settings for the ``warcinfo`` record (field names as in WARC 1.1 annex)."""
    info = {
        "http-header-user-agent": settings.get("USER_AGENT") or "",
        "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
    }
    if settings.get("ARCHIVER_BUREAU_HOSTS"):
        info["bureau-hosts"] = json.dumps(settings.getlist("ARCHIVER_BUREAU_HOSTS"))
    if start_urls:
        info["start-urls"] = json.dumps(list(start_urls))
    return info


def header_pairs(headers: Headers) -> list[tuple[str, str]]:
    """Scrapy's headers (bytes keys, lists of bytes values) as (name, value) text pairs.

    latin-1 maps every byte to one character, so the bytes survive the round trip. (Read
    as the dict they are: ``Headers.items()`` normalises every value list again.)
    """
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in dict.items(headers)
        for value in values
    ]


def sent_headers(request: Request) -> list[tuple[str, str]]:
    """The request headers as sent: Scrapy's, plus the Host and Content-Length Twisted adds."""
    pairs = header_pairs(request.headers)
    names = {name.lower() for name, _ in pairs}
    if "host" not in names:
        pairs.insert(0, ("Host", _host(request.url)))
    if request.body and "content-length" not in names:
        pairs.append(("Content-Length", str(len(request.body))))
    return pairs


def request_target(request: Request) -> str:
    """The request line's target: absolute through a plain-HTTP proxy, else path and query."""
    url = urldefrag(request.url)[0]
    parts = urlsplit(url)
    if request.meta.get("proxy") and parts.scheme == "http":
        return url
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _host(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    if parts.port is not None and parts.port == _DEFAULT_PORTS.get(parts.scheme):
        host = host.rsplit(":", 1)[0]
    return host


def _http_version(protocol: str | None) -> str:
    # warcio reads back only HTTP/1.x status lines; an HTTP/2 exchange is stored as 1.1.
    return protocol if protocol in ("HTTP/1.0", "HTTP/1.1") else "HTTP/1.1"


def _reason(status: int) -> str:
    # Scrapy drops the reason phrase the server sent; the standard one stands in for it.
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
