"""URLs in article bodies: bureau citations (links and plain-text addresses), images and
attachments."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urljoin, urlsplit, urlunsplit

from archiver.config import host_matches
from archiver.extract.text import Element, Piece, lines_and_pieces, parse_html
from archiver.records import Citation, CitationHow

ATTACHMENT_EXTENSIONS = (".doc", ".docx", ".pdf", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar")

# A written address ends at the first whitespace or non-ASCII character, so full-width
# punctuation right after it (…2502.html）。) is never part of it. " < > are excluded too.
_TEXT_URL = re.compile(r"https?://[\x21\x23-\x3b\x3d\x3f-\x7e]+", re.IGNORECASE)
# ASCII punctuation that ends a sentence rather than the address.
_TRAILING = ".,;:!?'\")]}"
# Replays of the web archive wrap the original address: [https://web.archive.org]/web/
# <timestamp>[flag_]/<url>; the archive also collapses "http://" to "http:/" at times.
_WAYBACK = re.compile(
    r"^(?:https?://web\.archive\.org)?/web/\d{1,14}[a-z_]*/(https?):/+(.*)$", re.IGNORECASE
)
# Browsers drop these from an href before resolving it.
_HREF_JUNK = re.compile(r"[\t\n\r]")
_NOT_WEB = ("javascript:", "mailto:", "tel:", "data:", "#")


def normalise_url(url: str) -> str | None:
    """``url`` with its fragment removed and host lower-cased; None unless http(s).

    A web-archive replay address is unwrapped to the original address it shows.
    """
    url = _HREF_JUNK.sub("", url).strip()
    wrapped = _WAYBACK.match(url)
    if wrapped:
        url = f"{wrapped.group(1)}://{wrapped.group(2)}"
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not hostname:
        return None
    userinfo, at, hostport = parts.netloc.rpartition("@")
    netloc = f"{userinfo}{at}{hostport.lower()}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, ""))


def resolve_url(base_url: str, href: str | None) -> str | None:
    """``href`` made absolute against ``base_url`` and normalised; None if not http(s)."""
    if not href:
        return None
    href = _HREF_JUNK.sub("", href).strip()
    if not href or href.lower().startswith(_NOT_WEB):
        return None
    if _WAYBACK.match(href):
        return normalise_url(href)
    try:
        absolute = urljoin(base_url, href)
    except ValueError:
        return None
    return normalise_url(absolute)


def find_text_urls(text: str) -> list[str]:
    """http(s) addresses written in ``text``, trailing punctuation removed, normalised."""
    urls = []
    for match in _TEXT_URL.finditer(text):
        normalised = normalise_url(_strip_trailing(match.group(0)))
        if normalised:
            urls.append(normalised)
    return urls


def find_cited_urls(
    body: Element | str, base_url: str, bureau_hosts: Sequence[str]
) -> list[Citation]:
    """Bureau pages cited in ``body``: ``<a href>`` (how="link") and addresses written as
    text (how="text"), in document order, one per (url, how).

    Only hosts matching ``bureau_hosts`` (see :func:`archiver.config.host_matches`) count.
    An address that is also the text of its own link counts once, as the link.
    """
    if isinstance(body, str):
        root = parse_html(body)
        found = root.find("body")
        body = found if found is not None else root
    _lines, pieces = lines_and_pieces(body)
    return citations_from_pieces(pieces, base_url, bureau_hosts)


def citations_from_pieces(
    pieces: Iterable[Piece], base_url: str, bureau_hosts: Sequence[str]
) -> list[Citation]:
    """:func:`find_cited_urls` over pieces already collected by
    :func:`~archiver.extract.text.lines_and_pieces` (saves a second walk of the body)."""
    finder = _CitationFinder(base_url, tuple(bureau_hosts))
    for text, link in pieces:
        own = finder.link(link) if link is not None else None
        if "://" in text:
            for written in find_text_urls(text):
                if written != own:
                    finder.add(written, "text")
    return finder.citations


def find_images(body: Element, base_url: str) -> list[str]:
    """Absolute ``img/@src`` addresses in ``body``, in order, without repeats."""
    return _unique(resolve_url(base_url, img.get("src")) for img in body.iter("img"))


def find_attachments(body: Element, base_url: str) -> list[str]:
    """Absolute addresses of linked documents (.doc .pdf .xls …) in ``body``, query
    strings ignored when testing the extension."""
    hrefs = (a.get("href") or "" for a in body.iter("a"))
    # Test the extension before resolving: most links are not documents.
    return _unique(
        resolve_url(base_url, href)
        for href in hrefs
        if _href_path(href).lower().endswith(ATTACHMENT_EXTENSIONS)
    )


def _href_path(href: str) -> str:
    return href.split("#", 1)[0].split("?", 1)[0].strip()


def _strip_trailing(url: str) -> str:
    while url and url[-1] in _TRAILING:
        # A closing bracket belongs to the address only when it closes one inside it.
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _unique(urls: Iterable[str | None]) -> list[str]:
    seen: dict[str, None] = {}
    for url in urls:
        if url and url not in seen:
            seen[url] = None
    return list(seen)


class _CitationFinder:
    """Collects bureau citations, one per (url, how), in the order they are offered."""

    def __init__(self, base_url: str, bureau_hosts: tuple[str, ...]) -> None:
        self.citations: list[Citation] = []
        self._seen: set[tuple[str, str]] = set()
        self._base_url = base_url
        self._hosts = bureau_hosts
        # A relative href lands on the page's own host: no need to resolve it unless that
        # host is itself a bureau host.
        self._base_is_bureau = host_matches(urlsplit(base_url).hostname or "", bureau_hosts)

    def add(self, url: str | None, how: CitationHow) -> None:
        if not url or (url, how) in self._seen:
            return
        if host_matches(urlsplit(url).hostname or "", self._hosts):
            self._seen.add((url, how))
            self.citations.append(Citation(url=url, how=how))

    def link(self, el: Element) -> str | None:
        """Add the link's target if it is a bureau page; return the target."""
        href = _HREF_JUNK.sub("", el.get("href") or "").strip()
        head = href[:8].lower()
        if head.startswith(("http:", "https:", "//", "/web/")) or self._base_is_bureau:
            url = resolve_url(self._base_url, href)
            self.add(url, "link")
            return url
        return None
