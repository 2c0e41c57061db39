"""Finding the parts of pages without a fixed template: the body container, the heading
above a date line, and the ``<title>`` element without its site suffix."""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

from archiver.extract.text import (
    Element,
    class_xpath,
    element_text,
    is_chrome_line,
    normalise_space,
    text_of,
)

# Known body containers of gov and university CMSs, most specific first. A bare
# div#content is left out: on many templates it wraps the whole page.
_BODY_XPATHS = tuple(
    etree.XPath(xpath)
    for xpath in (
        "//" + class_xpath("div", "TRS_Editor"),
        "//*[@id='UCAP-CONTENT']",
        "//*[@id='zoom' or @id='Zoom' or @id='ZOOM' or @id='fontzoom']",
        "//" + class_xpath("*", "v_news_content"),
        "//*[starts-with(@id, 'vsb_content')]",
        "//" + class_xpath("*", "pages_content"),
        "//" + class_xpath("*", "article-content"),
        "//" + class_xpath("*", "article-body"),
        "//td[@id='content' or @id='Content']",
        "//" + class_xpath("td", "content"),
        "//" + class_xpath("td", "zoom"),
    )
)
# A text cell smaller than this is not an article body.
_MIN_BODY_CHARS = 40

_TITLE_MIN, _TITLE_MAX = 4, 120
_NO_TEXT_TAGS = frozenset({"script", "style", "table", "tbody", "tr", "ul", "ol", "select"})
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "b", "strong"})
_TITLE_WORD = re.compile(r"^(?:title|bt|biaoti|art-title|article-title|news-title|tit)$", re.I)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
_FONT_SIZE_STYLE = re.compile(r"font-size\s*:\s*(\d+(?:\.\d+)?)\s*(px|pt)", re.I)
_NOT_TITLE = re.compile(r"当前位置|您的位置|所在位置|[:：]\s*$|^\s*[\d\s:：/年月日.-]+$")
# Separators of a site suffix in <title>: "标题 - 山西省人民政府门户网站", "标题_北京市教育委员会".
_TITLE_SPLIT = re.compile(r"\s+[-|–—]+\s+|\s*[_|]\s*|\s*——\s*")
_TRAILING_SEPARATOR = re.compile(r"[\s_|–—-]+$")
_SITE_WORD = re.compile(r"网|委员会|政府|教育|大学|学院|门户|中心|[部厅局]$")


def find_body_container(root: Element) -> tuple[Element | None, str]:
    """``(element, provenance)`` of the article body: a known container, else the table
    cell with the most text of its own (provenance ``table:largest-text-cell``)."""
    for xpath in _BODY_XPATHS:
        for el in xpath(root):
            if normalise_space(text_of(el)):
                return el, _describe(el)
    cell = _largest_text_cell(root)
    if cell is not None:
        return cell, "table:largest-text-cell"
    return None, ""


def find_heading(
    root: Element, body_el: Element | None, date_labels: Sequence[str]
) -> tuple[str, str] | None:
    """``(title, provenance)`` from the cell nearest before the date line (else before the
    body) that is emphasised (bold, large font, h1–h4, class "title") or whose text the
    ``<title>`` element repeats. None when there is none nearby.

    Only the table (or block) around the date line is searched, so a bold menu item far
    above is never taken for a title.
    """
    date_el = _date_line_element(root, body_el, date_labels)
    limit, where = date_el, "date-line"
    if limit is None:
        limit, where = body_el, "body"
    if limit is None:
        return None
    title_el = root.find(".//title")
    title_text = normalise_space(text_of(title_el)) if title_el is not None else ""
    ancestors = set(limit.iterancestors())
    for scope in _scopes(limit):
        emphasised = repeated = None
        for el in scope.iter():
            if el is limit:
                break
            if el in ancestors or not isinstance(el.tag, str) or el.tag in _NO_TEXT_TAGS:
                continue
            text = element_text(el)
            if not _could_be_title(text):
                continue
            if _is_emphasised(el):
                emphasised = text
            # A page's <title> usually repeats its heading, plus a site suffix.
            if len(text) * 2 >= len(title_text) and text in title_text:
                repeated = text
        if emphasised:
            return emphasised, f"page:heading-before-{where}"
        if repeated:
            return repeated, f"page:title-text-before-{where}"
    return None


