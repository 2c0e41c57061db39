"""Bureau pages the news cites (SITES.md §2).

Two families:

- TRS-style government CMS (jw.beijing.gov.cn and most gov sites): the meta tags
  ``ArticleTitle``, ``PubDate``, ``ContentSource`` and the body ``div.TRS_Editor``, with the
  visible labels ``发布日期：`` and ``来源：`` as fallbacks.
- The 2010–2012 campaign site kxfzg.bjedu.gov.cn, gb2312 table layouts: a title cell,
  then a line ``发布时间：2011-04-11  来源：北京市教育工委`` (or ``日期：…``), then the body cell.

Everything is found from labels and meta names, not from positions in the layout.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from archiver.extract.dates import to_iso_datetime
from archiver.extract.guard import empty_brief, never_raises
from archiver.extract.labels import first_value, split_labelled
from archiver.extract.layout import find_body_container, find_heading, page_title
from archiver.extract.text import (
    MARK,
    Element,
    body_lines,
    clean_body,
    normalise_space,
    parse_html,
    text_lines,
    to_html,
)
from archiver.records import Brief

DATE_LABELS = ("发布日期", "发布时间", "日期", "时间")
SOURCE_LABELS = ("信息来源", "稿件来源", "文章来源", "来源")
# Every label such a line may hold, so that no value swallows the next label.
LINE_LABELS = DATE_LABELS + SOURCE_LABELS + (
    "更新时间", "作者", "责任编辑", "编辑", "点击数", "点击", "浏览次数", "阅读次数",
    "访问次数", "字号", "打印",
)  # fmt: skip

# The web archive's toolbar, present in replays that are not ``id_`` captures.
_WAYBACK_TOOLBAR = re.compile(
    r"<!--\s*BEGIN WAYBACK TOOLBAR INSERT\s*-->.*?<!--\s*END WAYBACK TOOLBAR INSERT\s*-->",
    re.DOTALL | re.IGNORECASE,
)


@never_raises(empty_brief)
def extract_brief(html: str, url: str) -> Brief:
    """A :class:`Brief` record from a bureau page (TRS/gov CMS or the 2011 campaign site).

    ``status`` stays ``"live"``: the crawl sets the archive fields. Fills only what the
    page holds; each missing part adds a line to ``parse_warnings``. Never raises.
    """
    root = parse_html(_WAYBACK_TOOLBAR.sub("", html))
    brief = Brief(url=url, site=(urlsplit(url).hostname or ""))
    if brief.site:
        brief.provenance["site"] = "url"
    meta = gov_meta(root)
    body_el, body_from = find_body_container(root)
    pairs = _labelled_lines(root, body_el)

    _read_title(brief, root, meta, body_el)
    _read_published(brief, meta, pairs)
    _read_source(brief, meta, pairs)
    if body_el is None:
        brief.parse_warnings.append("body: no TRS_Editor, known body container or text cell")
    else:
        if body_from.startswith("table:"):
            brief.parse_warnings.append("body: no known body container; took the largest text cell")
        clean_body(body_el)
        brief.body = "\n".join(body_lines(body_el))
        brief.body_html = to_html(body_el)
        if brief.body:
            brief.provenance["body"] = body_from
            brief.provenance["body_html"] = body_from
        else:
            brief.parse_warnings.append(f"body: {body_from} holds no text")
    return brief


def gov_meta(root: Element) -> dict[str, str]:
    """The ``<meta name=… content=…>`` of the page, names lower-cased, first non-empty wins.

    Gov sites spell the names loosely (``ContentSource``, ``contentSource``).
    """
    found: dict[str, str] = {}
    for el in root.iter("meta"):
        name = (el.get("name") or "").strip().lower()
        content = normalise_space(el.get("content") or "")
        if name and content and name not in found:
            found[name] = content
    return found


def _labelled_lines(root: Element, body_el: Element | None) -> list[tuple[str, str]]:
    """Label/value pairs of the page outside the body, nearest to the body first.

    The date and source lines sit just above (sometimes just below) the body; starting
    there keeps a sidebar's or footer's 日期/时间 from being read first.
    """
    page = root.find("body")
    lines = text_lines(page if page is not None else root, mark=body_el)
    if MARK in lines:
        at = lines.index(MARK)
        ordered = list(reversed(lines[:at])) + lines[at + 1 :]
    else:
        ordered = lines
    pairs: list[tuple[str, str]] = []
    for line in ordered:
        pairs.extend(split_labelled(line, LINE_LABELS))
    return pairs


def _read_title(brief: Brief, root: Element, meta: dict[str, str], body_el: Element | None) -> None:
    if meta.get("articletitle"):
        brief.title = meta["articletitle"]
        brief.provenance["title"] = "meta:ArticleTitle"
        return
    heading = find_heading(root, body_el, DATE_LABELS)
    if heading is not None:
        brief.title, brief.provenance["title"] = heading
        return
    fallback = page_title(root, meta.get("sitename"))
    if fallback:
        brief.title = fallback
        brief.provenance["title"] = "title-element"
        brief.parse_warnings.append("title: no ArticleTitle meta or heading; took <title>")
    else:
        brief.parse_warnings.append("title: no ArticleTitle meta, heading or <title>")


def _read_published(brief: Brief, meta: dict[str, str], pairs: list[tuple[str, str]]) -> None:
    published = to_iso_datetime(meta.get("pubdate"))
    if published:
        brief.published = published
        brief.provenance["published"] = "meta:PubDate"
        return
    for label, value in pairs:
        if label in DATE_LABELS:
            published = to_iso_datetime(value)
            if published:
                brief.published = published
                brief.provenance["published"] = f"label:{label}"
                return
    brief.parse_warnings.append("published: no PubDate meta or 发布日期/发布时间/日期 label")


def _read_source(brief: Brief, meta: dict[str, str], pairs: list[tuple[str, str]]) -> None:
    if meta.get("contentsource"):
        brief.source = meta["contentsource"]
        brief.provenance["source"] = "meta:ContentSource"
        return
    found = first_value(pairs, SOURCE_LABELS)
    if found:
        label, brief.source = found
        brief.provenance["source"] = f"label:{label}"
        return
    brief.parse_warnings.append("source: no ContentSource meta or 来源 label")
