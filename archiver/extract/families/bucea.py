"""The first site's template (北京建筑大学新闻网, SITES.md §1): ``h2.detail-title``, the meta
line, ``div#art``; lists of ``div.media`` followed through ``a.Next``.

The site's own extractors (:mod:`archiver.extract.news`, :mod:`archiver.extract.listing`)
read it, unchanged: their records, provenance included, stay what they have always been.
"""

from __future__ import annotations

from collections.abc import Sequence

from archiver.extract.listing import extract_list_page
from archiver.extract.news import extract_news
from archiver.records import Brief, ListPage, News

FAMILY = "bucea"


def extract_article(html: str, url: str, cited_hosts: Sequence[str] = ()) -> News:
    """:func:`~archiver.extract.news.extract_news`, as it is."""
    return extract_news(html.removeprefix("\ufeff"), url, cited_hosts)


def extract_list(html: str, url: str) -> ListPage:
    """:func:`~archiver.extract.listing.extract_list_page`, as it is (``a.Next``)."""
    return extract_list_page(html.removeprefix("\ufeff"), url)


def extract_bureau_page(html: str, url: str) -> Brief:
    """A bureau page in this template: the article read as news, its 部门 as the source."""
    news = extract_article(html, url)
    brief = Brief(
        url=news.url,
        site=news.site,
        title=news.title,
        published=news.published,
        body=news.body,
        body_html=news.body_html,
        source=news.department,
        parse_warnings=list(news.parse_warnings),
    )
    for name, rule in news.provenance.items():
        if name == "department":
            brief.provenance["source"] = rule
        elif name in ("site", "title", "published", "body", "body_html"):
            brief.provenance[name] = rule
    return brief
