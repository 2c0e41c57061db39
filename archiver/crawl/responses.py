"""From a Scrapy response to a record: the extractors, plus how and where the bytes were kept."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from scrapy.http import Response

from archiver.crawl.capture import CAPTURE_META, CAPTURED_BODY_META
from archiver.extract import AUTO, decode_html, extract_document, is_challenge_page
from archiver.records import Brief, Capture, FileCapture, Kind, News
from archiver.store import utc_now
from archiver.webarchive.warc import CaptureRef


def record_from_response(
    response: Response,
    url: str,
    kind: Kind,
    cited_hosts: Sequence[str] = (),
    *,
    family: str | None = AUTO,
    selectors: Mapping[str, str] | None = None,
) -> News | Brief:
    """The record of ``kind`` that the page at ``url`` gives, its capture filled in.

    ``url`` is the page's own address, which differs from ``response.url`` for a web-archive
    capture (or for a dynamic twin of an article). ``family`` and ``selectors``: the site
    profile's.
    """
    content_type = header(response, b"Content-Type")
    doc = extract_document(
        response.body,
        url,
        content_type,
        kind=kind,
        cited_hosts=cited_hosts,
        family=family,
        selectors=selectors,
    )
    ref = capture_ref(response)
    doc.capture = Capture(
        fetched_at=fetch_time(ref),
        http_status=response.status,
        sha256=body_sha256(response, ref),
        content_type=content_type,
        etag=header(response, b"ETag"),
        last_modified=header(response, b"Last-Modified"),
        warc_file=ref.warc_file if ref else None,
        warc_offset=ref.offset if ref else None,
        warc_payload_sha256=ref.payload_sha256 if ref else None,
    )
    return doc


def file_from_response(response: Response, news_url: str, file_url: str) -> FileCapture:
    """An attachment (or image) of the article at ``news_url``: hashed, its capture named."""
    ref = capture_ref(response)
    return FileCapture(
        url=file_url,
        news_url=news_url,
        sha256=body_sha256(response, ref),
        size=len(response.body),
        content_type=header(response, b"Content-Type"),
        fetched_at=fetch_time(ref),
        http_status=response.status,
        warc_file=ref.warc_file if ref else None,
        warc_offset=ref.offset if ref else None,
        warc_payload_sha256=ref.payload_sha256 if ref else None,
        body=response.body,  # for the attachment text step, which then drops it
    )


def response_text(response: Response) -> str:
    """The page's text, decoded as the extractors decode it."""
    text, _encoding = decode_html(response.body, header(response, b"Content-Type"))
    return text


def is_challenge(response: Response) -> bool:
    """True when the response is an anti-bot gateway's JavaScript challenge, not the page."""
    return is_challenge_page(response_text(response))


def capture_ref(response: Response) -> CaptureRef | None:
    """Where the WARC capture middleware wrote the response, if it did."""
    ref = response.meta.get(CAPTURE_META)
    return ref if isinstance(ref, CaptureRef) else None


def body_sha256(response: Response, ref: CaptureRef | None) -> str:
    """The sha256 of the body: the capture's payload digest when the body is what was
    captured (not decoded since), else computed."""
    if ref is not None and response.meta.get(CAPTURED_BODY_META) is response.body:
        return ref.payload_sha256
    return hashlib.sha256(response.body).hexdigest()


def fetch_time(ref: CaptureRef | None) -> str:
    """The fetch time, to the second: the WARC record's own when there is one."""
    return ref.fetched_at[:19] + "Z" if ref else utc_now()


def header(response: Response, name: bytes) -> str | None:
    """A response header as text (latin-1 keeps every byte), or None."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
