"""Failed requests named and classed (robots skip, local fault, a site's failure), the size
limits each request gets, and the duplicate filter that lets redirects through."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.exceptions import CannotResolveHostError, DownloadCancelledError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from archiver.crawl.dupefilter import RedirectAwareDupeFilter
from archiver.crawl.failures import (
    asked_url,
    failed_page,
    failure_reason,
    forbidden_by_robots,
    is_local,
)
from archiver.crawl.faults import LocalFault, local_fault
from archiver.crawl.limits import FILE_META, SizeLimitMiddleware
from archiver.crawl.resolver import ScopedResolver
from archiver.crawl.run import crawl_settings
from archiver.crawl.scope import OutOfScope

URL = "https://xww.bucea.edu.cn/zhxw/26536.htm"
NO_REACTOR = SimpleNamespace()  # the resolver's checks need none


def failed(exc: Exception, request: Request | None = None) -> Failure:
    failure = Failure(exc)
    failure.request = request or Request(URL, meta={"download_maxsize": 4 << 20})  # type: ignore[attr-defined]
    return failure


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (HttpError(Response(URL, status=503), "Ignoring non-200 response"), "HTTP 503"),
        (OutOfScope("refused: 10.0.0.5 is an IP address"), "refused: 10.0.0.5 is an IP address"),
        (
            DownloadCancelledError("Expected to receive 5402384 bytes which is larger than …"),
            "the response is larger than 4 MiB, the limit",
        ),
        (
            IgnoreRequest(
                "Ignored response <200 x> because its body (933320 B compressed, "
                "4259840 B decompressed so far) exceeded DOWNLOAD_MAXSIZE (4194304 B) "
                "during decompression."
            ),
            "the response decompresses to more than 4 MiB, the limit",
        ),  # fmt: skip
        (
            DNSLookupError("no results for hostname lookup: nosuch.example"),
            "DNSLookupError: DNS lookup failed: no results for hostname lookup: nosuch.example.",
        ),  # fmt: skip
    ],
)
def test_every_failure_has_a_one_line_reason(exc: Exception, reason: str) -> None:
    assert failure_reason(failed(exc)) == reason


def test_a_redirect_loop_is_named_as_one() -> None:
    hop = Request(URL, meta={"redirect_urls": [URL] * 20})
    reason = failure_reason(failed(IgnoreRequest("max redirections reached"), hop))
    assert reason == "a redirect loop: gave up after 20 redirects"
    assert asked_url(hop) == URL
    moved = Request("https://xww.bucea.edu.cn/new.htm", meta={"redirect_urls": [URL]})
    assert asked_url(moved) == URL


def test_a_refused_lookup_names_the_address() -> None:
    resolver = ScopedResolver(NO_REACTOR, 0, 5.0)  # type: ignore[arg-type]
    with pytest.raises(DNSLookupError):
        resolver.checked("10.0.0.7", "intranet.example.edu.cn")
    request = Request("https://intranet.example.edu.cn/list.htm")
    for lookup in (DNSLookupError("no results"), CannotResolveHostError("no results")):
        assert failure_reason(failed(lookup, request)) == (
            "refused: intranet.example.edu.cn resolves to 10.0.0.7, a private network address"
        )


def test_only_robots_txt_makes_a_skip_and_a_local_fault_is_no_sites() -> None:
    assert forbidden_by_robots(failed(IgnoreRequest("Forbidden by robots.txt")))
    for other in (IgnoreRequest("max redirections reached"), OutOfScope("refused: x"),
                  HttpError(Response(URL, status=404), "no")):  # fmt: skip
        assert not forbidden_by_robots(failed(other))
    assert is_local(failed(LocalFault("no space left on device (writing warc)")))
    assert not is_local(failed(OutOfScope("refused: x")))


def test_a_failed_page_is_logged_with_its_reason(caplog: pytest.LogCaptureFixture) -> None:
    page = failed_page(URL, "HTTP 500", "news")
    attachment = failed_page("https://xww.bucea.edu.cn/a.doc", "HTTP 404", "file")
    assert (page.url, page.reason, page.kind) == (URL, "HTTP 500", "news")
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("ERROR", f"failed to fetch {URL}: HTTP 500"),
        ("WARNING", "attachment not archived https://xww.bucea.edu.cn/a.doc: HTTP 404"),
    ]
    assert attachment.kind == "file"


@pytest.mark.parametrize(
    ("exc", "says"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "no space left on device (writing x)"),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), "disk quota exceeded (writing x)"),
        (OSError(errno.EROFS, "Read-only file system"), "read-only file system (writing x)"),
        (
            sqlite3.OperationalError("database or disk is full"),
            "no space left on device (writing x)",
        ),
        (sqlite3.OperationalError("disk I/O error"), "disk I/O error (writing x)"),
    ],
)
def test_local_faults_are_told_from_other_errors(exc: Exception, says: str) -> None:
    fault = local_fault(exc, "writing x")
    assert fault is not None and str(fault) == says


def test_other_errors_are_no_local_faults() -> None:
    assert local_fault(OSError(errno.ECONNREFUSED, "refused"), "x") is None
    assert local_fault(sqlite3.OperationalError("database is locked"), "x") is None
    assert local_fault(ValueError("no"), "x") is None


# -- limits and duplicates -----------------------------------------------------------------------


def test_pages_and_files_get_their_own_limits() -> None:
    sizes = {"ARCHIVER_PAGE_MAXSIZE": 1000, "DOWNLOAD_MAXSIZE": 9000,
             "ARCHIVER_PAGE_WARNSIZE": 500, "DOWNLOAD_WARNSIZE": 5000}  # fmt: skip
    crawler = get_crawler(settings_dict=sizes)
    limits = SizeLimitMiddleware.from_crawler(crawler)
    page, file = Request(URL), Request("https://xww.bucea.edu.cn/a.pdf", meta={FILE_META: True})
    own = Request(URL, meta={"download_maxsize": 1})
    for request in (page, file, own):
        limits.process_request(request)
    assert (page.meta["download_maxsize"], page.meta["download_warnsize"]) == (1000, 500)
    assert (file.meta["download_maxsize"], file.meta["download_warnsize"]) == (9000, 5000)
    assert own.meta["download_maxsize"] == 1


def test_the_default_limits_fit_pages_and_attachments(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path / "archive.db")
    assert settings.getint("ARCHIVER_PAGE_MAXSIZE") == 4 << 20  # real pages are under 1 MB
    assert settings.getint("ARCHIVER_PAGE_WARNSIZE") == 1 << 20
    assert settings.getint("DOWNLOAD_MAXSIZE") == 100 << 20  # scanned attachments
    assert settings.getint("DOWNLOAD_WARNSIZE") == 32 << 20
    assert settings["DUPEFILTER_CLASS"].endswith("RedirectAwareDupeFilter")
    assert settings["TWISTED_DNS_RESOLVER"].endswith("ScopedResolver")
    assert all(settings["DOWNLOAD_HANDLERS"][s] is None for s in ("file", "data", "s3", "ftp"))


def test_a_redirect_onto_a_page_already_fetched_is_still_followed() -> None:
    seen = RedirectAwareDupeFilter()
    assert not seen.request_seen(Request(URL))
    assert seen.request_seen(Request(URL))  # a plain duplicate is dropped, as ever
    hop = Request(URL, meta={"redirect_urls": ["https://xww.bucea.edu.cn/moved.htm"]})
    assert not seen.request_seen(hop)
    assert not seen.request_seen(hop)  # a loop ends at REDIRECT_MAX_TIMES, named
    other = "https://xww.bucea.edu.cn/other.htm"
    assert not seen.request_seen(Request(other, meta={"redirect_urls": [URL]}))
    assert not seen.request_seen(Request(other))  # a redirect target is not remembered
