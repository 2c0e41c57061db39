"""The byline around an article's body: gov meta tags, labelled lines, a bare date line.

Shared by the family readers; each decides in which order its template's sources count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archiver.extract.brief import gov_meta
from archiver.extract.dates import find_date_match, to_iso_datetime
from archiver.extract.families.parts import ArticleParts
from archiver.extract.html import Element
from archiver.extract.labels import split_labelled
from archiver.extract.layout import find_heading, page_title
from archiver.extract.sections import find_section_label
from archiver.extract.text import MARK, text_lines

__all__ = ["gov_meta"]

DATE_LABELS = ("发布时间", "发布日期", "日期", "时间")
# Most telling first: 部门 is a department, 发布者 only the account that posted the page.
SOURCE_LABELS = (
    "部门", "来源", "稿件来源", "文章来源", "信息来源", "新闻来源", "发布单位", "供稿单位",
    "供稿", "发布者",
)  # fmt: skip
# Every label a byline may hold, so that no value runs into the next label.
LINE_LABELS = DATE_LABELS + SOURCE_LABELS + (
    "更新时间", "作者", "编辑", "责任编辑", "责编", "审核", "摄影", "撰稿", "通讯员", "记者",
    "浏览量", "阅读量", "浏览次数", "阅读次数", "访问量", "访问次数", "点击数", "点击量", "点击",
    "字号", "打印", "分享到",
)  # fmt: skip

# Bylines sit right above the body, sometimes right below it: only so many lines count, so
# that a sidebar's or footer's 日期/来源 is never read as the article's.
_LINES_BEFORE, _LINES_AFTER = 8, 4
_DATE_LINE_BEFORE = 3
_MAX_DATE_PREFIX = 10  # "时间 ", "[": a date line starts with its date
_LABEL_COLON = re.compile(r"[:：]")

_TRAILING_DATE = re.compile(
    r"\s*[\[(（]?(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?[\])）]?$"
)

# gov meta name (lower-case) -> (parts attribute, provenance)
_META = {
    "articletitle": ("title", "meta:ArticleTitle"),
    "pubdate": ("published", "meta:PubDate"),
    "contentsource": ("source", "meta:ContentSource"),
    "columnname": ("section", "meta:ColumnName"),
}


@dataclass
class MetaLines:
    """The page's text lines outside the body: ``before`` it (nearest first), ``after`` it."""

    before: list[str]
    after: list[str]

    def pairs(self) -> list[tuple[str, str]]:
        """Label/value pairs of these lines, nearest the body first."""
        found: list[tuple[str, str]] = []
        for line in self.before + self.after:
            found.extend(split_labelled(line, LINE_LABELS))
        return found


def meta_lines(root: Element, body_el: Element | None) -> MetaLines:
    """The lines around ``body_el`` (with no body: the page's first lines)."""
    page = root.find("body")
    lines = text_lines(page if page is not None else root, mark=body_el)
    if body_el is None or MARK not in lines:
        return MetaLines(lines[: _LINES_BEFORE * 4], [])
    at = lines.index(MARK)
    return MetaLines(lines[:at][::-1][:_LINES_BEFORE], lines[at + 1 :][:_LINES_AFTER])


def fill_from_meta(parts: ArticleParts, meta: dict[str, str], name: str) -> bool:
    """Fill ``parts`` from the gov meta tag ``name`` (lower-case)."""
    attribute, rule = _META[name]
    value = meta.get(name)
    if attribute == "published":
        value = to_iso_datetime(value)
    return parts.fill(attribute, value, rule)


def fill_published(parts: ArticleParts, pairs: list[tuple[str, str]]) -> bool:
    """The first labelled date (发布时间, 发布日期, 日期, 时间) that holds a date."""
    for label, value in pairs:
        if label in DATE_LABELS and parts.fill(
            "published", to_iso_datetime(value), f"{parts.family}:label:{label}"
        ):
            return True
    return False


def fill_byline(parts: ArticleParts, pairs: list[tuple[str, str]]) -> None:
    """Source (the most telling label present), contributor (供稿) and reviewer (审核)."""
    family = parts.family
    for label in SOURCE_LABELS:
        value = next((v for lab, v in pairs if lab == label and v), None)
        if parts.fill("source", clean_source(value), f"{family}:label:{label}"):
            break
    for label, value in pairs:
        if label == "供稿":
            parts.fill("contributor", value, f"{family}:label:供稿")
        elif label == "审核":
            parts.fill("reviewer", value, f"{family}:label:审核")


def clean_source(value: str | None) -> str | None:
    """A source without the date a template prints right after it, unlabelled
    (``来源：人民日报2024-05-13 08:49``)."""
    if not value:
        return None
    return _TRAILING_DATE.sub("", value).strip() or None


def fill_date_line(parts: ArticleParts, lines: MetaLines) -> bool:
    """A date with no label of another kind before it, on one of the few lines right above
    the body (``<span class="pub-time">2020-10-04 20:30</span> <span>来源：…</span>``)."""
    for line in lines.before[:_DATE_LINE_BEFORE]:
        match = find_date_match(line)
        if match is None:
            continue
        prefix = line[: match.start()]
        if len(prefix) <= _MAX_DATE_PREFIX and not _LABEL_COLON.search(prefix):
            rule = f"{parts.family}:date-line-before-body"
            return parts.fill("published", to_iso_datetime(line[match.start() :]), rule)
    return False


def fill_section(
    parts: ArticleParts, meta: dict[str, str], root: Element, anchor: Element | None
) -> None:
    """The column: the ``ColumnName`` meta tag, else the page's column box or breadcrumb."""
    if fill_from_meta(parts, meta, "columnname"):
        return
    found = find_section_label(root, anchor, exclude=parts.title)
    if found is not None:
        parts.fill("section", found[0], found[1])


def title_from_page(
    parts: ArticleParts, root: Element, body_el: Element | None, meta: dict[str, str], *,
    family: str, tried: str,
) -> None:
    """The title when the family's own sources gave none (``tried`` names them): the heading
    above the date line, else the ``<title>`` with the site's name cut, each with a warning."""
    heading = find_heading(root, body_el, DATE_LABELS)
    if heading is not None:
        parts.fill("title", heading[0], f"{family}:{heading[1]}")
    elif parts.fill("title", page_title(root, meta.get("sitename")), "title-element"):
        parts.warn(f"title: no {tried} or heading; took <title>")
    else:
        parts.warn(f"title: no {tried}, heading or <title>")
