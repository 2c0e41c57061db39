"""List pages of no known family, and the pieces every family's list reader shares.

Items: the largest block of sibling elements that each hold a link and a date. Next page: a
link saying so (下一页, 下页, ``>``, a ``next`` class), else the page number after the current
one in the pager. Never computed from the URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urldefrag

from lxml import etree

from archiver.extract.brief import gov_meta
from archiver.extract.dates import to_iso_date
from archiver.extract.families.parts import parse_page
from archiver.extract.html import Element, normalise_space, text_of
from archiver.extract.links import resolve_url
from archiver.extract.sections import find_section_label
from archiver.extract.text import text_lines
from archiver.records import ListItem, ListPage

_ITEM_TAGS = ("li", "tr", "dd", "dt", "dl", "div", "p", "article", "section", "table")
_MAX_ITEM_CHARS = 300
_MAX_ITEM_LINKS = 3
_MIN_TITLE_CHARS = 4
_MAX_DATE_CHARS = 24
_CUT_MARKS = ("…", "...", "..")
# Regions whose repeated dated links are not the page's list.
_NOT_MAIN = re.compile(r"side|footer|header|nav|menu|banner", re.IGNORECASE)
# A date split across elements: <span>05</span><span>2024.03</span>.
_YEAR_MONTH = re.compile(r"^((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*月?$")
_DAY = re.compile(r"^(\d{1,2})\s*日?$")

_NEXT_TEXTS = frozenset({"下一页", "下页", "后页", "后一页", "下一頁", "next", "nextpage"})
_NEXT_SYMBOLS = frozenset({">", "›", "＞", "〉"})
_NEXT_TRIM = " []【】<>«»›‹＞〈〉()（）"
_NEXT_CLASS = re.compile(r"(?:^|[-_])next(?:$|[-_]|page)|^next", re.IGNORECASE)
_CURRENT_CLASS = re.compile(
    r"^(?:cur|curr|current|active|on|selected|p_no_d|curpage|page-cur)$", re.I
)
_NOT_WEB = ("javascript:", "#", "mailto:")


def extract_list(html: str, url: str) -> ListPage:
    """A :class:`ListPage` of a page of no known family (also Hanweb, ENP and UCAP lists
    without their own reader)."""
    root = parse_page(html)
    page = ListPage(url=url, section=None)
    elements = find_item_elements(root)
    if not elements:
        page.parse_warnings.append("items: no block of repeated links with dates")
    fill_items(page, elements, url)
    page.next_url = next_link(root, url)
    return page


def fill_items(
    page: ListPage,
    elements: list[Element],
    url: str,
    canonical: Callable[[str], str | None] | None = None,
) -> None:
    """Add the items of ``elements`` and the section. An article listed twice (also as its
    dynamic twin, when ``canonical`` tells the twin's static address) is kept once."""
    seen: set[str] = set()
    for number, el in enumerate(elements, start=1):
        item = list_item(el, url, number, page.parse_warnings)
        if item is None:
            continue
        key = (canonical(item.url) if canonical else None) or item.url
        if key not in seen:
            seen.add(key)
            page.items.append(item)
    if page.section is None and elements:
        page.section = list_section(elements[0].getroottree().getroot(), elements[0])


def list_section(root: Element, anchor: Element | None) -> str | None:
    """The list's label: the ``ColumnName`` meta tag (VSB and TRS lists carry it), else the
    column box or breadcrumb nearest the list."""
    column = gov_meta(root).get("columnname")
    if column:
        return column
    found = find_section_label(root, anchor)
    return found[0] if found is not None else None


def find_item_elements(root: Element) -> list[Element]:
    """The largest block of sibling elements of one tag that each hold a link and a date."""
    groups: dict[tuple[Element, str], list[Element]] = {}
    for el in root.iter(*_ITEM_TAGS):
        parent = el.getparent()
        if parent is not None and _looks_like_item(el):
            groups.setdefault((parent, str(el.tag)), []).append(el)
    best: list[Element] = []
    for members in groups.values():
        if len(members) > len(best) and not _in_side_region(members[0]):
            best = members
    return best


def _looks_like_item(el: Element) -> bool:
    links = [a for a in el.iter("a") if _is_web_href(a.get("href"))]
    if not links or len(links) > _MAX_ITEM_LINKS:
        return False
    text = normalise_space(text_of(el))
    if len(text) > _MAX_ITEM_CHARS:
        return False
    if not any(len(link_title_text(a)) >= _MIN_TITLE_CHARS or a.get("title") for a in links):
        return False
    return item_date(el, None) is not None


def _in_side_region(el: Element) -> bool:
    for node in (el, *el.iterancestors()):
        if node.tag in ("nav", "header", "footer", "aside"):
            return True
        for value in (node.get("class"), node.get("id")):
            if value and _NOT_MAIN.search(value):
                return True
    return False


def list_item(el: Element, page_url: str, number: int, warnings: list[str]) -> ListItem | None:
    """The article an item element links to: the link with the longest title, its full
    title (the ``title`` attribute where the text is cut or absent) and the item's date."""
    links = [a for a in el.iter("a") if _is_web_href(a.get("href"))]
    if not links:
        warnings.append(f"item {number}: no link")
        return None
    link = max(links, key=lambda a: len(link_title_text(a)))
    url = resolve_url(page_url, link.get("href"))
    if url is None:
        warnings.append(f"item {number}: link has no http(s) address")
        return None
    title = item_title(link, number, warnings)
    date = item_date(el, title)
    if date is None:
        warnings.append(f"item {number}: no date")
    return ListItem(url=url, title=title, date=date)


def link_title_text(link: Element) -> str:
    """The link's first line that is not only a date: links may hold the date (VSB) or a
    summary after the heading."""
    return next((line for line in text_lines(link) if not _is_date_only(line)), "")


def item_title(link: Element, number: int, warnings: list[str]) -> str | None:
    """The full title: the ``title`` attribute when it is the link text in full (templates
    cut the text with …), else the text. (A ``title`` attribute holding the site's name, as
    some VSB lists have, is not the item's title.)"""
    text = link_title_text(link)
    attribute = normalise_space(link.get("title") or "")
    stem = text.rstrip("…. ")
    if attribute and (not stem or attribute.startswith(stem)):
        return attribute
    if not text:
        warnings.append(f"item {number}: no title")
        return None
    if text.endswith(_CUT_MARKS):
        warnings.append(f"item {number}: link text is cut short and no title attribute holds it")
    return text


def item_date(el: Element, title: str | None) -> str | None:
    """The item's date: a short element holding only a date, else one split across two
    elements (``05`` and ``2024.03``), else a date in the item's text outside the title."""
    year_month = day = None
    for node in el.iter(etree.Element):
        text = normalise_space(text_of(node))
        if not text or len(text) > _MAX_DATE_CHARS or text == title:
            continue
        found = to_iso_date(text)
        if found:
            return found
        if year_month is None and (match := _YEAR_MONTH.match(text)):
            year_month = match.groups()
        elif day is None and (match := _DAY.match(text)):
            day = match.group(1)
    if year_month and day:
        return to_iso_date(f"{year_month[0]}-{year_month[1]}-{day}")
    rest = normalise_space(text_of(el))
    if title:
        rest = rest.replace(title, " ")
    return to_iso_date(rest)


def _is_date_only(line: str) -> bool:
    found = to_iso_date(line)
    return (
        found is not None
        and len(line) <= _MAX_DATE_CHARS
        and not re.search(r"[\u4e00-\u9fff]{3}", line)
    )


def _is_web_href(href: str | None) -> bool:
    return bool(href) and not href.strip().lower().startswith(_NOT_WEB)  # type: ignore[union-attr]


def next_link(root: Element, page_url: str) -> str | None:
    """The next page: a link saying so, else the number after the current page's in the
    pager; None on the last page (also when the link points at the page itself)."""
    for link in root.iter("a"):
        if _says_next(link):
            target = _target(link, page_url)
            if target is not None:
                return None if same_page(target, page_url) else target
    target = _next_by_number(root, page_url)
    if target is None or same_page(target, page_url):
        return None
    return target


def _says_next(link: Element) -> bool:
    text = normalise_space(text_of(link))
    core = text.strip(_NEXT_TRIM).replace(" ", "").lower()
    if core in _NEXT_TEXTS or (text in _NEXT_SYMBOLS):
        return True
    if len(text) > 6 and "页" not in text:
        return False  # 下一篇: <title of the next article>
    parent = link.getparent()
    for holder in (link, parent) if parent is not None else (link,):
        if any(_NEXT_CLASS.search(word) for word in (holder.get("class") or "").split()):
            return True
    return False


def _target(link: Element, page_url: str) -> str | None:
    href = link.get("href")
    return resolve_url(page_url, href) if _is_web_href(href) else None


def _next_by_number(root: Element, page_url: str) -> str | None:
    for pager in _pagers(root):
        current = _current_number(pager)
        if current is None:
            continue
        for link in pager.iter("a"):
            if normalise_space(text_of(link)) == str(current + 1):
                return _target(link, page_url)
    return None


def _pagers(root: Element) -> Iterable[Element]:
    """Elements holding two or more links whose text is a page number."""
    seen: set[Element] = set()
    for link in root.iter("a"):
        if not normalise_space(text_of(link)).isdigit():
            continue
        for pager in (link.getparent(), *link.iterancestors()):
            if pager is None:
                break
            numbered = [a for a in pager.iter("a") if normalise_space(text_of(a)).isdigit()]
            if len(numbered) >= 2:
                if pager not in seen:
                    seen.add(pager)
                    yield pager
                break


def _current_number(pager: Element) -> int | None:
    for el in pager.iter(etree.Element):
        text = normalise_space(text_of(el))
        if not text.isdigit():
            continue
        classes = (el.get("class") or "").split()
        if any(_CURRENT_CLASS.match(word) for word in classes):
            return int(text)
        if el.tag != "a" and not any(True for _ in el.iter("a")) and el is not pager:
            return int(text)  # the one number that is not a link
    return None


def same_page(target: str, page_url: str) -> bool:
    """True when ``target`` is ``page_url`` itself (fragments ignored)."""
    own = resolve_url(page_url, page_url) or page_url
    return urldefrag(target).url == urldefrag(own).url
