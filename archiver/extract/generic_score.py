"""Scores of the elements of a page of no known template, by text and link density.

One walk over the page, children before parents, scores every element. Each block's own
text (its text and that of its inline descendants) is a unit: worth its characters when it
reads as prose (sentence punctuation, or long), costing a little when it does not
(headings, dates, captions) and a lot per character when it is mostly link text (menus,
headline lists). An element's score is the sum of its units, so the best element holds the
article's paragraphs and as little else as possible: a menu, a sidebar or a footer lowers
the sum, splitting the article loses paragraphs. Regions named like furniture (related,
comment, footer …), a link wrapping blocks (a card) and a list item made of a headline and
its summary (a teaser) hold no candidate and add no worth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from archiver.extract.generic_names import NEVER_FURNITURE, furniture_names
from archiver.extract.text import BLOCK_TAGS, SKIP_TAGS, Element

# Sentence punctuation: prose has it, menus, headings and dates rarely do.
_PUNCT = re.compile(r"[，。；！？、,;!?]")
# (Not visibility:hidden: WeChat articles keep their text so until a script shows it.)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.IGNORECASE)
# Copyright footers and licence lines read like prose; these words give them away.
_LEGAL = re.compile(
    r"ICP[备证]|版权所有|版权声明|公网安备|Copyright|©|\(c\)\s*\d{4}|许可证", re.IGNORECASE
)
_LEGAL_MAX = 300
# What a unit costs, in characters of prose: a short heading or date line nearly cancels.
_UNIT_COST = 8.0
# Each character of link text in a link-dominated unit costs this many of prose.
_LINK_COST = 1.5
# Units without sentence punctuation count only from this length on (a long unpunctuated
# block is still text: a poem, a list of items), and at half their length; a short one
# costs (a date, a caption, a button).
_BARE_MIN = 40
_BARE_WEIGHT = 0.5
# A short cell of a table costs less than a short line: a data table is many of them.
_CELL_COST = 2.0
_CELL_TAGS = frozenset({"td", "th"})
# Link text of at least this length, alone in its block, reads as a headline.
_HEADLINE_MIN = 6
#: Elements whose content is not read: scripts and the like, and navigation regions.
SKIPPED_TAGS = frozenset(SKIP_TAGS) | {"nav", "aside"}
_UNIT_TAGS = frozenset(BLOCK_TAGS)
# Elements scored even when they hold no element: blocks and links.
_OWN_STATS = _UNIT_TAGS | {"a"}
_NO_PROSE = 1 << 60
# Tags that may hold a heading whatever their class: headings, bold and large text.
_MARKED_TAGS = frozenset({"h1", "h2", "h3", "b", "strong", "font"})
# A unit of prose: punctuated, and of at least this many characters.
_PROSE_MIN = 20


@dataclass(slots=True)
class Stats:
    """What an element holds: prose characters, link characters, punctuation, units and
    their summed worth, the inline text not yet given to a block (``inline_*``), its place
    in document order and how many elements its subtree spans."""

    order: int = 0
    size: int = 1
    chars: int = 0
    links: int = 0
    punct: int = 0
    units: int = 0
    score: float = 0.0
    inline_chars: int = 0
    inline_links: int = 0
    inline_punct: int = 0
    legal: bool = False  # its inline text names a copyright or a licence
    copyright: bool = False  # holds a unit that names one
    headline: bool = False  # holds a unit that is one link of a headline's length
    closed: bool = False  # a card, a teaser or furniture: nothing inside is a candidate
    named: bool = False  # closed for its class or id
    first_prose: int = _NO_PROSE  # order of the first element whose own text is prose
    blocked: bool = False  # inside a closed element


def holds_prose(s: Stats) -> bool:
    """True when some unit inside is prose (punctuated, and not a short line)."""
    return s.first_prose != _NO_PROSE


def is_hidden(el: Element) -> bool:
    """True for an element the browser does not show (``display:none``, ``hidden``)."""
    style = el.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    return el.get("hidden") is not None


def unit_weight(chars: int, links: int, punct: int) -> float:
    """The worth of one block's own text: prose counts, links cost."""
    if chars + links == 0:
        return 0.0
    if links > chars:  # a link list, a menu item, a headline
        return -_LINK_COST * links - _UNIT_COST
    if punct:  # prose: the links inside it are words of it (names, terms)
        return chars - _UNIT_COST
    if chars >= _BARE_MIN:
        return chars * _BARE_WEIGHT - _LINK_COST * links - _UNIT_COST
    return -_LINK_COST * links - _UNIT_COST


