"""HTML to clean plain text: one parse, one walk, one line per block.

Word-pasted bodies (2010–2011) hold namespaced tags such as ``<st1:chsdate>5月6日</st1:chsdate>``
and ``<o:p>``. lxml keeps them as ordinary unknown elements, and the walk below treats every
unknown element as inline, so their text stays in place ("5月6日上午", never "56上午").
"""

from __future__ import annotations

import re
from typing import TypeAlias

from lxml import etree

from archiver.extract.html import (
    Element,
    class_xpath,
    drop_element,
    normalise_space,
    parse_html,
    text_of,
)

__all__ = [
    "BLOCK_TAGS", "MARK", "SKIP_TAGS", "Element", "Piece", "body_lines", "class_xpath",
    "clean_body", "drop_chrome_lines", "drop_element", "element_text", "is_chrome_line",
    "lines_and_pieces", "normalise_space", "parse_html", "text_lines", "text_of", "to_html",
]  # fmt: skip

# Elements that end a line before and after them.
BLOCK_TAGS = frozenset(
    """address article aside blockquote body caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li
    main menu nav ol p pre section summary table tbody td tfoot th thead tr ul""".split()
)
# Elements whose content is never text a reader sees.
SKIP_TAGS = frozenset(
    """script style noscript template iframe object embed select textarea button input head
    title svg canvas""".split()
)
# Removed from a body before it is kept as HTML too.
_SCRIPT_TAGS = ("script", "style", "noscript", "template")

# A line made only of page furniture: 【打印本页】【关闭窗口】, 字号大小：大 中 小, 返回顶部 ...
_CHROME_TOKEN = (
    r"(?:打印本页|打印此页|打印本文|打印|关闭窗口|关闭本页|关闭|返回顶部|返回|收藏本页|收藏|"
    r"字号|字体|大|中|小|默认|分享到)"
)
_CHROME_LINE = re.compile(
    # Separators only after a token, so that no text can be matched two ways.
    rf"(?:[【\[（(]*{_CHROME_TOKEN}[\s】\]）):：|·/]*)+"
)
_CHROME_WORDS = ("打印", "关闭", "返回顶部", "收藏本页", "字号", "字体")
_CHROME_ANCHOR = re.compile("|".join(_CHROME_WORDS))
# class/id words of page regions that never belong to an article body.
_REGION_WORD = re.compile(r"footer|sidebar|share", re.IGNORECASE)

# (text, the <a href> element it is the text of, or None)
Piece: TypeAlias = tuple[str, "Element | None"]

# Marks where a skipped element stood in the output of text_lines(..., mark=...).
MARK = "\x00"

def element_text(el: Element) -> str:
    """The visible text of ``el`` on one line."""
    text = _flat_text(el)
    if text is None:
        text = " ".join(text_lines(el))
    return normalise_space(text)


def _flat_text(el: Element) -> str | None:
    """The one line the walk gives ``el`` (before spaces are normalised) when ``el`` holds
    only childless inline or skipped elements, as titles, labels and meta lines do; None
    otherwise. Reading them directly spares building a walker for a few nodes."""
    if _KIND.get(el.tag, _INLINE) not in (_INLINE, _BLOCK, _LINK):
        return None
    chunks = [el.text or ""]
    for child in el:
        kind = _KIND.get(child.tag, _INLINE)
        if len(child) or kind not in (_INLINE, _LINK, _SKIP):
            return None
        if kind != _SKIP and child.text:
            chunks.append(child.text)
        if child.tail:
            chunks.append(child.tail)
    return "".join(chunks)


def text_lines(el: Element, *, mark: Element | None = None) -> list[str]:
    """The text of ``el``, one stripped line per block, empty lines dropped.

    ``mark``: that element's content is left out and a :data:`MARK` line stands in its
    place (so a caller can tell the text before an element from the text after it).
    """
    collector = _Lines(mark, pieces=False)
    collector.walk(el)
    collector.flush()
    return collector.lines


def lines_and_pieces(el: Element) -> tuple[list[str], list[Piece]]:
    """:func:`text_lines` of ``el``, plus the pieces that may cite a page, in order.

    A piece is ``(text, link)``: the text of an ``<a href>`` with that element, or a run
    of text outside links that holds "://". One walk serves both the body text and the
    citation search, which matters on the hot path.
    """
    collector = _Lines(None, pieces=True)
    collector.walk(el)
    collector.flush()
    return collector.lines, collector.pieces


