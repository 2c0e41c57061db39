"""HTML to clean plain text: one parse, one walk, one line per block.

Word-pasted bodies (2010–2011) hold namespaced tags such as ``<st1:chsdate>5月6日</st1:chsdate>``
and ``<o:p>``. lxml keeps them as ordinary unknown elements, and the walk below treats every
unknown element as inline, so their text stays in place ("5月6日上午", never "56上午").
"""

from __future__ import annotations

import re
import threading
from typing import TypeAlias

from lxml import etree

# Plain lxml elements: lxml.html's element classes cost a Python lookup per node visited.
Element: TypeAlias = etree._Element

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

# ASCII whitespace and NBSP collapse to one space; U+3000 inside a line is kept (names
# like "王　伟" use it). Zero-width characters vanish. (Regexes: str.translate with a
# dict is several times slower.)
_SPACES = re.compile(r"[ \t\n\r\f\v\xa0]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\ufeff]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)

# (text, the <a href> element it is the text of, or None)
Piece: TypeAlias = tuple[str, "Element | None"]

# Marks where a skipped element stood in the output of text_lines(..., mark=...).
MARK = "\x00"

_local = threading.local()


def _parser() -> etree.HTMLParser:
    # lxml parsers must not be shared between threads. Comments and processing
    # instructions (<!--?xml:namespace …-->, <?xml:namespace …?>) go at parse time,
    # which keeps the text around them joined.
    parser: etree.HTMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(remove_comments=True, remove_pis=True)
        _local.parser = parser
    return parser


def parse_html(html: str) -> Element:
    """Parse a whole page; never raises (an empty page gives an empty ``<html>``)."""
    # lxml refuses str input that starts with an XML declaration naming an encoding.
    html = _XML_DECLARATION.sub("", html, count=1)
    root = None
    if html.strip():
        try:
            root = etree.fromstring(html, _parser())
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            root = None
    if root is None:
        root = etree.fromstring("<html><body></body></html>", _parser())
    return root


def text_of(el: Element) -> str:
    """All text inside ``el`` (not its tail), as in the source."""
    return "".join(el.itertext())


def drop_element(el: Element) -> None:
    """Remove ``el`` and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def normalise_space(text: str) -> str:
    """Collapse runs of ASCII whitespace and NBSP to one space; strip (also ``\\u3000``)."""
    return _SPACES.sub(" ", _ZERO_WIDTH.sub("", text)).strip()


def element_text(el: Element) -> str:
    """The visible text of ``el`` on one line."""
    return normalise_space(" ".join(text_lines(el)))


def class_xpath(tag: str, name: str) -> str:
    """An XPath step for ``tag`` elements with class token ``name``."""
    return f"{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"


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
    unwanted, tool_texts = [], []
    # One pass over the body; XPath contains() over every node costs several times more.
    for el in body.iterdescendants():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        cls, ident = el.get("class"), el.get("id")
        if tag in _SCRIPT_TAGS or ((cls or ident) and _REGION_WORD.search(f"{cls} {ident}")):
            unwanted.append(el)
            continue
        if el.text and _CHROME_ANCHOR.search(el.text):
            tool_texts.append(el)
        if el.tail and _CHROME_ANCHOR.search(el.tail) and el.getparent() is not None:
            tool_texts.append(el.getparent())
    # From each element holding a tool's name (打印, 关闭, 字号 …), climb while the element
    # holds nothing else; the widest such element goes.
    for el in tool_texts:
        widest = None
        while el is not None and el is not body:
            if _has_media(el) or not is_chrome_line(normalise_space(text_of(el))):
                break
            widest, el = el, el.getparent()
        if widest is not None:
            unwanted.append(widest)
    for el in unwanted:
        if not any(ancestor in unwanted for ancestor in el.iterancestors()):
            drop_element(el)


def body_lines(body: Element) -> list[str]:
    """The body's paragraphs, chrome lines dropped."""
    return drop_chrome_lines(text_lines(body))


def drop_chrome_lines(lines: list[str]) -> list[str]:
    """``lines`` without those made only of print/close links or the font-size widget."""
    return [line for line in lines if not is_chrome_line(line)]


def to_html(el: Element) -> str:
    """The HTML of ``el`` itself (not its tail)."""
    html: str = etree.tostring(el, encoding="unicode", method="html", with_tail=False)
    return html


def _has_media(el: Element) -> bool:
    return next(iter(el.iter("img", "video", "table")), None) is not None


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
        if not self._buf:
            return
        if self._track:
            self._cut_pieces()
        line = normalise_space("".join(self._buf))
        self._buf.clear()
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
        tag = el.tag
        if not isinstance(tag, str) or tag in SKIP_TAGS:
            return
        if el is self._mark:
            self.flush()
            self.lines.append(MARK)
            return
        if tag == "br":
            self.flush()
            return
        if tag == "tr":
            self._row(el)
            return
        link = self._track and tag == "a" and self._open is None and bool(el.get("href"))
        if link:
            self._open = (len(self._buf), el)
        block = tag in BLOCK_TAGS
        if block:
            self.flush()
        if el.text:
            self._buf.append(el.text)
        for child in el:
            self.walk(child)
            if child.tail:
                self._buf.append(child.tail)
        if block:
            self.flush()
        if link and self._open is not None:
            self._links.append((self._open[0], len(self._buf), el))
            self._open = None

    def _row(self, tr: Element) -> None:
        # A data row reads as one line of tab-separated cells; a layout row whose cells
        # hold paragraphs reads as those paragraphs.
        self.flush()
        cells: list[list[str]] = []
        for cell in tr:
            if not isinstance(cell.tag, str):
                continue
            sub = _Lines(self._mark, self._track)
            sub.walk(cell)
            sub.flush()
            cells.append(sub.lines)
            self.pieces.extend(sub.pieces)
        if any(len(c) > 1 or MARK in c for c in cells):
            for lines in cells:
                self.lines.extend(lines)
        elif any(cells):
            self.lines.append("\t".join(c[0] if c else "" for c in cells).strip("\t"))