def score_tree(page: Element) -> dict[Element, Stats]:
    """:class:`Stats` of every visible element of ``page`` (skipped ones are absent)."""
    return score_page(page)[0]


def score_page(
    page: Element, titles: frozenset[str] = frozenset()
) -> tuple[dict[Element, Stats], list[Element], set[Element]]:
    """:func:`score_tree`, and in the same walk the elements that may be the heading, in
    document order: ``h1``–``h3``, ``b``/``strong``/``font``, elements with a class or
    id that may name a title, and elements whose text (or a script's tail inside them)
    is one of ``titles`` (declared titles, whitespace removed; the last item: those
    found so). Sparing a second walk over every element matters: this is the
    extractor's hot path."""
    elements, skipped = visible_elements(page)
    marks = _Marks(titles)
    stats = _score(elements, skipped, frozenset(), marks)
    # Unclosed tags can make a region named like furniture wrap the whole page: such a
    # region is not furniture.
    top = stats.get(elements[0]) if elements else None
    wrappers = frozenset(
        el for el, s in stats.items() if s.named and top is not None and s.chars * 2 > top.chars
    )
    if wrappers:
        stats = _score(elements, skipped, wrappers, None)
    marks.found.reverse()
    return stats, marks.found, marks.by_text


class _Marks:
    """Collects the elements that may be the heading while :func:`_score` walks."""

    __slots__ = ("titles", "firsts", "found", "by_text")

    def __init__(self, titles: frozenset[str]) -> None:
        self.titles = titles
        self.firsts = frozenset(title[0] for title in titles)
        self.found: list[Element] = []
        self.by_text: set[Element] = set()

    def text(self, el: Element, text: str | None) -> None:
        # (The first character is tested first: most texts start like no title.)
        if text and self.titles:
            stripped = text.lstrip()
            if stripped[:1] in self.firsts and "".join(stripped.split()) in self.titles:
                self.found.append(el)
                self.by_text.add(el)

    def names(self, el: Element, cls: str, ident: str) -> None:
        words = f"{cls} {ident}"
        if "it" in words or "IT" in words or "bt" in words or "BT" in words or "ead" in words:
            self.found.append(el)


def visible_elements(page: Element) -> tuple[list[Element], set[Element]]:
    """The elements of ``page`` in document order, without what is inside a skipped or
    hidden one (a fifth of a page: navigation, icons, hidden menus), and the set of
    those skipped."""
    elements: list[Element] = []
    skipped: set[Element] = set()
    walker = etree.iterwalk(page, events=("start",))
    for _event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        elements.append(el)
        if tag in SKIPPED_TAGS or is_hidden(el):
            skipped.add(el)
            walker.skip_subtree()
    return elements, skipped


def _score(
    elements: list[Element],
    skipped: set[Element],
    exempt: frozenset[Element],
    marks: _Marks | None,
) -> dict[Element, Stats]:
    # Children before parents (reverse document order); each element pushes its sums and
    # its tail into its parent, so no element's children are iterated.
    stats: dict[Element, Stats] = {}
    get = stats.get
    memo: dict[tuple[str, str], bool] = {}
    for order in range(len(elements) - 1, -1, -1):
        el = elements[order]
        tag = el.tag
        s = get(el)
        parent = el.getparent()
        if parent is None:
            p = None
        else:
            p = get(parent)
            if p is None:
                p = stats[parent] = Stats()
        if el in skipped:
            if p is not None:
                p.size += 1
                _add_inline(p, el.tail)
                if marks is not None and tag == "script":
                    marks.text(parent, el.tail)  # a title written after a script
            continue
        if marks is not None and tag in _MARKED_TAGS:
            marks.found.append(el)
        if s is None:
            if not len(el) and tag not in _UNIT_TAGS:
                # A leaf of inline text or a link holding only text (most elements): its
                # parent reads it, and it is no candidate, so it gets no stats.
                if p is not None:
                    _read_leaf(el, tag, p, marks)
                continue
            s = stats[el] = Stats()
        s.order = order
        text = el.text
        _add_inline(s, text)
        if marks is not None:
            marks.text(el, text)
        if tag == "a":
            _as_link(s)
        elif tag in _UNIT_TAGS:
            _close_unit(el, s)
        cls, ident = el.get("class"), el.get("id")
        if cls or ident:
            if el not in exempt and tag not in NEVER_FURNITURE:
                key = (cls or "", ident or "")
                verdict = memo.get(key)
                if verdict is None:
                    verdict = memo[key] = furniture_names(*key)
                if verdict:
                    s.closed = s.named = True
            if marks is not None:
                marks.names(el, cls or "", ident or "")
        if p is not None:
            p.size += s.size
            p.chars += s.chars
            p.links += s.links
            p.punct += s.punct
            p.units += s.units
            p.score += s.score if not s.closed else min(s.score, 0.0)
            p.inline_chars += s.inline_chars
            p.inline_links += s.inline_links
            p.inline_punct += s.inline_punct
            p.legal = p.legal or s.legal
            p.copyright = p.copyright or s.copyright
            p.headline = p.headline or s.headline
            if s.first_prose < p.first_prose:
                p.first_prose = s.first_prose
            tail = el.tail
            if tail and not tail.isspace():
                _add_inline(p, tail)
    top = elements[0].getparent() if elements else None
    if top is not None:
        stats.pop(top, None)  # (only pushed into, above the page)
    _block_inside(elements, stats)
    return stats