def is_chrome_line(line: str) -> bool:
    """True for a line made only of print/close links and the font-size widget."""
    return bool(_CHROME_ANCHOR.search(line)) and _CHROME_LINE.fullmatch(line) is not None


def clean_body(body: Element) -> None:
    """Remove, in place, what is not article content: scripts and styles, footer, sidebar
    and share regions, print/close links and the font-size widget."""
    unwanted: list[Element] = []
    tool_texts: list[Element] = []
    # Most bodies name no tool at all: one search of all their text (serialised in C)
    # spares a search of every text and tail. Any text or tail naming one is in there.
    all_text = etree.tostring(body, method="text", encoding="unicode", with_tail=False)
    find_tools = _CHROME_ANCHOR.search(all_text) is not None
    # One pass over the body; XPath contains() over every node costs several times more.
    for el in body.iterdescendants(etree.Element):
        # No region word holds a space, so class and id may be searched apart.
        cls, ident = el.get("class"), el.get("id")
        if (
            el.tag in _SCRIPT_TAGS
            or (cls and _REGION_WORD.search(cls))
            or (ident and _REGION_WORD.search(ident))
        ):
            unwanted.append(el)
            continue
        if find_tools:
            # (Tool names are Chinese: ASCII text, as the indents between tags, has none.)
            text, tail = el.text, el.tail
            if text and not text.isascii() and _CHROME_ANCHOR.search(text):
                tool_texts.append(el)
            if tail and not tail.isascii() and _CHROME_ANCHOR.search(tail):
                if el.getparent() is not None:
                    tool_texts.append(el.getparent())
    # From each element holding a tool's name (打印, 关闭, 字号 …), climb while the element
    # holds nothing else; the widest such element goes. Tools often share a parent
    # (【打印本页】【关闭窗口】): each element is judged once.
    only_chrome: dict[Element, bool] = {}
    for el in tool_texts:
        widest = None
        while el is not None and el is not body:
            verdict = only_chrome.get(el)
            if verdict is None:
                verdict = _only_chrome(el)
                only_chrome[el] = verdict
            if not verdict:
                break
            widest, el = el, el.getparent()
        if widest is not None:
            unwanted.append(widest)
    dropping = set(unwanted)
    for el in unwanted:
        if not _inside(el, dropping, body):
            drop_element(el)


def _inside(el: Element, dropping: set[Element], body: Element) -> bool:
    """True when an ancestor of ``el`` is being dropped (all those are below ``body``)."""
    for ancestor in el.iterancestors():
        if ancestor is body:
            return False
        if ancestor in dropping:
            return True
    return False


def body_lines(body: Element) -> list[str]:
    """The body's paragraphs, chrome lines dropped."""
    return drop_chrome_lines(text_lines(body))


def drop_chrome_lines(lines: list[str]) -> list[str]:
    """``lines`` without those made only of print/close links or the font-size widget."""
    # Most texts name no tool at all: one search of them all spares one per line (no tool
    # word holds a newline, so none is found across two lines).
    if _CHROME_ANCHOR.search("\n".join(lines)) is None:
        return list(lines)
    return [line for line in lines if not is_chrome_line(line)]


def to_html(el: Element) -> str:
    """The HTML of ``el`` itself (not its tail)."""
    html: str = etree.tostring(el, encoding="unicode", method="html", with_tail=False)
    return html


_MEDIA_TAGS = ("img", "video", "table")


def _only_chrome(el: Element) -> bool:
    """True when ``el`` holds no media and its text is only print/close links or the
    font-size widget."""
    if not len(el):  # a leaf (most tools are one <a>): its own tag tells
        return el.tag not in _MEDIA_TAGS and is_chrome_line(normalise_space(text_of(el)))
    return not _has_media(el) and is_chrome_line(normalise_space(text_of(el)))


def _has_media(el: Element) -> bool:
    return next(iter(el.iter(*_MEDIA_TAGS)), None) is not None


