"""The body of an article page of no known template: the best-scoring element
(:mod:`archiver.extract.generic_score`), looked for near the article's heading, and what
inside it is not article text (link lists and furniture, the heading and byline lines above
the first paragraph, pager and share lines below the last)."""

from __future__ import annotations

import re

from archiver.extract.generic_byline import date_only, is_byline
from archiver.extract.generic_score import (
    SKIPPED_TAGS,
    Stats,
    candidate,
    holds_prose,
    is_hidden,
    span_of,
)
from archiver.extract.links import ATTACHMENT_EXTENSIONS
from archiver.extract.text import Element, drop_element, element_text, is_chrome_line

# The heading's candidate must be worth this much, and this share of the page's best.
_ANCHOR_MIN = 10.0
_ANCHOR_SHARE = 0.15
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SIGN_OFF_CHARS = 30
_GROW_CHARS = 150
_FURNITURE_TAGS = frozenset({"nav", "aside", "footer", "button", "select"})
# Lines of page furniture that survive inside article containers.
_NAV_LINE = re.compile(
    r"^[【\[]?(?:上一篇|下一篇|上一条|下一条|上篇|下篇|分享到|分享至|扫一扫|返回列表|返回首页|"
    r"返回顶部|打印本页|关闭窗口)"
)
_NAV_LINE_MAX = 80
_MORE_HEADING = re.compile(
    r"^[【\[]?(?:相关(?:新闻|阅读|文章|链接|推荐|报道)|推荐阅读|延伸阅读|热点推荐|猜你喜欢|"
    r"热门推荐|更多阅读)[】\]：:]?$"
)
_PROSE = re.compile(r"[，。；！？]")
_LEAD_LINE_MAX = 120
_LEAD_ELEMENTS = 80
_DATE_LINE_REST = 16


def best_container(
    stats: dict[Element, Stats], within: Element | None = None, after: Element | None = None
) -> Element | None:
    """The candidate with the highest score (the deepest on a tie), optionally only in the
    subtree of ``within`` and reaching past the start of ``after``; None when no element
    holds prose. ``after`` itself and what it holds are never the answer."""
    lo, hi = 0, len(stats) * 4 + 1_000_000
    if within is not None:
        w = stats.get(within)
        if w is None:
            return None
        lo, hi = w.order, w.order + w.size
    skip_lo = skip_hi = -1
    if after is not None:
        skip_lo, skip_hi = span_of(after, stats)
    best, best_score = None, 0.0
    for el, s in stats.items():  # children before parents
        if lo <= s.order < hi and s.order + s.size > skip_hi and s.score > best_score:
            if not candidate(s) or skip_lo <= s.order < skip_hi:
                continue
            if s.order < skip_lo and not holds_prose(s):
                continue  # the heading and a line or two beside it
            best, best_score = el, s.score
    return best


def anchored_container(
    stats: dict[Element, Stats], title: Element, overall: Element | None
) -> Element | None:
    """The best candidate near the article's heading: in the smallest ancestor of
    ``title`` that holds a candidate worth a fair share of ``overall`` (the page's best),
    and not ending before the heading. A page's densest block may be a teaser feed or a
    modal; its heading is where the article is."""
    top = stats[overall].score if overall is not None else 0.0
    floor = max(_ANCHOR_MIN, _ANCHOR_SHARE * top)
    if span_of(title, stats) == (-1, -1):
        return overall
    for ancestor in title.iterancestors():
        if ancestor not in stats:
            continue
        found = best_container(stats, within=ancestor, after=title)
        if found is not None and stats[found].score >= floor:
            return found
    return overall


def grow(body: Element, stats: dict[Element, Stats]) -> Element:
    """``body`` or the ancestor it grows into: short lines just before the best element
    cost a little each but belong with it (a notice's "时间：…" / "地点：…" lines, a lead
    in bold), and so does a short sign-off after it. An ancestor is taken while what it
    adds holds no link, no furniture, no copyright line and no heading (h1–h6), and is
    not more text than the body (or than a few lines)."""
    own = stats[body]
    for parent in body.iterancestors():
        p = stats.get(parent)
        if p is None or not candidate(p) or p.links > own.links or parent.tag in _HEADINGS:
            break
        if p.chars - own.chars > max(own.chars, _GROW_CHARS) or not _adds_lines(
            parent, body, stats
        ):
            break
        body = parent
    return body


