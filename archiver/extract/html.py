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
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\ufeff]")
# What str.split() treats as whitespace beyond _SPACES' set (the whitespace characters of
# str.isspace(): \x1c-\x1f \x85 \u1680 \u2000-\u200a \u2028 \u2029 \u202f \u205f \u3000),
# plus the zero-width characters (\u200b-\u200d, \ufeff). Text holding none of them is
# normalised by split/join, several times faster than the two regexes. (Spelled out:
# the class [^\S…] searches many times slower.)
_NOT_PLAIN = re.compile(r"[\x1c-\x1f\x85\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u3000\ufeff]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)

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
    if html and not html.isspace():  # (html.strip() would copy the whole page)
        try:
            root = etree.fromstring(html, _parser())
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            root = None
    if root is None:
        root = etree.fromstring("<html><body></body></html>", _parser())
    return root


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
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def normalise_space(text: str) -> str:
    """Collapse runs of ASCII whitespace and NBSP to one space; strip (also ``\\u3000``)."""
    # Stripping first changes nothing (the result is stripped anyway, and zero-width
    # characters are not whitespace) and takes the usual leading "　　" out of the test.
    text = text.strip()
    if _NOT_PLAIN.search(text) is None:
        # Only _SPACES' characters separate words here, so split() collapses the same runs.
        return " ".join(text.split())
    return _SPACES.sub(" ", _ZERO_WIDTH.sub("", text)).strip()


def class_xpath(tag: str, name: str) -> str:
    """An XPath step for ``tag`` elements with class token ``name``."""
    return f"{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
