"""URLs in article bodies: bureau citations (links and plain-text addresses), images and
attachments."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TypeAlias
from urllib.parse import urljoin, urlsplit, urlunsplit

from archiver.config import host_matches
from archiver.extract.text import Element, Piece, lines_and_pieces, parse_html
from archiver.records import Citation, CitationHow

# .wps and .et: WPS Office's Writer and Spreadsheets files, common on Chinese sites
ATTACHMENT_EXTENSIONS = (
    ".doc", ".docx", ".pdf", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".wps", ".et",
)  # fmt: skip

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
    found = _normalise(url)
    return found[0] if found else None


def resolve_url(base_url: str, href: str | None) -> str | None:
    """``href`` made absolute against ``base_url`` and normalised; None if not http(s)."""
    found = _resolve(base_url, href)
    return found[0] if found else None


# (normalised address, its host name as urlsplit() gave it while normalising): the
# citation search needs the host of every address, and splitting the address again would
# cost as much. (That host name may differ from the normalised address's in letter case
# only, after a "%"; host_matches() lower-cases it.)
_Found: TypeAlias = tuple[str, str]

# Fast paths. urljoin() and urlsplit() are long Python functions, and the addresses of a
# page are new strings every time (their lru cache misses): resolving one href cost more
# than any other step of an article. Two common shapes are resolved here by the same
# rules with a few string operations; anything else takes the urllib path.
#
# An absolute http(s) address of plain ASCII, whose netloc is a host name with an
# optional port (no user info, no brackets, no "%"), and without ";" (urlparse() would
# cut path parameters off, and urljoin() drop an empty one).
_PLAIN_ABSOLUTE = re.compile(
    r"([hH][tT][tT][pP][sS]?)://([A-Za-z0-9.-]+(?::[0-9]*)?)([/?#][\x21-\x3a\x3c-\x7e]*)?"
)
# A relative reference with a path: no scheme or port (":"), parameters or backslash in
# the path, no whitespace (urlsplit() and strip() would act on it) or ASCII control
# character anywhere; then any query and fragment. "//" (a netloc, or an empty segment,
# which urljoin() drops where RFC 3986 keeps it) is tested apart, and kept out of the base
# too: what is left is plain RFC 3986 path merging.
_PLAIN_RELATIVE = re.compile(
    r"([^:?#;\\\s\x00-\x20\x7f]+)(?:\?([^#\s\x00-\x20\x7f]*))?(?:#[^\s\x00-\x20\x7f]*)?"
)


def _normalise(url: str) -> _Found | None:
    return _normalise_clean(_HREF_JUNK.sub("", url).strip())


def _normalise_clean(url: str) -> _Found | None:
    """:func:`_normalise` of an address already rid of ``_HREF_JUNK`` and stripped."""
    wrapped = _WAYBACK.match(url)
    if wrapped:
        url = f"{wrapped.group(1)}://{wrapped.group(2)}"
    plain = _PLAIN_ABSOLUTE.fullmatch(url)
    if plain is not None:
        return _plain(plain)
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not hostname:
        return None
    userinfo, at, hostport = parts.netloc.rpartition("@")
    netloc = f"{userinfo}{at}{hostport.lower()}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, "")), hostname


def _plain(address: re.Match[str]) -> _Found:
    """What the urllib path of :func:`_normalise` gives an address matching
    ``_PLAIN_ABSOLUTE``."""
    # As urlsplit() splits it: the fragment goes, then the query is cut off at "?".
    # (hostname: no "@", "[" or "%" in the netloc, so only the port goes.)
    netloc = address.group(2).lower()
    path, _, query = (address.group(3) or "").partition("#")[0].partition("?")
    host = netloc.partition(":")[0]
    return f"{address.group(1).lower()}://{netloc}{path}{'?' if query else ''}{query}", host


def _resolve(base_url: str, href: str | None) -> _Found | None:
    if not href:
        return None
    return _resolve_clean(base_url, _HREF_JUNK.sub("", href).strip())


def _resolve_clean(base_url: str, href: str) -> _Found | None:
    """:func:`_resolve` of an href already rid of ``_HREF_JUNK`` and stripped."""
    # Most hrefs are plain relative references. Having no ":" and not starting with "#",
    # they are neither javascript: or mailto: nor web-archive addresses: join them first.
    relative = _PLAIN_RELATIVE.fullmatch(href) if "//" not in href else None
    if relative is not None:
        base = _base(base_url) if base_url else None
        joined = None if base is None else base.join(relative.group(1), relative.group(2) or "")
        if joined is not None:
            return joined
    if not href or href.lower().startswith(_NOT_WEB):
        return None
    if _WAYBACK.match(href):
        return _normalise_clean(href)
    if base_url and _base(base_url) is None:
        return None  # urljoin() raises on this base
    if plain := _PLAIN_ABSOLUTE.fullmatch(href):
        # urljoin() gives such an address back as it is, or rebuilt from its own parts
        # (same scheme as the base): normalising either gives the same answer.
        return _plain(plain)
    try:
        absolute = urljoin(base_url, href)
    except ValueError:
        return None
    return _normalise(absolute)


class _Base:
    """A page address, split once, against which plain relative references resolve."""

    def __init__(self, scheme: str, netloc: str, path: str, hostname: str | None) -> None:
        """The parts as urlsplit() gives them."""
        self.hostname = hostname or ""
        self._split = (scheme, netloc, path)
        # Worked out on the first join (many pages resolve nothing against their address).
        self._prefix: str | None = None
        self._parts: list[str] = []

    def join(self, path: str, query: str) -> _Found | None:
        """``_normalise(urljoin(base, href))`` for an href matching ``_PLAIN_RELATIVE``
        (its path and query; the fragment goes); None when the base is left to urljoin().

        The steps of urljoin() (Python 3.11) for a reference with a path and no netloc.
        """
        if self._prefix is None:
            self._prepare()
        if not self._prefix:
            return None
        if path[:1] == "/":
            segments = path.split("/")
        else:
            segments = self._parts + path.split("/")
            segments[1:-1] = filter(None, segments[1:-1])
        resolved: list[str] = []
        for segment in segments:
            if segment == "..":
                if resolved:
                    resolved.pop()
            elif segment != ".":
                resolved.append(segment)
        if segments[-1] in (".", ".."):
            resolved.append("")
        joined = "/".join(resolved) or "/"
        if joined[:1] != "/":  # as urlunsplit() puts it after a netloc
            joined = "/" + joined
        if query:  # (the base's query is not kept: the reference has a path)
            joined = f"{joined}?{query}"
        return self._prefix + joined, self.hostname

    def _prepare(self) -> None:
        scheme, netloc, path = self._split
        # Anything unusual is left to urljoin() (an empty prefix): path parameters
        # (urlparse() would cut them off the base path), empty segments, a non-http(s) or
        # host-less base, and web-archive replays (the joined address would be unwrapped).
        if (
            scheme not in ("http", "https")
            or not self.hostname
            or ";" in path
            or "//" in path
            or _WAYBACK.match(f"{scheme}://{netloc}/web/0/http:/")
        ):
            self._prefix = ""
            return
        # urljoin(): the base path's directory segments (its last segment is dropped).
        parts = path.split("/")
        if parts[-1] != "":
            del parts[-1]
        self._parts = parts
        userinfo, at, hostport = netloc.rpartition("@")
        # Set last: a thread that sees the prefix sees the parts too.
        self._prefix = f"{scheme}://{userinfo}{at}{hostport.lower()}"


def url_host(url: str) -> str:
    """``urlsplit(url).hostname or ""`` (and raises as it does), without urllib for a plain
    http(s) address."""
    base = _base(url)
    if base is None:
        return urlsplit(url).hostname or ""
    return base.hostname


@lru_cache(maxsize=8)
def _base(base_url: str) -> _Base | None:
    """The split base, shared by the calls for one page (its host, images, attachments,
    citations); None when urlsplit() refuses it."""
    plain = _PLAIN_ABSOLUTE.fullmatch(base_url)
    if plain is not None:
        # As urlsplit() splits it (see _plain()), which it never refuses.
        netloc = plain.group(2)
        path = (plain.group(3) or "").partition("#")[0].partition("?")[0]
        return _Base(plain.group(1).lower(), netloc, path, netloc.lower().partition(":")[0])
    try:
        parts = urlsplit(base_url)
        hostname = parts.hostname
    except ValueError:
        return None
    return _Base(parts.scheme, parts.netloc, parts.path, hostname)


def find_text_urls(text: str) -> list[str]:
    """http(s) addresses written in ``text``, trailing punctuation removed, normalised."""
    return [url for url, _host in _text_urls(text)]


def _text_urls(text: str) -> list[_Found]:
    found = []
    for match in _TEXT_URL.finditer(text):
        # (A written address holds no whitespace: nothing to strip.)
        normalised = _normalise_clean(_strip_trailing(match.group(0)))
        if normalised:
            found.append(normalised)
    return found


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
            for written in _text_urls(text):
                if written[0] != own:
                    finder.add(written, "text")
    return finder.citations


def find_images(body: Element, base_url: str) -> list[str]:
    """Absolute ``img/@src`` addresses in ``body``, in order, without repeats."""
    found: dict[str, None] = {}
    for img in body.iter("img"):
        url = resolve_url(base_url, img.get("src"))
        if url:
            found[url] = None
    return list(found)


def find_attachments(body: Element, base_url: str) -> list[str]:
    """Absolute addresses of linked documents (.doc .pdf .xls …) in ``body``, query
    strings ignored when testing the extension."""
    found: dict[str, None] = {}
    for a in body.iter("a"):
        href = a.get("href") or ""
        # Test the extension before resolving: most links are not documents.
        if _href_path(href).lower().endswith(ATTACHMENT_EXTENSIONS):
            url = resolve_url(base_url, href)
            if url:
                found[url] = None
    return list(found)


def _href_path(href: str) -> str:
    return href.split("#", 1)[0].split("?", 1)[0].strip()


def _strip_trailing(url: str) -> str:
    while url and url[-1] in _TRAILING:
        # A closing bracket belongs to the address only when it closes one inside it.
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


@lru_cache(maxsize=256)
def _host_matches(host: str, patterns: tuple[str, ...]) -> bool:
    # host_matches(), remembered: the hosts a site's pages name are few (its own above all)
    # and each costs a loop over the patterns.
    return host_matches(host, patterns)


class _CitationFinder:
    """Collects bureau citations, one per (url, how), in the order they are offered."""

    def __init__(self, base_url: str, bureau_hosts: tuple[str, ...]) -> None:
        self.citations: list[Citation] = []
        self._seen: set[tuple[str, str]] = set()
        self._base_url = base_url
        self._hosts = bureau_hosts
        # A relative href lands on the page's own host: no need to resolve it unless that
        # host is itself a bureau host.
        self._base_is_bureau = self._is_bureau(url_host(base_url))

    def _is_bureau(self, host: str) -> bool:
        return _host_matches(host, self._hosts)

    def add(self, found: _Found | None, how: CitationHow) -> None:
        if found is None:
            return
        url, host = found
        if (url, how) in self._seen:
            return
        if self._is_bureau(host):
            self._seen.add((url, how))
            self.citations.append(Citation(url=url, how=how))

    def link(self, el: Element) -> str | None:
        """Add the link's target if it is a bureau page; return the target."""
        href = _HREF_JUNK.sub("", el.get("href") or "").strip()
        head = href[:8].lower()
        if head.startswith(("http:", "https:", "//", "/web/")) or self._base_is_bureau:
            found = _resolve_clean(self._base_url, href)
            self.add(found, "link")
            return found[0] if found else None
        return None
