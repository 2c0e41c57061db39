"""Pure extraction: ``bytes/str + url -> record``.

Nothing here imports Scrapy, click or the database, so the same code runs in a crawl, in
``reparse`` over stored raw pages and in unit tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from archiver.extract.brief import extract_brief
from archiver.extract.dates import to_iso_date, to_iso_datetime
from archiver.extract.encoding import DecodedHtml, decode_bytes, decode_html
from archiver.extract.families import (
    FAMILIES,
    canonical_article_url,
    detect_family,
    extract_article,
    extract_bureau_page,
    extract_list,
    is_challenge_page,
)
from archiver.extract.guard import empty_document, never_raises
from archiver.extract.links import find_cited_urls, url_host
from archiver.extract.listing import extract_list_page
from archiver.extract.news import extract_news
from archiver.extract.overrides import apply_selectors
from archiver.records import Brief, Kind, News

__all__ = [
    "AUTO",
    "FAMILIES",
    "DecodedHtml",
    "canonical_article_url",
    "decode_bytes",
    "decode_html",
    "detect_family",
    "extract_article",
    "extract_brief",
    "extract_bureau_page",
    "extract_document",
    "extract_list",
    "extract_list_page",
    "extract_news",
    "find_cited_urls",
    "is_challenge_page",
    "page_family",
    "to_iso_date",
    "to_iso_datetime",
]

#: The family of a site whose pages are recognised one by one (see :func:`detect_family`).
AUTO = "auto"


def page_family(text: str, url: str, family: str | None = AUTO) -> str | None:
    """The family a page is read by: ``family`` as given, or recognised on the page when it is
    ``auto`` (or None); None when no family's markers are there (the generic extractors)."""
    if family and family != AUTO:
        return family
    return detect_family(text, url)


@never_raises(empty_document)
def extract_document(
    raw: bytes,
    url: str,
    content_type: str | None = None,
    *,
    kind: Kind,
    cited_hosts: Sequence[str] = (),
    family: str | None = AUTO,
    selectors: Mapping[str, str] | None = None,
) -> News | Brief:
    """Decode ``raw`` and extract a record of ``kind``.

    ``news`` reads an article of a news site by its ``family``'s rules (``auto``: recognised on
    the page; no family: the generic extractor), finding the pages it cites on ``cited_hosts``,
    then a profile's own ``selectors``; ``brief`` reads a bureau page by the family recognised
    on it. ``url`` is the page's own address (not a web-archive replay address). ``capture`` is
    left None: the crawl fills it. Never raises (see :mod:`archiver.extract.guard`).
    """
    decoded = decode_bytes(raw, content_type)
    record: News | Brief
    if kind == "news":
        record = extract_article(
            decoded.text, url, page_family(decoded.text, url, family), cited_hosts
        )
        _drop_own_site_citations(record)
    else:
        record = extract_bureau_page(decoded.text, url, detect_family(decoded.text, url))
    if selectors:
        apply_selectors(decoded.text, record, selectors)
    if decoded.replaced:
        record.parse_warnings.insert(
            0, f"encoding: undecodable bytes replaced (decoded as {decoded.encoding})"
        )
    return record


def _drop_own_site_citations(news: News) -> None:
    """A link from an article to its own site's pages is no citation of a bureau page, even
    when the site itself is on a cited host (a news site on ``*.gov.cn``)."""
    own = [c for c in news.cites if url_host(c.url) == news.site]
    if own:
        news.cites = [c for c in news.cites if c not in own]
        if not news.cites:
            news.provenance.pop("cites", None)
