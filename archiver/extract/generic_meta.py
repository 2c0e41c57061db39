"""What a page of no known template declares about its article (meta tags, Founder
ENP's ``enpproperty`` comment) and which of its headings is the article's."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from archiver.extract.dates import to_iso_datetime
from archiver.extract.generic_byline import LINE_LABELS
from archiver.extract.generic_score import Stats, span_of
from archiver.extract.labels import has_label
from archiver.extract.text import BLOCK_TAGS, Element, element_text, normalise_space, text_lines

_ENP = re.compile(r"<!--\s*enpproperty(.*?)/enpproperty\s*-->", re.DOTALL | re.IGNORECASE)
_ENP_FIELD = re.compile(r"<(\w+)>(.*?)</\1>", re.DOTALL)
#: Meta names whose content is the publication date, in order of trust.
DATE_META = ("pubdate", "publishdate", "publish_date", "firstpublishedtime")
#: Meta names of the standard web (Open Graph), trusted after the visible byline.
WEB_DATE_META = ("article:published_time", "og:article:published_time")
TITLE_META = ("articletitle", "og:title", "twitter:title")
SOURCE_META = ("contentsource",)
_ISO_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)$")
_BEIJING = timezone(timedelta(hours=8))


def read_meta(root: Element) -> dict[str, str]:
    """``<meta>`` contents by ``name`` or ``property``, lower-cased; the first non-empty
    wins (gov sites spell the names loosely: ``ContentSource``, ``contentSource``)."""
    found: dict[str, str] = {}
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").strip().lower()
        content = normalise_space(el.get("content") or "")  # (no control characters)
        if name and content and name not in found:
            found[name] = content
    return found


def read_enp(html: str) -> dict[str, str]:
    """The fields of Founder ENP's ``<!--enpproperty …/enpproperty-->`` comment."""
    match = _ENP.search(html)
    if match is None:
        return {}
    return {
        name.lower(): normalise_space(value)
        for name, value in _ENP_FIELD.findall(match.group(1))
        if normalise_space(value)
    }


def meta_datetime(value: str | None) -> str | None:
    """A declared date as ISO 8601 at +08:00; an ISO value with another offset is
    converted (``2024-05-13T00:49:00Z`` is ``2024-05-13T08:49+08:00``)."""
    if not value:
        return None
    value = value.strip()
    if _ISO_OFFSET.match(value):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return to_iso_datetime(value)
        local = moment.astimezone(_BEIJING)
        seconds = f":{local.second:02d}" if local.second else ""
        return f"{local:%Y-%m-%dT%H:%M}{seconds}+08:00"
    return to_iso_datetime(value)


# -- the heading --------------------------------------------------------------------------
_TITLE_TOKEN = re.compile(
    r"(?:^|[\s_-])(?:title|tit|bt|biaoti|headline|arti_title|articletitle|newstitle)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)
_HEADING_RANK = {"h1": 4, "h2": 3, "h3": 1}
_CLASS_TITLE_RANK = 2
# Bold or large text, or a plain line that is exactly the declared title.
_STYLED_RANK = 1
_BOLD_TAGS = frozenset({"b", "strong", "font"})
_TITLE_SEPARATOR = re.compile(r"\s*(?:[-|–—_]+|——)\s*")
_NOT_TITLE = re.compile(r"当前位置|您的位置|所在位置|^首页|[:：]$")
_TITLE_MIN, _TITLE_MAX = 2, 150
_BOLD_MIN = 6
_BLOCKS = frozenset({"div", "p", "table", "ul", "ol", "dl", "li", "tr", "td", "section"})


@dataclass(frozen=True, slots=True)
class Heading:
    """An element that may be the article's heading, with its text and rank."""

    element: Element
    text: str
    rank: int


def headings(
    marked: Iterable[Element],
    site_names: Sequence[str] = (),
    hints: Sequence[str] = (),
    by_text: Collection[Element] = (),
) -> list[Heading]:
    """The page's possible headings, in document order, among the ``marked`` elements
    (:func:`~archiver.extract.generic_score.score_page`; ``by_text``: those marked for
    their text): ``h1``–``h3``, elements whose
    class or id names a title, bold or large text, and any text that is exactly one of
    the declared titles ``hints`` (old table layouts style a plain ``<span>``), each
    holding a short line of text that is not a site name. A heading block that also
    holds the byline counts by its first line; a bold or plain line by the widest
    element holding only it."""
    exact = title_texts(hints)
    found: list[Heading] = []
    seen: set[Element] = set()
    for el in marked:
        if el in seen:
            continue
        seen.add(el)
        tag = el.tag
        rank, marked_up = _HEADING_RANK.get(tag, 0), True
        if not rank:
            words = f"{el.get('class') or ''} {el.get('id') or ''}"
            if _TITLE_TOKEN.search(words) and tag not in ("a", "body", "html"):
                rank = _CLASS_TITLE_RANK
            elif tag in _BOLD_TAGS and _emphasised(el):
                rank, marked_up = _STYLED_RANK, False
            elif el in by_text and _squash(element_text(el)) in exact:
                rank, marked_up = _STYLED_RANK, False
            else:
                continue
        heading = _heading(el, rank, marked_up, site_names)
        if heading is not None:
            found.append(heading)
    return found


def title_texts(hints: Sequence[str]) -> frozenset[str]:
    """The declared titles, whitespace removed, long enough to find as a plain line."""
    return frozenset(_squash(hint) for hint in hints if len(_squash(hint)) >= _BOLD_MIN)


def _heading(el: Element, rank: int, marked: bool, site_names: Sequence[str]) -> Heading | None:
    has_blocks = any(child.tag in _BLOCKS for child in el)
    text = _first_line(el) if has_blocks else element_text(el)
    if not (_TITLE_MIN <= len(text) <= _TITLE_MAX) or _NOT_TITLE.search(text):
        return None
    if text in site_names or _links_home(el):
        return None
    if not marked:
        if len(text) < _BOLD_MIN or (el.tail and not el.tail.isspace()):
            return None  # (bold words inside a sentence)
        el = _widest(el)
    return Heading(el, text, rank)


def _emphasised(el: Element) -> bool:
    if el.tag != "font":
        return True
    size = (el.get("size") or "").strip()
    return size.startswith("+") or (size.isdigit() and int(size) >= 4)


def _widest(el: Element) -> Element:
    # <td><span class="STYLE8"><b>标题</b></span></td>: the cell is the heading's element.
    while el.tag not in BLOCK_TAGS:
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "html") or len(parent) != 1:
            break
        if (parent.text and not parent.text.isspace()) or (el.tail and not el.tail.isspace()):
            break
        el = parent
    return el


