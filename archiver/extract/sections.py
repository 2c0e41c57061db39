"""The column (section) label a page shows: its column title box, else its breadcrumb."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from archiver.extract.text import Element, element_text, normalise_space, text_of

PROVENANCE_COLUMN = "page:column-label"
PROVENANCE_BREADCRUMB = "page:breadcrumb"

# Class/id words that CMS templates give a column title box: col-title, column_title,
# lm-title, lmmc (栏目名称), channel-name, m-title …
_COLUMN_WORD = re.compile(
    r"^(?:col|column|lm|channel|cat|category|m)[-_]?(?:title|tit|name|mc|bt|label)$", re.I
)
# _COLUMN_WORD as one whole word of a class attribute (words split at whitespace, as
# str.split() does): one search instead of a match per word.
_COLUMN_CLASS_WORD = re.compile(
    r"(?<!\S)(?:col|column|lm|channel|cat|category|m)[-_]?(?:title|tit|name|mc|bt|label)(?!\S)",
    re.I,
)
# How far up from the anchor (title or first list item) a column title box may sit, so
# that a sidebar's box titles ("最新新闻") are not taken for the page's own column.
_COLUMN_SCOPE_LEVELS = 3
_MAX_LABEL_CHARS = 20
_BREADCRUMB_TEXT = ("当前位置", "您的位置", "您现在的位置", "现在位置", "所在位置", "当前页面")
_BREADCRUMB_NAME = re.compile("|".join(map(re.escape, _BREADCRUMB_TEXT)))
_BREADCRUMB_WORD = re.compile(r"crumb|position|location|weizhi|dqwz", re.I)
_HOME_LABELS = frozenset({"首页", "网站首页", "主页", "学校首页", "新闻网首页", "返回首页", "home"})
_SIDEBAR_WORD = re.compile(r"(?:^|[\s_-])side", re.I)
_HAS_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}")


def find_section_label(
    root: Element, anchor: Element | None, exclude: str | None = None
) -> tuple[str, str] | None:
    """``(label, provenance)`` of the column the page shows, or None.

    The column title box nearest before ``anchor`` (within a few levels of it) wins; the
    last non-home link of the breadcrumb (当前位置：首页 > 综合新闻) is the fallback.
    ``exclude`` (the article title) is never taken as a label.
    """
    if anchor is not None:
        label = _column_label(anchor)
        if label and label != exclude:
            return label, PROVENANCE_COLUMN
    label = _breadcrumb_label(root, exclude)
    if label:
        return label, PROVENANCE_BREADCRUMB
    return None


def _column_label(anchor: Element) -> str | None:
    scope = anchor
    ancestors: set[Element] = set()  # those of the anchor within the scope
    for _ in range(_COLUMN_SCOPE_LEVELS):
        parent = scope.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        scope = parent
        ancestors.add(scope)
    # The column boxes of the scope before the anchor (its ancestors excluded, as with
    # preceding::), nearest last; walking only the scope keeps this off the whole page.
    boxes: list[Element] = []
    for el in scope.iter(etree.Element):
        if el is anchor:
            break
        # A column box: a word of its class, or its whole id (the id is not split).
        cls, ident = el.get("class"), el.get("id")
        if (
            (cls and _COLUMN_CLASS_WORD.search(cls)) or (ident and _COLUMN_WORD.match(ident))
        ) and el not in ancestors:
            boxes.append(el)
    for el in reversed(boxes):
        if _in_sidebar(el, scope):
            continue
        label = _short_label(el)
        if label:
            return label
    return None


def _in_sidebar(el: Element, scope: Element) -> bool:
    for ancestor in el.iterancestors():
        if ancestor is scope:
            return False
        # Class and id searched apart: "^" at the start of the id stands for the space
        # that would join them.
        cls, ident = ancestor.get("class"), ancestor.get("id")
        if (cls and _SIDEBAR_WORD.search(cls)) or (ident and _SIDEBAR_WORD.search(ident)):
            return True
    return False


def _short_label(el: Element) -> str | None:
    text = element_text(el)
    if not text or len(text) > _MAX_LABEL_CHARS or _HAS_DATE.search(text):
        return None
    return text


def _breadcrumb_label(root: Element, exclude: str | None) -> str | None:
    for container in _breadcrumbs(root):
        labels = [normalise_space(text_of(a)) for a in container.iter("a")]
        labels = [
            label
            for label in labels
            if label and label.lower() not in _HOME_LABELS and label != exclude
        ]
        if labels and len(labels[-1]) <= _MAX_LABEL_CHARS:
            return labels[-1]
    return None


def _breadcrumbs(root: Element) -> Iterator[Element]:
    """Breadcrumb candidates in the order ``//body//*`` lists them: first the containers of
    elements whose own text (a ``text()`` child) names a breadcrumb (当前位置 …), then the
    elements with a breadcrumb class or id.

    Lazy, and walked in Python: the caller stops at the first candidate with a label, and
    the XPath form (``//body//*[text()[contains(., …)]]``) costs several times more. This
    runs on every page without a column box.
    """
    bodies = [b for b in root.iter("body") if next(b.iterancestors("body"), None) is None]
    for body in bodies:
        # One serialisation of all its text tells whether any text node names a breadcrumb;
        # most pages without a column box have none, and skip the walk.
        text = etree.tostring(body, method="text", encoding="unicode", with_tail=False)
        if _BREADCRUMB_NAME.search(text) is None:
            continue
        for el in body.iterdescendants(etree.Element):
            if _own_text_names_breadcrumb(el):
                # The label may sit in its own <span> beside the links.
                container = el if next(el.iter("a"), None) is not None else el.getparent()
                if container is not None:
                    yield container
    for body in bodies:
        for el in body.iterdescendants(etree.Element):
            cls, ident = el.get("class"), el.get("id")
            # No word of the pattern holds a space, so class and id may be searched apart.
            if (cls and _BREADCRUMB_WORD.search(cls)) or (ident and _BREADCRUMB_WORD.search(ident)):
                yield el


def _own_text_names_breadcrumb(el: Element) -> bool:
    # The text() children of an element: its text and the tails of its children (comments
    # included: their tails are text nodes of el). The names are Chinese: ASCII text, as
    # the indents between tags, holds none.
    text = el.text
    if text and not text.isascii() and _BREADCRUMB_NAME.search(text):
        return True
    for child in el:
        tail = child.tail
        if tail and not tail.isascii() and _BREADCRUMB_NAME.search(tail):
            return True
    return False
