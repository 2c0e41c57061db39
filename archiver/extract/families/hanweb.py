"""Hanweb 大汉 JCMS, SITES.md §6: provincial and city governments (Zhejiang, Jiangsu …).

Articles ``/art/YYYY/M/D/art_<col>_<id>.html``: the gov meta tags (``contentSource`` may be
spelled with a lower-case ``c``), template comments ``<!--<$[标题]>begin-->…end-->`` and
``<!--<$[信息来源]>…``, body ``#zoom``. Column lists ``/col/col<id>/index.html`` deliver
their items inside ``<script type="text/xml"><datastore><recordset><record><![CDATA[<li>…``.
"""

from __future__ import annotations

import html as htmllib
import re

from archiver.extract.dates import to_iso_date
from archiver.extract.families.byline import (
    fill_byline,
    fill_from_meta,
    fill_published,
    fill_section,
    gov_meta,
    meta_lines,
    title_from_page,
)
from archiver.extract.families.generic_list import (
    fill_items,
    find_item_elements,
    list_section,
    next_link,
)
from archiver.extract.families.parts import (
    ArticleParts,
    clear_markers,
    drop_counters,
    find_marker,
    first_with_text,
    parse_page,
    wrap_comment_region,
)
from archiver.extract.html import Element, normalise_space, parse_html
from archiver.records import ListPage

FAMILY = "hanweb"

_CONTENT = re.compile(
    r"<!--\s*<\$\[信息内容\]>\s*begin\s*-->(.*?)<!--\s*<\$\[信息内容\]>\s*end\s*-->", re.DOTALL
)
_WRAPPER = "data-hanweb-content"
_TAGS = re.compile(r"<[^>]*>")
_COMMENTS = re.compile(r"<!--.*?-->", re.DOTALL)
_URL_DATE = re.compile(r"/art/((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})/art_\d+_\d+\.html")
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL | re.IGNORECASE)


def _comment_field(html: str, name: str) -> str | None:
    """The text between ``<!--<$[name]>begin-->`` and ``<!--<$[name]>end-->``."""
    mark = rf"<!--\s*<\$\[{re.escape(name)}\]>\s*"
    # the region ends at the first end mark, and opens at the last begin mark before it (a
    # page sent twice, or cut and resent, opens one region inside another)
    region = rf"{mark}begin\s*-->((?:(?!{mark}begin).)*?){mark}end\s*-->"
    match = re.search(region, html, re.DOTALL)
    if match is None:
        return None
    text = _TAGS.sub("", _COMMENTS.sub("", match.group(1)))
    return normalise_space(htmllib.unescape(text)) or None


def read_article(html: str, url: str) -> ArticleParts:
    """The parts of a Hanweb article page."""
    root = parse_page(wrap_comment_region(html, _CONTENT, _WRAPPER))
    drop_counters(root)
    parts = ArticleParts(FAMILY)
    meta = gov_meta(root)
    body_el = _body(parts, root)
    clear_markers(root, _WRAPPER, body_el)
    if not fill_from_meta(parts, meta, "articletitle") and not parts.fill(
        "title", _comment_field(html, "标题"), f"{FAMILY}:<!--<$[标题]>-->"
    ):
        _title_from_page(parts, root, body_el, meta)
    pairs = meta_lines(root, body_el).pairs()
    if not fill_from_meta(parts, meta, "pubdate") and not fill_published(parts, pairs):
        # never the URL's date (a record's date is the page's): it is only named as a hint
        found = _URL_DATE.search(url)
        day = to_iso_date("-".join(found.groups())) if found else None
        hint = f" (the address says {day})" if day else ""
        parts.warn(f"published: no PubDate meta or date label{hint}")
    if not fill_from_meta(parts, meta, "contentsource"):
        parts.fill("source", _comment_field(html, "信息来源"), f"{FAMILY}:<!--<$[信息来源]>-->")
    fill_byline(parts, pairs)
    fill_section(parts, meta, root, body_el)
    return parts


def _body(parts: ArticleParts, root: Element) -> Element | None:
    zoom = first_with_text([el for el in root.iter() if el.get("id") == "zoom"])
    if zoom is not None:
        parts.body_el, parts.provenance["body"] = zoom, f"{FAMILY}:#zoom"
        return zoom
    wrapped = find_marker(root, _WRAPPER)
    if wrapped is not None:
        parts.body_el, parts.provenance["body"] = wrapped, f"{FAMILY}:<!--<$[信息内容]>-->"
        parts.warn("body: no #zoom; took the <!--<$[信息内容]>--> region")
        return wrapped
    parts.warn("body: no #zoom or <!--<$[信息内容]>--> region")
    return None


def _title_from_page(
    parts: ArticleParts, root: Element, body_el: Element | None, meta: dict[str, str]
) -> None:
    tried = "ArticleTitle meta, <!--<$[标题]>-->"
    title_from_page(parts, root, body_el, meta, family=FAMILY, tried=tried)


def extract_list(html: str, url: str) -> ListPage:
    """Items from the ``<datastore>`` records (else found by structure); the next page from a
    plain next link, if the page has one (the datastore's own paging is a POST to
    ``dataproxy.jsp``, which is not followed)."""
    root = parse_page(html)
    page = ListPage(url=url, section=None)
    records = _RECORD.findall(html)
    if records:
        fragment = parse_html("<html><body><ul>" + "".join(records) + "</ul></body></html>")
        elements = [el for el in fragment.iter("li", "tr", "div", "p") if _is_record(el)]
        fill_items(page, elements, url)  # (the records' fragment has no section label)
        store = next((s for s in root.iter("script") if "<datastore>" in (s.text or "")), None)
        page.section = list_section(root, store)
    else:
        fill_items(page, find_item_elements(root), url)
    if not page.items:
        page.parse_warnings.append("items: no <datastore> records or block of dated links")
    page.next_url = next_link(root, url)
    return page


def _is_record(el: Element) -> bool:
    # A record's own top element: a child of the wrapping <ul> (or of <body>).
    parent = el.getparent()
    return parent is not None and parent.tag in ("ul", "body")
