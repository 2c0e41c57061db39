"""Pure extraction: ``bytes/str + url -> record``.

Nothing here imports Scrapy, click or the database, so the same code runs in a crawl, in
``reparse`` over stored raw pages and in unit tests.
"""

from __future__ import annotations

from collections.abc import Sequence

from archiver.extract.brief import extract_brief
from archiver.extract.dates import to_iso_date, to_iso_datetime
from archiver.extract.encoding import DecodedHtml, decode_bytes, decode_html
from archiver.extract.links import find_cited_urls
from archiver.extract.listing import extract_list_page
from archiver.extract.news import extract_news
from archiver.records import Brief, Kind, News

__all__ = [
    "FAMILIES",
    "DecodedHtml",
    "decode_bytes",
    "decode_html",
    "extract_brief",
    "extract_document",
    "extract_list_page",
    "extract_news",
    "find_cited_urls",
    "to_iso_date",
    "to_iso_datetime",
]

#: The page families of news sites whose templates the extractors know. ``bucea``: the first
#: site's template (``h2.detail-title``, the meta line, ``div#art``, lists of ``div.media``).
FAMILIES = frozenset({"bucea"})


def extract_document(
    raw: bytes,
    url: str,
    content_type: str | None = None,
    *,
    kind: Kind,
    cited_hosts: Sequence[str] = (),
) -> News | Brief:
    """Decode ``raw`` and extract a record of ``kind``.

    ``news`` reads an article of a news site, finding the pages it cites on ``cited_hosts``;
    ``brief`` reads a bureau page. ``url`` is the page's own address (not a web-archive replay
    address). ``capture`` is left None: the crawl fills it.
    """
    decoded = decode_bytes(raw, content_type)
    record: News | Brief
    if kind == "news":
        record = extract_news(decoded.text, url, cited_hosts)
    else:
        record = extract_brief(decoded.text, url)
    if decoded.replaced:
        record.parse_warnings.insert(
            0, f"encoding: undecodable bytes replaced (decoded as {decoded.encoding})"
        )
    return record
