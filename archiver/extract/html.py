"""Parsing HTML with lxml, and the small primitives every extractor uses on the tree."""

from __future__ import annotations

import re
import threading
from typing import TypeAlias

from lxml import etree

# Plain lxml elements: lxml.html's element classes cost a Python lookup per node visited.
Element: TypeAlias = etree._Element

# ASCII whitespace and NBSP collapse to one space; U+3000 inside a line is kept (names
# like "王　伟" use it). Zero-width characters vanish. (Regexes: str.translate with a
# dict is several times slower.)
_SPACES = re.compile(r"[ \t\n\r\f\v\xa0]+")
# Zero-width characters, and control characters: a page's text never shows them, and on a
# terminal some of them (ESC, CSI) are commands. \x1a (SUB, the DOS end of file) is common
# in text pasted from Word. (\x85, NEL, is a line end, kept with the whitespace.)
_INVISIBLE = re.compile(
    r"[\u200b\u200c\u200d\ufeff\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]"
)
# What str.split() treats as whitespace beyond _SPACES' set (the whitespace characters of
# str.isspace(): \x1c-\x1f \x85 \u1680 \u2000-\u200a \u2028 \u2029 \u202f \u205f \u3000),
# plus the invisible characters of _INVISIBLE. Text holding none of them is normalised by
# split/join, several times faster than the two regexes. (Spelled out: the class [^\S…]
# searches many times slower.)
_NOT_PLAIN = re.compile(
    r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u3000"
    r"\ufeff\ufffe\uffff]"
)
# What lxml refuses to store in a tree's text (it keeps them when it parses them).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# A <title>'s content is text up to </title>: one never closed (or closed after the head)
# takes the whole page for its text, and leaves no body.
_TITLE_OPEN = re.compile(r"<title\b[^>]*>", re.IGNORECASE)
_TITLE_END = re.compile(r"</title\s*>|</head\s*>|<body\b", re.IGNORECASE)

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
    html = _close_title(_XML_DECLARATION.sub("", html, count=1))
    root = None
    if html and not html.isspace():  # (html.strip() would copy the whole page)
        try:
            root = etree.fromstring(html, _parser())
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            root = None
    if root is None:
        root = etree.fromstring("<html><body></body></html>", _parser())
    _adopt_strays(root)
    return root


def _close_title(html: str) -> str:
    """``html`` with a ``<title>`` that runs over the head closed where its text ends."""
    opening = _TITLE_OPEN.search(html)
    if opening is None:
        return html
    end = _TITLE_END.search(html, opening.end())
    if end is not None and end.group()[:3].lower() == "</t":
        return html
    cut = html.find("<", opening.end())
    cut = len(html) if cut < 0 else cut
    return f"{html[:cut]}</title>{html[cut:]}"


def _adopt_strays(root: Element) -> None:
    """Markup after an early ``</html>`` (or a second ``<html>``) makes libxml2 start a second
    root beside the first: XPath's ``//`` finds its elements, ``root.iter()`` does not, and an
    extractor mixing the two fails. Its content joins the end of the first root's body."""
    strays = [el for el in root.itersiblings() if isinstance(el.tag, str)]
    if not strays:
        return
    body = root.find("body")
    target = body if body is not None else root
    for stray in strays:
        for part in list(stray):
            if part.tag == "body":
                if part.text and len(target):
                    append_tail(target[-1], part.text)
                elif part.text:
                    append_text(target, part.text)
                part.text = None
                target.extend(list(part))
            elif part.tag != "head":
                target.append(part)


def text_of(el: Element) -> str:
    """All text inside ``el`` (not its tail), as in the source."""
    if not len(el) and isinstance(el.tag, str):
        return el.text or ""  # no child (a link, a label): itertext() costs more
    return "".join(el.itertext())


def drop_element(el: Element) -> None:
    """Remove ``el`` and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            append_tail(previous, el.tail)
        else:
            append_text(parent, el.tail)
    parent.remove(el)


def append_text(el: Element, text: str) -> None:
    """Add ``text`` to the text of ``el``, before its first child."""
    el.text = xml_text((el.text or "") + text)


def append_tail(el: Element, text: str) -> None:
    """Add ``text`` to the tail of ``el``, the text after it."""
    el.tail = xml_text((el.tail or "") + text)


def xml_text(text: str) -> str:
    """``text`` without the control characters lxml refuses to store in a tree (it keeps
    them when it parses a page: a stray ``\\x1a`` from Word, a ``&#27;``), never visible."""
    return _NOT_XML.sub("", text) if _NOT_XML.search(text) else text


def normalise_space(text: str) -> str:
    """Collapse runs of ASCII whitespace and NBSP to one space; strip (also ``\\u3000``);
    drop zero-width and control characters."""
    # Stripping first changes nothing (the result is stripped anyway, and zero-width
    # characters are not whitespace) and takes the usual leading "　　" out of the test.
    text = text.strip()
    if _NOT_PLAIN.search(text) is None:
        # Only _SPACES' characters separate words here, so split() collapses the same runs.
        return " ".join(text.split())
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def class_xpath(tag: str, name: str) -> str:
    """An XPath step for ``tag`` elements with class token ``name``."""
    return f"{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
