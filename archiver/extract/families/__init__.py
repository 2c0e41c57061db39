"""CMS families: which one made a page, and how each one's lists and articles read.

Pure functions, ``str + url -> record`` (bytes are decoded first): no Scrapy, no database, no
network. The family of a page is told by markers in the page, never by its host
(:func:`detect_family`); ``None`` means no known family, and the generic extractors read it.

- ``bucea``: the first site's template (its own extractors, unchanged);
- ``vsb`` (博达), ``sudy`` (WebPlus): university news sites; lists count down (VSB) or up;
- ``trs`` (拓尔思): government and bureau sites, some university ones;
- ``hanweb`` (大汉 JCMS), ``enp`` (方正), ``ucap`` (开普云): government sites.

Every family may be a bureau page's (:func:`extract_bureau_page`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from archiver.extract.encoding import decode_bytes
from archiver.extract.families import bucea, enp, hanweb, sudy, trs, ucap, vsb
from archiver.extract.families.detect import detect_family as _detect
from archiver.extract.families.detect import is_challenge_page as _is_challenge
from archiver.extract.families.fallback import generic_brief, generic_news
from archiver.extract.families.generic_list import extract_list as generic_list
from archiver.extract.families.parts import CHALLENGE_WARNING, ArticleParts, to_brief, to_news
from archiver.extract.guard import empty_brief, empty_list, empty_news, never_raises
from archiver.extract.links import url_host
from archiver.records import Brief, ListPage, News

__all__ = [
    "FAMILIES",
    "NEWS_FAMILIES",
    "canonical_article_url",
    "detect_family",
    "extract_article",
    "extract_bureau_page",
    "extract_list",
    "is_challenge_page",
]

FAMILIES: tuple[str, ...] = ("bucea", "vsb", "sudy", "trs", "hanweb", "enp", "ucap")
#: The families of university news sites (all of them may also be bureau pages' families).
NEWS_FAMILIES: tuple[str, ...] = ("bucea", "vsb", "sudy", "trs")

Html = str | bytes
_R = TypeVar("_R", News, Brief)
_Reader = Callable[[str, str], ArticleParts]

_ARTICLE_READERS: dict[str, _Reader] = {
    "vsb": vsb.read_article,
    "sudy": sudy.read_article,
    "trs": trs.read_article,
    "hanweb": hanweb.read_article,
    "enp": enp.read_article,
    "ucap": ucap.read_article,
}
_LIST_READERS: dict[str, Callable[[str, str], ListPage]] = {
    "bucea": bucea.extract_list,
    "vsb": vsb.extract_list,
    "sudy": sudy.extract_list,
    "trs": trs.extract_list,
    "hanweb": hanweb.extract_list,
    "enp": generic_list,
    "ucap": generic_list,
}
_CANONICAL = (vsb.canonical_url, sudy.canonical_url)


def _text(html: Html) -> str:
    return decode_bytes(html).text if isinstance(html, bytes) else html


def _check(family: str | None) -> None:
    if family is not None and family not in FAMILIES:
        raise ValueError(f"unknown page family {family!r}; known: {', '.join(FAMILIES)}")


def detect_family(html: Html, url: str = "") -> str | None:
    """The family whose markers the page carries (see :mod:`.detect`), or None."""
    return _detect(_text(html), url)


def is_challenge_page(html: Html) -> bool:
    """True for an anti-bot gateway's JavaScript challenge page: never an article."""
    return _is_challenge(_text(html))


def extract_list(html: Html, url: str, family: str | None) -> ListPage:
    """A list page: its items (absolute URLs, full titles, dates; off-site items kept) and
    the next page through the family's own pagination (None on the last page). ``None``:
    the generic reading (repeated dated links, a next link or the page-number pattern)."""
    _check(family)
    return _read_list(html, url, family)


@never_raises(empty_list)
def _read_list(html: Html, url: str, family: str | None) -> ListPage:
    text = _text(html)
    if _is_challenge(text):
        return ListPage(url=url, section=None, parse_warnings=[CHALLENGE_WARNING])
    reader = _LIST_READERS.get(family) if family else None
    return (reader or generic_list)(text, url)


def extract_article(
    html: Html, url: str, family: str | None, cited_hosts: Sequence[str] = ()
) -> News:
    """A :class:`News` record of an article page read by its family's rules (``None``: the
    generic extractor). Citations are looked for on ``cited_hosts``."""
    _check(family)
    return _read_article(html, url, family, cited_hosts)


@never_raises(empty_news)
def _read_article(html: Html, url: str, family: str | None, cited_hosts: Sequence[str]) -> News:
    text = _text(html)
    if _is_challenge(text):
        return _challenge_record(News(url=url, site=url_host(url)))
    if family == "bucea":
        return bucea.extract_article(text, url, cited_hosts)
    if family is None:
        return generic_news(text, url, cited_hosts)
    return to_news(_ARTICLE_READERS[family](text, url), url, cited_hosts)


def extract_bureau_page(html: Html, url: str, family: str | None) -> Brief:
    """A :class:`Brief` of a bureau page: TRS pages (and table layouts of no family, such as
    the 2011 campaign site's) as :func:`~archiver.extract.brief.extract_brief` reads them,
    other families by their rules, anything else by the generic extractor. ``status`` stays
    ``live``: the crawl sets it."""
    _check(family)
    return _read_bureau_page(html, url, family)


@never_raises(empty_brief)
def _read_bureau_page(html: Html, url: str, family: str | None) -> Brief:
    text = _text(html)
    if _is_challenge(text):
        return _challenge_record(Brief(url=url, site=url_host(url)))
    if family == "trs":
        return trs.extract_bureau_page(text, url)
    if family == "bucea":
        return bucea.extract_bureau_page(text, url)
    if family is None:
        return generic_brief(text, url)
    return to_brief(_ARTICLE_READERS[family](text, url), url)


def canonical_article_url(url: str) -> str | None:
    """The static address a dynamic twin of an article duplicates, when the URL alone tells
    it: VSB ``…/content.jsp?urltype=news.NewsContentUrl&wbtreeid=<col>&wbnewsid=<id>`` →
    ``…/info/<col>/<id>.htm``; SUDY ``…/page.psp`` → ``…/page.htm``. Else None."""
    for canonical in _CANONICAL:
        found = canonical(url)
        if found is not None:
            return found
    return None


def _challenge_record(record: _R) -> _R:
    if record.site:
        record.provenance["site"] = "url"
    record.parse_warnings.append(CHALLENGE_WARNING)
    return record