# How the walk treats an element, by tag; any other tag is inline. Comments, processing
# instructions and entities have these lxml factories as their tag and are skipped. One
# dict lookup per element replaces a chain of tests on the hot path.
_INLINE, _BLOCK, _SKIP, _BREAK, _ROW, _LINK = range(6)
_KIND: dict[object, int] = {
    **dict.fromkeys(BLOCK_TAGS, _BLOCK),
    **dict.fromkeys(SKIP_TAGS, _SKIP),
    "br": _BREAK,
    "tr": _ROW,
    "a": _LINK,
    etree.Comment: _SKIP,
    etree.ProcessingInstruction: _SKIP,
    etree.Entity: _SKIP,
}


class _Lines:
    """Collects text into lines while walking a tree, and optionally the link pieces."""

    def __init__(self, mark: Element | None, pieces: bool) -> None:
        self.lines: list[str] = []
        self.pieces: list[Piece] = []
        self._track = pieces
        self._buf: list[str] = []
        self._mark = mark
        # Spans of self._buf that are link text: closed ones, and the link being walked.
        self._links: list[tuple[int, int, Element]] = []
        self._open: tuple[int, Element] | None = None

    def flush(self) -> None:
        buf = self._buf
        if not buf:
            return
        text = "".join(buf)
        if self._track:
            if self._links or self._open is not None:
                self._cut_pieces()
            elif "://" in text:  # no link on this line: the whole line is one text piece
                self.pieces.append((text, None))
        buf.clear()
        # Half the lines between blocks are the source's newlines and indents alone.
        if not text.isspace():
            line = normalise_space(text)
            if line:
                self.lines.append(line)

    def _cut_pieces(self) -> None:
        links = self._links
        if self._open is not None:
            # A line break inside a link: its text so far is one piece, the rest another.
            links.append((self._open[0], len(self._buf), self._open[1]))
            self._open = (0, self._open[1])
        done = 0
        for start, end, link in links:
            self._text_piece(self._buf[done:start])
            self.pieces.append(("".join(self._buf[start:end]), link))
            done = end
        self._text_piece(self._buf[done:])
        links.clear()

    def _text_piece(self, chunks: list[str]) -> None:
        text = "".join(chunks)
        if "://" in text:
            self.pieces.append((text, None))

    def walk(self, el: Element) -> None:
        kind = _KIND.get(el.tag, _INLINE)
        if kind == _SKIP:
            return
        if el is self._mark:
            self.flush()
            self.lines.append(MARK)
            return
        if kind == _BREAK:
            self.flush()
            return
        if kind == _ROW:
            self._row(el)
            return
        buf = self._buf
        link = kind == _LINK and self._track and self._open is None and bool(el.get("href"))
        if link:
            self._open = (len(buf), el)
        # (flush() does nothing on an empty line; the test here saves the call.)
        if kind == _BLOCK and buf:
            self.flush()
        text = el.text
        if text:
            buf.append(text)
        mark = self._mark
        for child in el:
            if not len(child) and child is not mark and _KIND.get(child.tag) is None:
                # A childless inline element (a span of text, an empty <o:p>): its text is
                # all the walk would take from it; spare the call.
                text = child.text
                if text:
                    buf.append(text)
            else:
                self.walk(child)
            tail = child.tail
            if tail:
                buf.append(tail)
        if kind == _BLOCK and buf:
            self.flush()
        if link and self._open is not None:
            self._links.append((self._open[0], len(buf), el))
            self._open = None

    def _row(self, tr: Element) -> None:
        # A data row reads as one line of tab-separated cells; a layout row whose cells
        # hold paragraphs reads as those paragraphs.
        self.flush()
        cells: list[list[str]] = []
        layout = False
        for cell in tr:
            if not isinstance(cell.tag, str):
                continue
            sub = _Lines(self._mark, self._track)
            sub.walk(cell)
            sub.flush()
            lines = sub.lines
            cells.append(lines)
            if sub.pieces:
                self.pieces.extend(sub.pieces)
            if len(lines) > 1 or MARK in lines:
                layout = True
        if layout:
            for lines in cells:
                self.lines.extend(lines)
        elif any(cells):
            self.lines.append("\t".join([c[0] if c else "" for c in cells]).strip("\t"))
