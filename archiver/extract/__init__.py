"""Pure extraction: ``bytes/str + url -> record``.

Nothing here imports Scrapy, click or the database, so the same code runs in a crawl, in
``reparse`` over stored raw pages and in unit tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from archiver.config import DEFAULT_BUREAU_HOSTS, NEWS_SITE_HOSTS, host_matches
from archiver.extract.brief import extract_brief
from archiver.extract.dates import to_iso_date, to_iso_datetime
from archiver.extract.encoding import DecodedHtml, decode_bytes, decode_html
from archiver.extract.links import find_cited_urls
from archiver.extract.listing import extract_list_page
from archiver.extract.news import extract_news
from archiver.records import Brief, News

__all__ = [
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


def extract_document(
    raw: bytes,
    url: str,
    content_type: str | None = None,
    bureau_hosts: Sequence[str] = DEFAULT_BUREAU_HOSTS,
) -> News | Brief:
    """Decode ``raw`` and extract the record its host calls for.

    Hosts of the news site (``NEWS_SITE_HOSTS``) give :class:`News`; any other host gives
    :class:`Brief`. ``url`` is the page's own address (not a web-archive replay address).
    ``capture`` is left None: the crawl fills it.
    """
    decoded = decode_bytes(raw, content_type)
    host = urlsplit(url).hostname or ""
    record: News | Brief
    if host_matches(host, NEWS_SITE_HOSTS):
        record = extract_news(decoded.text, url, bureau_hosts)
    else:
        record = extract_brief(decoded.text, url)
    if decoded.replaced:
        record.parse_warnings.insert(
            0, f"encoding: undecodable bytes replaced (decoded as {decoded.encoding})"
        )
    return record
