"""Requests and replies of the mock web, and the HTTP rules between them.

Kept apart from the socket code so the rules (HEAD, validators, ``304``) are plain functions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

HTML_UTF8 = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Request:
    """A request as the simulated world sees it, whichever way it reached the proxy."""

    method: str
    scheme: str
    host: str
    path: str  # without the query
    query: str
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The absolute URL requested."""
        return f"{self.scheme}://{self.host}{self.path}" + (f"?{self.query}" if self.query else "")


@dataclass(frozen=True)
class Page:
    """What a host answers for a path: status, type, extra headers and body bytes."""

    body: bytes
    content_type: str = HTML_UTF8
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    last_modified: datetime | None = None  # aware; sent as ``Last-Modified`` when set

    @property
    def etag(self) -> str:
        """A strong validator: the quoted sha1 of the body."""
        return '"' + hashlib.sha1(self.body).hexdigest() + '"'


#: A host that computes its answers (the web archive's APIs); ``None`` means "no such page".
App = Callable[[Request], Page | None]


@dataclass(frozen=True)
class Reply:
    """What goes on the wire."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes  # empty for HEAD and 304; ``Content-Length`` says the full size for HEAD


def build_reply(page: Page, method: str, request_headers: Mapping[str, str]) -> Reply:
    """Apply HEAD and conditional-request rules (RFC 9110 §13) to ``page``."""
    headers: list[tuple[str, str]] = [("Content-Type", page.content_type)]
    validators = _validators(page)
    headers += validators
    headers += list(page.headers.items())
    if method in ("GET", "HEAD") and page.status == 200 and _not_modified(page, request_headers):
        # A 304 repeats the validators and carries no body and no length.
        return Reply(304, validators, b"")
    headers.append(("Content-Length", str(len(page.body))))
    return Reply(page.status, headers, b"" if method == "HEAD" else page.body)


def _validators(page: Page) -> list[tuple[str, str]]:
    if page.status != 200:
        return []
    found = [("ETag", page.etag)]
    if page.last_modified is not None:
        found.append(("Last-Modified", format_datetime(page.last_modified, usegmt=True)))
    return found


def _not_modified(page: Page, request_headers: Mapping[str, str]) -> bool:
    lowered = {k.lower(): v for k, v in request_headers.items()}
    if "if-none-match" in lowered:  # takes precedence over If-Modified-Since
        return _etag_matches(page.etag, lowered["if-none-match"])
    since = lowered.get("if-modified-since")
    if since is None or page.last_modified is None:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError):  # an unparsable date is ignored, as RFC 9110 says
        return False
    if when.tzinfo is None:
        return False
    return page.last_modified.replace(microsecond=0) <= when


def _etag_matches(etag: str, header: str) -> bool:
    """Weak comparison, as If-None-Match requires; ``*`` matches any current page."""
    candidates = [c.strip().removeprefix("W/") for c in header.split(",")]
    return "*" in candidates or etag in candidates
