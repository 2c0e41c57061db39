"""The record kinds: defined once here, read by extraction, storage, export and the CLI.

An extractor fills what the page gives and nothing else: a value the page does not hold
stays ``None`` (or an empty list), and ``provenance`` maps every filled field to where it
came from (a CSS selector, a meta tag, a label, the list page, the web archive).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from archiver.records.attachments import AttachmentText

Kind = Literal["news", "brief"]
#: What a failed page was asked for as: a section list, an article, a brief, an attachment.
FailedKind = Literal["list", "news", "brief", "file"]
BriefStatus = Literal["live", "archived", "unavailable"]
CitationHow = Literal["link", "text"]

#: Bumped whenever an extractor changes what it produces for the same bytes.
EXTRACTOR_VERSION = "1"


@dataclass
class Citation:
    """A bureau brief cited by a news article, and how the citation was found.

    ``how`` is ``"link"`` for an ``<a href>`` in the body and ``"text"`` for an address
    written as plain text.
    """

    url: str
    how: CitationHow


@dataclass
class Capture:
    """How the bytes a record was extracted from were obtained, and where they are kept."""

    fetched_at: str  # ISO 8601 UTC, e.g. 2026-11-28T18:03:01Z
    http_status: int
    sha256: str  # of the raw response body
    content_type: str | None = None
    etag: str | None = None  # validators for the next crawl's conditional request
    last_modified: str | None = None
    warc_file: str | None = None  # the WARC file (relative to the warc folder) holding it
    warc_offset: int | None = None  # byte offset of its response record
    warc_payload_sha256: str | None = None  # of the payload as sent (may be content-encoded)


@dataclass
class Document:
    """Fields shared by every record kind."""

    url: str
    site: str  # host name of ``url``
    title: str | None = None
    # ISO 8601: YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS]+08:00 when the page gives a time.
    published: str | None = None
    body: str = ""  # plain text, one paragraph per line
    body_html: str = ""  # the body's HTML, scripts and styles removed
    parse_warnings: list[str] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)
    extractor_version: str = EXTRACTOR_VERSION
    capture: Capture | None = None

    kind: Kind = field(init=False, default="news")


@dataclass
class News(Document):
    """An article of a university news site."""

    sections: list[str] = field(default_factory=list)
    department: str | None = None
    contributor: str | None = None
    reviewer: str | None = None
    cites: list[Citation] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.kind = "news"


@dataclass
class Brief(Document):
    """A bureau brief (工作简报) or other bureau page cited by the news."""

    source: str | None = None  # 来源 / ContentSource
    status: BriefStatus = "live"
    archived_url: str | None = None  # the web archive's id_ capture it was read from
    archived_at: str | None = None  # ISO 8601 UTC time of that capture

    def __post_init__(self) -> None:
        self.kind = "brief"


@dataclass
class ListItem:
    """One entry of a section list page."""

    url: str  # absolute
    title: str | None  # the full title (``title`` attribute), not the cut link text
    date: str | None  # YYYY-MM-DD as listed


@dataclass
class ListPage:
    """A section list page: its label, its items and the next page, if any."""

    url: str
    section: str | None
    items: list[ListItem] = field(default_factory=list)
    next_url: str | None = None  # None on the last page (also when a.Next points at itself)
    parse_warnings: list[str] = field(default_factory=list)


@dataclass
class Withdrawal:
    """A known page that now answers 404/410: marked withdrawn, its last copy kept."""

    url: str
    http_status: int
    at: str  # ISO 8601 UTC


@dataclass
class NotModified:
    """A known page that answered a conditional request with 304."""

    url: str
    at: str


@dataclass
class PageFailed:
    """A page asked for that the crawl could not archive, and why: counted as a failure of
    the run and named in the log (robots.txt refusals are not failures; local faults are no
    page's)."""

    url: str
    reason: str  # one line: "HTTP 500", "the response is larger than 4 MiB, the limit", …
    kind: FailedKind
    at: str  # ISO 8601 UTC


@dataclass
class FileCapture:
    """An attachment (or body image) of an article, archived and hashed."""

    url: str
    news_url: str
    sha256: str
    size: int
    content_type: str | None
    fetched_at: str
    http_status: int
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_payload_sha256: str | None = None
    #: the decoded bytes, for the attachment text extractor; never stored as such
    body: bytes | None = field(default=None, repr=False, compare=False)
    #: what the file says (set by the crawl's attachment text step; None for an image)
    text: AttachmentText | None = None


@dataclass
class ListWalked:
    """A section list walked to its last page."""

    start_url: str
    at: str


@dataclass
class Listing:
    """The news articles a section list page lists (one item a page, not one an article)."""

    urls: list[str]
    section: str