def _first_line(el: Element) -> str:
    # A title block may hold the byline too ("标题 / 来源：… / 2023-12-01"): its title is
    # the first line that is no labelled value.
    for line in text_lines(el):
        if not has_label(line, LINE_LABELS):
            return line
    return ""


def _links_home(el: Element) -> bool:
    # A site logo: <h1><a href="/">…</a></h1>.
    for a in el.iter("a"):
        href = (a.get("href") or "").strip()
        if href in ("/", "./", "../", "#") or re.match(
            r"^(?:https?://[^/]+)?/?(?:index\.\w+)?$", href
        ):
            return True
    return False


def title_hints(meta: dict[str, str], enp: dict[str, str], title_text: str) -> list[str]:
    """What the page declares its title to be: ENP, ArticleTitle, og:title, ``<title>``
    and the part of ``<title>`` before its first separator."""
    hints = [meta[name] for name in TITLE_META if meta.get(name)]
    if enp.get("title"):
        hints.insert(0, enp["title"])
    if title_text:
        hints.append(title_text)
        head = _TITLE_SEPARATOR.split(title_text, maxsplit=1)[0]
        if head and head != title_text:
            hints.append(head)
    return hints


def _squash(text: str) -> str:
    return "".join(text.split())


def match_strength(text: str, hint: str) -> int:
    """How well a heading's text matches a declared title: 3 the same; 2 the start of
    it before a separator (``<title>``'s site suffix) or the heading cut with "…"; 1 a
    large part of it; 0 no match. A heading longer than the title (the title with its
    byline) matches at most 1."""
    t, h = _squash(text), _squash(hint)
    if not t or not h:
        return 0
    if t == h:
        return 3
    cut = t.rstrip("….")
    if cut != t and len(cut) >= 4 and h.startswith(cut):
        return 2
    shorter, longer = sorted((t, h), key=len)
    if len(shorter) < 4 or shorter not in longer:
        return 0
    if longer.startswith(shorter) and _TITLE_SEPARATOR.match(longer[len(shorter) :]):
        return 2 if shorter == t else 1
    return 1 if len(shorter) * 3 >= len(longer) * 2 else 0


def matched_heading(candidates: Sequence[Heading], hints: Sequence[str]) -> Heading | None:
    """The heading that the declared title names (best match, then rank, then the
    innermost, then the first)."""
    best: tuple[int, int] = (0, 0)
    found = None
    for heading in candidates:
        strength = max((match_strength(heading.text, hint) for hint in hints), default=0)
        if not strength:
            continue
        key = (strength, heading.rank)
        inner = found is not None and key == best and _inside(heading.element, found.element)
        if key > best or inner:
            best, found = key, heading
    return found


def _inside(el: Element, ancestor: Element) -> bool:
    return any(a is ancestor for a in el.iterancestors())


def heading_before(
    candidates: Sequence[Heading], body: Element | None, stats: dict[Element, Stats]
) -> Heading | None:
    """The heading of a page whose declared title names none: the best-ranked heading
    before the body's first text, in the body or in its nearest three ancestors (a
    sidebar's box title further away is not it); else the page's only h1 if it comes
    before the body (or if there is no body)."""
    h1s = [h for h in candidates if h.element.tag == "h1"]
    if body is None:
        return h1s[0] if len(h1s) == 1 else None
    scope = [body, *list(body.iterancestors())[:3]]
    own = stats[body]
    best: Heading | None = None
    for heading in candidates:
        start = span_of(heading.element, stats)[0]
        if start < 0 or start >= own.order + own.size or start > own.first_prose:
            continue  # hidden, after the body, or after its first paragraph
        if not any(a in scope for a in heading.element.iterancestors()):
            continue
        if best is None or heading.rank >= best.rank:
            best = heading
    if best is None and len(h1s) == 1 and 0 <= span_of(h1s[0].element, stats)[0] < own.order:
        best = h1s[0]
    return best