def _adds_lines(parent: Element, body: Element, stats: dict[Element, Stats]) -> bool:
    # True when ``parent`` adds to ``body`` (its child or deeper) lines before it, and at
    # most a short sign-off after it, none of them foreign.
    child = next(a for a in (body, *body.iterancestors()) if a.getparent() is parent)
    at = stats[child].order
    before = after = 0
    for sibling in parent:
        s = stats.get(sibling)
        if sibling is child or s is None:
            continue
        if s.closed or s.copyright or s.headline or _holds_heading(sibling):
            return False
        if s.order < at:
            before += s.chars
        else:
            after += s.chars
    return before > 0 and after <= _SIGN_OFF_CHARS


def _holds_heading(el: Element) -> bool:
    return el.tag in _HEADINGS or next(el.iter(*_HEADINGS), None) is not None


def _keep(el: Element) -> bool:
    # Attachment lists are links, and part of the article.
    for a in el.iter("a"):
        href = (a.get("href") or "").split("?", 1)[0].split("#", 1)[0].lower()
        if href.endswith(ATTACHMENT_EXTENSIONS):
            return True
    return False


def furniture(el: Element, s: Stats, body_chars: int) -> bool:
    """True for a region inside the container that is not article text: mostly links
    (a list of headlines, tags, a pager), or named or tagged as page furniture while
    holding little of the container's prose."""
    if s.links and s.links >= 2 * s.chars and s.score < 0:
        return not _keep(el)
    if s.chars * 2 > body_chars:
        return False
    if el.tag in _FURNITURE_TAGS or s.closed:
        return not _keep(el)
    return False


def strip_furniture(body: Element, stats: dict[Element, Stats]) -> None:
    """Remove, in place, the furniture regions below ``body``."""
    own = stats.get(body)
    body_chars = own.chars if own is not None else 0
    doomed: list[Element] = []
    end = -1
    for el in body.iterdescendants():
        if not isinstance(el.tag, str):
            continue
        s = stats.get(el)
        if s is None:  # skipped or hidden
            if el.tag not in ("br", "img") and (el.tag in SKIPPED_TAGS or is_hidden(el)):
                doomed.append(el)
            continue
        if s.order < end:
            continue  # below a doomed element
        if furniture(el, s, body_chars):
            doomed.append(el)
            end = s.order + s.size
    for el in doomed:
        drop_element(el)


def drop_lead(body: Element, stats: dict[Element, Stats], heading: Element | None) -> None:
    """Remove, in place, what precedes the article's first paragraph inside the body: the
    heading and what comes before it, then byline, breadcrumb and widget lines."""
    first_prose = stats[body].first_prose
    if heading is not None and _inside(heading, body) and span_of(heading, stats)[0] < first_prose:
        el = heading
        while el is not body:
            parent = el.getparent()
            if parent is None:
                break
            for sibling in list(el.itersiblings(preceding=True)):
                drop_element(sibling)
            el = parent
        drop_element(heading)
    doomed: list[Element] = []
    end = -1
    for looked, el in enumerate(body.iterdescendants()):
        s = stats.get(el)
        if s is None or s.order < end or s.order + s.size > first_prose:
            continue  # skipped, inside a doomed line, or holding the first paragraph
        if s.order >= first_prose or looked > _LEAD_ELEMENTS:
            break
        text = element_text(el)
        if text and len(text) <= _LEAD_LINE_MAX and _is_lead_line(text):
            doomed.append(el)
            end = s.order + s.size
    for el in doomed:
        drop_element(el)


def _is_lead_line(text: str) -> bool:
    # A byline, a breadcrumb, a widget, or a line that is a date and little else (not a
    # caption that names one, nor a notice's "时间：… 地点：…").
    return (
        is_chrome_line(text)
        or is_byline(text)
        or "当前位置" in text
        or date_only(text, unlabelled=True)
    )


def drop_nav_lines(lines: list[str]) -> list[str]:
    """``lines`` without pager and share lines ("上一篇：…", "分享到") and without a
    "相关新闻" heading followed only by headlines."""
    kept: list[str] = []
    for i, line in enumerate(lines):
        if len(line) <= _NAV_LINE_MAX and _NAV_LINE.match(line):
            continue
        if _MORE_HEADING.match(line) and not any(_PROSE.search(x) for x in lines[i + 1 :]):
            break  # "相关新闻" and the headlines after it
        kept.append(line)
    return kept


def _inside(el: Element, ancestor: Element) -> bool:
    return any(a is ancestor for a in el.iterancestors())


def describe(el: Element) -> str:
    """A short CSS-like name of ``el`` for provenance and warnings."""
    name = str(el.tag)
    if el.get("id"):
        return f"{name}#{el.get('id')}"
    classes = (el.get("class") or "").split()
    return f"{name}.{classes[0]}" if classes else name
