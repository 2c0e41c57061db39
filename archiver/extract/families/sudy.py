"""SUDY WebPlus (苏迪), SITES.md §6: the second family of university sites.

Articles ``/<YYYY>/<MMDD>/c<col>a<id>/page.htm`` (a dynamic twin ends ``page.psp``): title
``h1.arti_title`` (or ``h1.arti-title``), byline ``p.arti_metas`` of ``span.arti_*``
(发布者, 发布时间, 浏览次数 with a ``WP_VisitCount`` filled in by JavaScript), body
``div.wp_articlecontent``, attachments ``a[sudyfile-attr]`` and ``div.wp_pdf_player[pdfsrc]``;
the department is often only in the sign-off at the end of the body. Raw server bytes quote
attributes with ``'``. Lists ``list.htm``, ``list2.htm`` … count *up*; pager ``ul.wp_paging``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from archiver.extract.dates import to_iso_datetime
from archiver.extract.families.byline import (
    DATE_LABELS,
    LINE_LABELS,
    SOURCE_LABELS,
    clean_source,
    fill_byline,
    fill_from_meta,
    fill_published,
    fill_section,
    gov_meta,
    meta_lines,
)
from archiver.extract.families.generic_list import (
    fill_items,
    find_item_elements,
    same_page,
)
from archiver.extract.families.parts import ArticleParts, drop_counters, parse_page
from archiver.extract.html import Element, normalise_space, text_of
from archiver.extract.labels import split_labelled
from archiver.extract.layout import page_title
from archiver.extract.links import resolve_url
from archiver.records import ListPage

FAMILY = "sudy"

_TITLE_CLASSES = ("arti_title", "arti-title")
_METAS_CLASSES = ("arti_metas", "arti-metas")
_META_SPAN = re.compile(r"^arti[_-]\w+$")
_LIST_PAGE = re.compile(r"^(?P<dir>.*/)list(?P<n>\d*)\.htm$")


def _has_class(el: Element, names: tuple[str, ...]) -> str | None:
    classes = (el.get("class") or "").split()
    return next((name for name in names if name in classes), None)


def read_article(html: str, url: str) -> ArticleParts:
    """The parts of a SUDY WebPlus article page."""
    root = parse_page(html)
    drop_counters(root)
    parts = ArticleParts(FAMILY)
    meta = gov_meta(root)
    title_el = _title(parts, root, meta)
    body_el = next((d for d in root.iter("div") if _has_class(d, ("wp_articlecontent",))), None)
    if body_el is None:
        parts.warn("body: div.wp_articlecontent not found")
    else:
        parts.body_el = body_el
        parts.provenance["body"] = f"{FAMILY}:div.wp_articlecontent"
    _byline(parts, root, body_el)
    fill_section(parts, meta, root, title_el if title_el is not None else body_el)
    _attachments(parts, root, url)
    return parts


def _title(parts: ArticleParts, root: Element, meta: dict[str, str]) -> Element | None:
    for el in root.iter("h1", "h2", "h3"):
        name = _has_class(el, _TITLE_CLASSES)
        # (h2.arti_title is the often empty subtitle: the first with text wins)
        if name and parts.fill("title", normalise_space(text_of(el)), f"{FAMILY}:{el.tag}.{name}"):
            return el
    if fill_from_meta(parts, meta, "articletitle"):
        parts.warn("title: no h1.arti_title; took the ArticleTitle meta")
    elif parts.fill("title", page_title(root, meta.get("sitename")), "title-element"):
        parts.warn("title: no h1.arti_title; took <title>")
    else:
        parts.warn("title: no h1.arti_title or <title>")
    return None


def _byline(parts: ArticleParts, root: Element, body_el: Element | None) -> None:
    metas = next((el for el in root.iter() if _has_class(el, _METAS_CLASSES)), None)
    if metas is None:
        parts.warn("byline: no p.arti_metas; read the labelled lines around the body")
        pairs = meta_lines(root, body_el).pairs()
        if not fill_published(parts, pairs):
            parts.warn("published: no 发布时间 label")
        fill_byline(parts, pairs)
        return
    spans: list[tuple[str, list[tuple[str, str]]]] = []
    for span in metas.iter("span"):
        name = next((c for c in (span.get("class") or "").split() if _META_SPAN.match(c)), None)
        if name:
            spans.append((name, split_labelled(normalise_space(text_of(span)), LINE_LABELS)))
    for name, pairs in spans:
        for label, value in pairs:
            if label in DATE_LABELS:
                parts.fill("published", to_iso_datetime(value), f"{FAMILY}:span.{name}")
    if parts.published is None:
        parts.warn("published: no date in span.arti_update")
    # The most telling label wins, whichever span holds it (供稿 also names the contributor).
    for wanted in SOURCE_LABELS:
        for name, pairs in spans:
            found = next((v for label, v in pairs if label == wanted and v), None)
            if parts.fill("source", clean_source(found), f"{FAMILY}:span.{name}"):
                break
    for name, pairs in spans:
        for label, value in pairs:
            if label == "供稿":
                parts.fill("contributor", value, f"{FAMILY}:span.{name}")
            elif label == "审核":
                parts.fill("reviewer", value, f"{FAMILY}:span.{name}")


def _attachments(parts: ArticleParts, root: Element, url: str) -> None:
    rules: list[str] = []
    for el, attribute, rule in _attachment_elements(root):
        found = resolve_url(url, el.get(attribute))
        if found and found not in parts.extra_attachments:
            parts.extra_attachments.append(found)
            if rule not in rules:
                rules.append(rule)
    if rules:
        parts.provenance["attachments"] = ", ".join(rules)


def _attachment_elements(root: Element) -> list[tuple[Element, str, str]]:
    found = []
    for el in root.iter("a", "div"):
        if el.tag == "a" and el.get("sudyfile-attr") is not None and el.get("href"):
            found.append((el, "href", f"{FAMILY}:a[sudyfile-attr]"))
        elif el.tag == "div" and el.get("pdfsrc") and _has_class(el, ("wp_pdf_player",)):
            found.append((el, "pdfsrc", f"{FAMILY}:div.wp_pdf_player[pdfsrc]"))
    return found


def extract_list(html: str, url: str) -> ListPage:
    """Items ``ul.wp_article_list > li.list_item`` (custom templates: found by structure);
    the next page from ``ul.wp_paging``'s ``a.next``, else from its page counts."""
    root = parse_page(html)
    page = ListPage(url=url, section=None)
    elements = [
        li
        for ul in root.iter("ul")
        if _has_class(ul, ("wp_article_list",))
        for li in ul
        if li.tag == "li"
    ]
    fill_items(page, elements or find_item_elements(root), url, canonical_url)
    if not page.items:
        page.parse_warnings.append("items: no li.list_item or block of repeated dated links")
    page.next_url = _next_page(root, url, page.parse_warnings)
    return page


def _next_page(root: Element, url: str, warnings: list[str]) -> str | None:
    paging = next((el for el in root.iter() if _has_class(el, ("wp_paging",))), None)
    if paging is None:
        return None
    link = next((a for a in paging.iter("a") if _has_class(a, ("next",))), None)
    if link is not None:
        target = resolve_url(url, link.get("href"))  # javascript:void(0) on the last page
        return None if target is None or same_page(target, url) else target
    current, last = _count(paging, "curr_page"), _count(paging, "all_pages")
    match = _LIST_PAGE.match(urlsplit(url).path)
    if current is None or last is None or match is None:
        warnings.append("next: ul.wp_paging has no a.next and no page counts to follow")
        return None
    if current >= last:
        return None
    path = f"{match.group('dir')}list{current + 1}.htm"
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _count(paging: Element, name: str) -> int | None:
    for em in paging.iter("em"):
        if _has_class(em, (name,)):
            text = normalise_space(text_of(em))
            return int(text) if text.isdigit() else None
    return None


def canonical_url(url: str) -> str | None:
    """``…/page.psp`` (the dynamic twin) → ``…/page.htm``; None for other addresses."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.path.endswith("/page.psp"):
        return None
    path = parts.path[: -len("page.psp")] + "page.htm"
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))
