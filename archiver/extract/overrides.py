"""A site profile's own selectors, applied over what the family's extractor read.

A profile may name a CSS selector per field (``title``, ``published``, ``department``,
``body``) for a site whose template differs from its family's. Each selector that matches
replaces the field, and the field's provenance says ``profile:<selector>``; one that matches
nothing leaves the family's value and adds a warning (the archivist learns the site changed).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from cssselect import GenericTranslator, SelectorError
from lxml import etree

from archiver.extract.dates import to_iso_datetime
from archiver.extract.html import Element, parse_html
from archiver.extract.text import clean_body, element_text, text_lines, to_html
from archiver.records import Brief, News

#: The fields a profile may override, and whether the field is a date.
FIELDS = ("title", "published", "department", "body")


class SelectorProblem(ValueError):
    """A selector that is not valid CSS; the message is one line."""


@lru_cache(maxsize=256)
def compile_selector(css: str) -> etree.XPath:
    """The XPath of a CSS selector; :class:`SelectorProblem` when it is not valid CSS."""
    try:
        return etree.XPath(GenericTranslator().css_to_xpath(css))
    except (SelectorError, etree.XPathSyntaxError) as exc:
        raise SelectorProblem(f"{css!r} is not a CSS selector: {exc}") from None


def apply_selectors(html: str, record: News | Brief, selectors: Mapping[str, str]) -> None:
    """Read each field of ``selectors`` from ``html`` into ``record`` (in place)."""
    if not selectors:
        return
    root: Element = parse_html(html)
    for name in FIELDS:
        css = selectors.get(name)
        if not css:
            continue
        found = compile_selector(css)(root)
        element = found[0] if found and isinstance(found[0], etree._Element) else None
        if element is None:
            record.parse_warnings.append(f"{name}: profile selector {css} matched nothing")
            continue
        if _read(name, element, record):
            record.provenance[name] = f"profile:{css}"
        else:
            record.parse_warnings.append(f"{name}: profile selector {css} matched no value")


def _read(name: str, element: Element, record: News | Brief) -> bool:
    if name == "body":
        clean_body(element)
        lines = text_lines(element)
        if not lines:
            return False
        record.body = "\n".join(lines)
        record.body_html = to_html(element)
        return True
    text = element_text(element)
    if name == "published":
        value = to_iso_datetime(text)
        if value is None:
            return False
        record.published = value
        return True
    if not text:
        return False
    if name == "title":
        record.title = text
    elif isinstance(record, News):
        record.department = text
    else:
        record.source = text
    return True
