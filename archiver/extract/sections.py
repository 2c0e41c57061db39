"""The column (section) label a page shows: its column title box, else its breadcrumb."""

from __future__ import annotations

import re

from archiver.extract.text import Element, element_text, normalise_space, text_of

PROVENANCE_COLUMN = "page:column-label"
PROVENANCE_BREADCRUMB = "page:breadcrumb"

# Class/id words that CMS templates give a column title box: col-title, column_title,
# lm-title, lmmc (栏目名称), channel-name, m-title …
_COLUMN_WORD = re.compile(
    r"^(?:col|column|lm|channel|cat|category|m)[-_]?(?:title|tit|name|mc|bt|label)$", re.I
)
# How far up from the anchor (title or first list item) a column title box may sit, so
# that a sidebar's box titles ("最新新闻") are not taken for the page's own column.
_COLUMN_SCOPE_LEVELS = 3
_MAX_LABEL_CHARS = 20
_BREADCRUMB_TEXT = ("当前位置", "您的位置", "您现在的位置", "现在位置", "所在位置", "当前页面")
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
    for _ in range(_COLUMN_SCOPE_LEVELS):
        parent = scope.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        scope = parent
    # The marked elements of the scope before the anchor (its ancestors excluded, as with
    # preceding::), nearest last; walking only the scope keeps this off the whole page.
    ancestors = set(anchor.iterancestors())
    marked: list[Element] = []
    for el in scope.iter():
        if el is anchor:
            break
        if el in ancestors or not isinstance(el.tag, str):
            continue
        if el.get("class") is not None or el.get("id") is not None:
            marked.append(el)
    for el in reversed(marked):
        if not _is_column_box(el) or _in_sidebar(el, scope):
            continue
        label = _short_label(el)
        if label:
            return label
    return None


def _is_column_box(el: Element) -> bool:
    words = (el.get("class") or "").split()
    words.append(el.get("id") or "")
    return any(_COLUMN_WORD.match(word) for word in words)


def _in_sidebar(el: Element, scope: Element) -> bool:
    for ancestor in el.iterancestors():
        if ancestor is scope:
            return False
        marks = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
        if _SIDEBAR_WORD.search(marks):
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


def _breadcrumbs(root: Element) -> list[Element]:
    found: list[Element] = []
    conditions = " or ".join(f"contains(., '{t}')" for t in _BREADCRUMB_TEXT)
    for el in root.xpath(f"//body//*[text()[{conditions}]]"):
        # The label may sit in its own <span> beside the links.
        container = el if next(iter(el.iter("a")), None) is not None else el.getparent()
        if container is not None:
            found.append(container)
    for el in root.xpath("//body//*[@class or @id]"):
        words = f"{el.get('class') or ''} {el.get('id') or ''}"
        if _BREADCRUMB_WORD.search(words):
            found.append(el)
    return found
