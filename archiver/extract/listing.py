"""Section list pages of the news site: ``/<section>/index.htm`` (SITES.md §1)."""

from __future__ import annotations

from urllib.parse import urldefrag

from lxml import etree

from archiver.extract.dates import to_iso_date
from archiver.extract.guard import empty_list, never_raises
from archiver.extract.links import resolve_url
from archiver.extract.sections import find_section_label
from archiver.extract.text import Element, class_xpath, element_text, normalise_space, parse_html
from archiver.records import ListItem, ListPage

ITEM_XPATH = "//" + class_xpath("div", "media")
LINK_XPATH = ".//" + class_xpath("h4", "media-heading") + "/a"
DATE_XPATH = ".//" + class_xpath("div", "u-date")
NEXT_XPATH = "//" + class_xpath("a", "Next")
# Compiled once: a list page asks two of them of each of its items.
_ITEMS, _LINKS, _DATES, _NEXT = map(etree.XPath, (ITEM_XPATH, LINK_XPATH, DATE_XPATH, NEXT_XPATH))

_CUT_MARKS = ("…", "...")


@never_raises(empty_list)
def extract_list_page(html: str, url: str) -> ListPage:
    """A :class:`ListPage`: the section label, the items (absolute URLs, full titles,
    dates) and the next page (None on the last page, also when ``a.Next`` points at the
    page itself). Off-site items are kept: the spider decides what to follow."""
    root = parse_html(html)
    page = ListPage(url=url, section=None)
    items = _ITEMS(root)
    if not items:
        page.parse_warnings.append("items: no div.media on page")
    for number, item in enumerate(items, start=1):
        entry = _list_item(item, url, number, page.parse_warnings)
        if entry is not None:
            page.items.append(entry)

    found = find_section_label(root, items[0] if items else None)
    if found is None:
        page.parse_warnings.append("section: no column label or breadcrumb on page")
    else:
        page.section = found[0]
    page.next_url = _next_url(root, url)
    return page


def _list_item(item: Element, page_url: str, number: int, warnings: list[str]) -> ListItem | None:
    links = _LINKS(item)
    if not links:
        warnings.append(f"item {number}: no h4.media-heading > a")
        return None
    link = links[0]
    item_url = resolve_url(page_url, link.get("href"))
    if item_url is None:
        warnings.append(f"item {number}: link has no http(s) address")
        return None
    return ListItem(
        url=item_url,
        title=_item_title(link, number, warnings),
        date=_item_date(item, number, warnings),
    )


def _item_title(link: Element, number: int, warnings: list[str]) -> str | None:
    # The title attribute holds the full title; the link text may be cut short with "…".
    attribute = normalise_space(link.get("title") or "")
    if attribute:
        return attribute
    text = element_text(link)
    if not text:
        warnings.append(f"item {number}: no title")
        return None
    if text.endswith(_CUT_MARKS):
        warnings.append(f"item {number}: link text is cut short and there is no title attribute")
        return None
    return text


def _item_date(item: Element, number: int, warnings: list[str]) -> str | None:
    cells = _DATES(item)
    date = to_iso_date(element_text(cells[0])) if cells else None
    if date is None:
        warnings.append(f"item {number}: no date in div.u-date")
    return date


def _next_url(root: Element, page_url: str) -> str | None:
    for link in _NEXT(root):
        target = resolve_url(page_url, link.get("href"))
        if target is None:
            continue
        # The last page's a.Next may point back at the page itself.
        if urldefrag(target).url == urldefrag(resolve_url(page_url, page_url) or page_url).url:
            return None
        return target
    return None
