"""Pages of no known family: the generic article extractor's reading, as a record.

:mod:`archiver.extract.generic` is imported when first needed (it is a separate piece of
work); its ``GenericArticle`` gives title, published, body, body_html, source, the body
element, provenance and parse_warnings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from archiver.extract.brief import extract_brief
from archiver.extract.families.parts import fill_brief_gaps, parse_page
from archiver.extract.html import Element
from archiver.extract.layout import find_body_container
from archiver.extract.links import find_attachments, find_cited_urls, find_images, url_host
from archiver.records import Brief, News


class GenericArticle(Protocol):
    """What :func:`archiver.extract.generic.extract_generic` returns."""

    title: str | None
    published: str | None
    body: str
    body_html: str
    source: str | None
    body_element: Any
    provenance: dict[str, str]
    parse_warnings: list[str]


def read_generic(html: str, url: str) -> GenericArticle:
    """The generic extractor's reading of the page."""
    from archiver.extract.generic import extract_generic  # lazily: see the module docstring

    found: GenericArticle = extract_generic(html, url)
    return found


def generic_news(html: str, url: str, cited_hosts: Sequence[str]) -> News:
    """A :class:`News` record from the generic reading; the source is the department, and
    citations, attachments and images are found in the body element."""
    found = read_generic(html, url)
    news = News(url=url, site=url_host(url))
    if news.site:
        news.provenance["site"] = "url"
    news.title, news.published, news.department = found.title, found.published, found.source
    news.body, news.body_html = found.body or "", found.body_html or ""
    for name, rule in found.provenance.items():
        news.provenance["department" if name == "source" else name] = rule
    body_el: Element | None = found.body_element
    if body_el is not None:
        rule = found.provenance.get("body", "generic")
        news.images = find_images(body_el, url)
        news.attachments = find_attachments(body_el, url)
        news.cites = find_cited_urls(body_el, url, cited_hosts)
        for name in ("images", "attachments", "cites"):
            if getattr(news, name):
                news.provenance[name] = rule
    news.parse_warnings = list(found.parse_warnings)
    return news


def generic_brief(html: str, url: str) -> Brief:
    """A :class:`Brief`: table layouts (the 2011 campaign site's) as
    :func:`~archiver.extract.brief.extract_brief` reads them (a field it leaves empty taken
    from the generic reading), anything else from the generic reading."""
    body_el, _rule = find_body_container(parse_page(html))
    if body_el is not None and body_el.tag == "td":
        brief = extract_brief(html.removeprefix("\ufeff"), url)
        if all(getattr(brief, name) for name in ("title", "published", "source", "body")):
            return brief
        return fill_brief_gaps(brief, _generic_brief(html, url))
    return _generic_brief(html, url)


def _generic_brief(html: str, url: str) -> Brief:
    found = read_generic(html, url)
    brief = Brief(url=url, site=url_host(url))
    if brief.site:
        brief.provenance["site"] = "url"
    brief.title, brief.published, brief.source = found.title, found.published, found.source
    brief.body, brief.body_html = found.body or "", found.body_html or ""
    brief.provenance.update(found.provenance)
    brief.parse_warnings = list(found.parse_warnings)
    return brief