def _read_leaf(el: Element, tag: str, p: Stats, marks: _Marks | None) -> None:
    p.size += 1
    text = el.text
    if tag == "a":
        if text and not text.isspace():
            size = len(text.strip())
            p.links += size
            p.inline_links += size
    else:
        _add_inline(p, text)
        if marks is not None:
            marks.text(el, text)
            cls, ident = el.get("class"), el.get("id")
            if cls or ident:
                marks.names(el, cls or "", ident or "")
    _add_inline(p, el.tail)


def _add_inline(s: Stats, text: str | None) -> None:
    if not text or text.isspace():
        return
    text = text.strip()
    punct = len(_PUNCT.findall(text))
    chars = len(text)
    s.chars += chars
    s.punct += punct
    s.inline_chars += chars
    s.inline_punct += punct
    if not s.legal and _LEGAL.search(text) is not None:
        s.legal = True


def _close_unit(el: Element, s: Stats) -> None:
    if s.inline_chars or s.inline_links:
        s.units += 1
        weight = unit_weight(s.inline_chars, s.inline_links, s.inline_punct)
        if s.inline_punct and s.inline_chars >= _PROSE_MIN and s.inline_chars >= s.inline_links:
            s.first_prose = s.order
        if s.legal:
            s.copyright = True
        if weight > 0 and s.inline_chars < _LEGAL_MAX and s.legal:
            weight = -_UNIT_COST - s.inline_chars
        elif weight < 0 and not s.inline_links and el.tag in _CELL_TAGS:
            weight = -_CELL_COST  # a cell of a data table: short, and part of the text
        s.score += weight
        if s.inline_links >= _HEADLINE_MIN and s.inline_links > s.inline_chars:
            s.headline = True
    s.inline_chars = s.inline_links = s.inline_punct = 0
    s.legal = False
    if el.tag == "li" and s.headline and s.score > 0:
        # A headline and its summary: an item of a list of other articles.
        s.closed = True


def _as_link(s: Stats) -> None:
    # All text of a link is link text. An inline link is judged with the unit it is part
    # of (words of a paragraph, or an item of a menu); blocks inside a link (a card)
    # lose their worth here.
    total = s.chars + s.links
    if s.units:
        s.score = -_LINK_COST * total - _UNIT_COST * s.units
        s.closed = True
    s.links = total
    s.chars = s.punct = 0
    s.inline_links += s.inline_chars
    s.inline_chars = s.inline_punct = 0


def _block_inside(elements: list[Element], stats: dict[Element, Stats]) -> None:
    # Nothing inside a closed element (a card, a teaser, furniture) is a candidate.
    for el in elements:  # parents before children
        s = stats.get(el)
        if s is None:
            continue
        parent = el.getparent()
        p = stats.get(parent) if parent is not None else None
        if p is not None and (p.blocked or p.closed):
            s.blocked = True


def span_of(el: Element, stats: dict[Element, Stats]) -> tuple[int, int]:
    """The places in document order that ``el`` spans (``start, end``). A leaf has no
    stats of its own: it sits just after the start of its nearest scored ancestor.
    ``(-1, -1)`` for an element in a skipped or hidden region."""
    s = stats.get(el)
    if s is not None:
        return s.order, s.order + s.size
    for ancestor in el.iterancestors():
        a = stats.get(ancestor)
        if a is not None:
            return a.order + 1, a.order + 1
        if ancestor.tag in SKIPPED_TAGS or is_hidden(ancestor):
            break
    return -1, -1


def candidate(s: Stats) -> bool:
    """True for an element that may hold the body (not inside a card, a teaser, furniture
    or a skipped region)."""
    return not s.closed and not s.blocked