def _could_be_title(text: str) -> bool:
    return (
        _TITLE_MIN <= len(text) <= _TITLE_MAX
        and not _NOT_TITLE.search(text)
        and not is_chrome_line(text)
    )


def page_title(root: Element, site_name: str | None = None) -> str | None:
    """The ``<title>`` text without its site suffix (``标题 - 某某网`` → ``标题``)."""
    el = root.find(".//title")
    if el is None:
        return None
    title = normalise_space(text_of(el))
    if site_name and title.endswith(site_name) and len(title) > len(site_name):
        return _TRAILING_SEPARATOR.sub("", title[: -len(site_name)]).strip() or title
    separators = list(_TITLE_SPLIT.finditer(title))
    if separators:
        last = separators[-1]
        head, tail = title[: last.start()].strip(), title[last.end() :]
        # Only a tail that reads like a site name is a suffix.
        if head and _SITE_WORD.search(tail):
            return head
    return title or None


def _describe(el: Element) -> str:
    if el.get("id"):
        return f"{el.tag}#{el.get('id')}"
    classes = (el.get("class") or "").split()
    for name in ("TRS_Editor", "v_news_content", "pages_content", "article-content",
                 "article-body", "content", "zoom"):  # fmt: skip
        if name in classes:
            return f"{el.tag}.{name}"
    return str(el.tag)


def _largest_text_cell(root: Element) -> Element | None:
    best, best_len = None, _MIN_BODY_CHARS - 1
    for td in root.iter("td"):
        size = _own_text_len(td)
        if size > best_len:
            best, best_len = td, size
    return best


def _own_text_len(el: Element) -> int:
    # Text of the cell itself: nested tables are cells of their own, and link text is
    # navigation more often than body.
    total = len(normalise_space(el.text or ""))
    for child in el:
        if isinstance(child.tag, str) and child.tag not in ("table", "a", "script", "style"):
            total += _own_text_len(child)
        total += len(normalise_space(child.tail or ""))
    return total


def _date_line_element(
    root: Element, body_el: Element | None, labels: Sequence[str]
) -> Element | None:
    label_re = re.compile(rf"(?:{'|'.join(labels)})\s*[:：]")
    date_re = re.compile(rf"(?:{'|'.join(labels)})\s*[:：]\s*(?:19|20)\d\d\s*[-/.年]")
    test = " or ".join(f"contains(., '{label}')" for label in labels)
    found = []
    for text in root.xpath(f".//body//text()[{test}]"):  # below root: in its order
        if not label_re.search(text):
            continue
        el = text.getparent()
        # The label may sit in its own <i>/<span>, the date beside it: climb until the
        # element shows both.
        for _ in range(3):
            if el is None or date_re.search(element_text(el)):
                break
            el = el.getparent()
        if el is None or not date_re.search(element_text(el)):
            continue
        if body_el is not None and (el is body_el or body_el in el.iterancestors()):
            continue
        found.append(el)
    if not found:
        return None
    if body_el is not None:
        # The date line nearest before the body; pages list other dates in sidebars.
        order = {el: i for i, el in enumerate(root.iter())}
        body_at = order.get(body_el)
        if body_at is not None:
            before = [el for el in found if order.get(el, body_at) < body_at]
            if before:
                return before[-1]
    return found[0]


def _scopes(limit: Element) -> list[Element]:
    # The table around the date line, then the table around that one; for div layouts,
    # two levels of parents.
    tables = [a for a in limit.iterancestors("table")][:2]
    if tables:
        return tables
    parents = [a for a in limit.iterancestors() if a.tag not in ("body", "html")][:2]
    return parents[-1:] if parents else []


def _is_emphasised(el: Element) -> bool:
    if el.tag in _HEADING_TAGS:
        return True
    if el.tag == "font" and (el.get("size") or "").strip().lstrip("+").isdigit():
        size = (el.get("size") or "").strip()
        if size.startswith("+") or int(size) >= 4:
            return True
    style = el.get("style") or ""
    if _BOLD_STYLE.search(style):
        return True
    size_match = _FONT_SIZE_STYLE.search(style)
    if size_match:
        value, unit = float(size_match.group(1)), size_match.group(2).lower()
        if (unit == "px" and value >= 15) or (unit == "pt" and value >= 12):
            return True
    words = (el.get("class") or "").split() + [el.get("id") or ""]
    return any(_TITLE_WORD.match(word) for word in words)
