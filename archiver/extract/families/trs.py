"""TRS WCM (拓尔思), SITES.md §6: most government and bureau sites, some university ones.

Articles ``/<col>/<YYYYMM>/t<YYYYMMDD>_<docid>.html``: gov meta tags (``ArticleTitle``,
``PubDate``, ``ContentSource``, ``ColumnName``), body ``div.TRS_Editor`` or the template's
``<!--<$[信息内容]>begin-->…<!--<$[信息内容]>end-->``. Lists ``index.html``, ``index_1.html``
… count *up*; the page count is only in ``createPageHTML(count, current, "index", "html")``.
"""

from __future__ import annotations

import re

from archiver.extract.brief import extract_brief
from archiver.extract.dates import to_iso_date
from archiver.extract.families.byline import (
    fill_byline,
    fill_date_line,
    fill_from_meta,
    fill_published,
    fill_section,
    gov_meta,
    meta_lines,
    title_from_page,
)
from archiver.extract.families.generic_list import fill_items, find_item_elements, next_link
from archiver.extract.families.parts import (
    ArticleParts,
    clear_markers,
    drop_counters,
    fill_brief_gaps,
    find_marker,
    first_with_text,
    parse_page,
    to_brief,
    wrap_comment_region,
)
from archiver.extract.html import Element
from archiver.extract.layout import find_body_container
from archiver.extract.links import resolve_url
from archiver.extract.text import class_xpath
from archiver.records import Brief, ListPage

FAMILY = "trs"
CONTENT_COMMENT = "<!--<$[信息内容]>-->"
# The region the template marks with comments; wrapped in an element before parsing drops them.
_CONTENT = re.compile(
    r"<!--\s*<\$\[信息内容\]>\s*begin\s*-->(.*?)<!--\s*<\$\[信息内容\]>\s*end\s*-->", re.DOTALL
)
_WRAPPER = "data-trs-content"
_EDITOR = "//" + class_xpath("div", "TRS_Editor")
_URL_DATE = re.compile(r"/t((?:19|20)\d{6})_\d+(?:_\d+)?\.s?html?$")
_PAGER = re.compile(
    r"""\bcreatePageHTML\(\s*(\w+)\s*,\s*(\w+)\s*,\s*["']([^"']+)["']\s*,\s*["']([^"']+)["']\s*\)"""
)


def read_article(html: str, url: str) -> ArticleParts:
    """The parts of a TRS article page."""
    root = parse_page(wrap_comment_region(html, _CONTENT, _WRAPPER))
    drop_counters(root)
    parts = ArticleParts(FAMILY)
    meta = gov_meta(root)
    body_el = _body(parts, root)
    clear_markers(root, _WRAPPER, body_el)
    _title(parts, root, body_el, meta)
    lines = meta_lines(root, body_el)
    pairs = lines.pairs()
    if not (
        fill_from_meta(parts, meta, "pubdate")
        or fill_published(parts, pairs)
        or fill_date_line(parts, lines)
    ):
        # never the URL's date (a record's date is the page's): it is only named as a hint
        found = _URL_DATE.search(url)
        digits = found.group(1) if found else ""
        day = to_iso_date(f"{digits[:4]}-{digits[4:6]}-{digits[6:]}") if digits else None
        hint = f" (the address says {day})" if day else ""
        parts.warn(f"published: no PubDate meta, date label or date line{hint}")
    fill_from_meta(parts, meta, "contentsource")
    fill_byline(parts, pairs)
    fill_section(parts, meta, root, body_el)
    return parts


def _body(parts: ArticleParts, root: Element) -> Element | None:
    editor = first_with_text(root.xpath(_EDITOR))
    if editor is not None:
        parts.body_el, parts.provenance["body"] = editor, f"{FAMILY}:div.TRS_Editor"
        return editor
    wrapped = find_marker(root, _WRAPPER)
    if wrapped is not None:
        parts.body_el, parts.provenance["body"] = wrapped, f"{FAMILY}:{CONTENT_COMMENT}"
        return wrapped
    found, rule = find_body_container(root)
    if found is None:
        parts.warn("body: no div.TRS_Editor, <!--<$[信息内容]>--> region or known container")
        return None
    parts.body_el, parts.provenance["body"] = found, f"{FAMILY}:{rule}"
    parts.warn(f"body: no div.TRS_Editor or <!--<$[信息内容]>--> region; took {rule}")
    return found


def _title(
    parts: ArticleParts, root: Element, body_el: Element | None, meta: dict[str, str]
) -> None:
    if fill_from_meta(parts, meta, "articletitle"):
        return
    title_from_page(parts, root, body_el, meta, family=FAMILY, tried="ArticleTitle meta")


def extract_bureau_page(html: str, url: str) -> Brief:
    """:func:`~archiver.extract.brief.extract_brief`'s record of the page, as it is; only a
    field it left empty (a body only between the template's comments, say) is filled by this
    family's rules, with their provenance, and its warning about that field goes."""
    brief = extract_brief(html.removeprefix("\ufeff"), url)
    if all(getattr(brief, name) for name in ("title", "published", "source", "body")):
        return brief
    return fill_brief_gaps(brief, to_brief(read_article(html, url), url))


def extract_list(html: str, url: str) -> ListPage:
    """Items found by structure; the next page from ``createPageHTML``: on page ``current``
    (0 is ``index.html``) of ``count``, the next is ``index_<current + 1>.html``."""
    root = parse_page(html)
    page = ListPage(url=url, section=None)
    elements = find_item_elements(root)
    if not elements:
        page.parse_warnings.append("items: no block of repeated links with dates")
    fill_items(page, elements, url)
    pager = pager_call(html)
    if pager is None:
        page.parse_warnings.append("next: no createPageHTML(count, current, name, ext) call")
        page.next_url = next_link(root, url)
        return page
    count, current, name, ext = pager
    page.next_url = resolve_url(url, f"{name}_{current + 1}.{ext}") if current + 1 < count else None
    return page


def pager_call(html: str) -> tuple[int, int, str, str] | None:
    """``(count, current, name, ext)`` of the page's ``createPageHTML`` call; arguments given
    as variables are looked up in the page's scripts (``var countPage = 5``)."""
    for match in _PAGER.finditer(html):
        count, current = _number(html, match.group(1)), _number(html, match.group(2))
        if count is not None and current is not None:
            return count, current, match.group(3), match.group(4)
    return None


def _number(html: str, argument: str) -> int | None:
    if argument.isdigit():
        return int(argument)
    assigned = re.search(rf"\b{re.escape(argument)}\s*=\s*(\d+)\s*[;,\n]", html)
    return int(assigned.group(1)) if assigned else None
