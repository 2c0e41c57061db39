"""Why a request failed, as one line for the log and the run, and whose fault it was.

Only robots.txt makes a page "skipped": a page the crawl chose not to fetch. Every other
failure is a failed page, named (:func:`failure_reason`): a refusal of the crawl's scope, a
response over the size limit, a redirect loop, an HTTP status, a network error. A local fault
(:class:`archiver.crawl.faults.LocalFault`) is no site's failure at all.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from scrapy.exceptions import CannotResolveHostError, DownloadCancelledError, IgnoreRequest
from scrapy.http import Request
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from archiver.crawl.faults import LocalFault
from archiver.crawl.resolver import refusal_of
from archiver.crawl.scope import OutOfScope
from archiver.records import FailedKind, PageFailed
from archiver.store import utc_now

logger = logging.getLogger(__name__)

_ROBOTS = "Forbidden by robots.txt"
_TOO_LARGE = re.compile(r"DOWNLOAD_MAXSIZE|download max size")


def failed_page(url: str, reason: str, kind: FailedKind) -> PageFailed:
    """The failed page ``url``, logged with its reason (an attachment's as a warning), for the
    pipeline to count."""
    level = logging.WARNING if kind == "file" else logging.ERROR
    what = "attachment not archived" if kind == "file" else "failed to fetch"
    logger.log(level, "%s %s: %s", what, url, reason)
    return PageFailed(url=url, reason=reason, kind=kind, at=utc_now())


def asked_url(request: Request) -> str:
    """The URL a request was made for: before any redirect."""
    return str((request.meta.get("redirect_urls") or [request.url])[0])


def forbidden_by_robots(failure: Failure) -> bool:
    """True when robots.txt forbade the request: a skip, not a failure."""
    return failure.check(IgnoreRequest) is not None and str(failure.value) == _ROBOTS


def is_local(failure: Failure) -> bool:
    """True when the request met a fault of this machine (disk full, …), not of the site."""
    return failure.check(LocalFault) is not None


def failure_reason(failure: Failure) -> str:
    """A short, one-line reason for a failed request."""
    value = failure.value
    request = getattr(failure, "request", None)
    response = getattr(value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    if isinstance(value, OutOfScope | LocalFault):
        return str(value)
    if isinstance(value, DownloadCancelledError):
        return _too_large(request, "the response is larger than")
    if isinstance(value, IgnoreRequest) and _TOO_LARGE.search(str(value)):
        return _too_large(request, "the response decompresses to more than")
    if isinstance(value, IgnoreRequest) and str(value) == "max redirections reached":
        hops = request.meta.get("redirect_urls", []) if request is not None else []
        return f"a redirect loop: gave up after {len(hops)} redirects"
    if isinstance(value, DNSLookupError | CannotResolveHostError) and request is not None:
        refused = refusal_of(urlsplit(request.url).hostname)
        if refused:
            return f"refused: {refused}"
    return f"{type(value).__name__}: {failure.getErrorMessage()}".strip()


def _too_large(request: object, what: str) -> str:
    limit = getattr(request, "meta", {}).get("download_maxsize")
    return f"{what} {_size(int(limit))}, the limit" if limit else f"{what} the download limit"


def _size(n: int) -> str:
    return f"{n / 2**20:g} MiB" if n >= 2**20 else f"{n:,} bytes"
