"""Founder 方正 ENP, SITES.md §6 (kepu.gov.cn, gmw.cn …).

The page states its article in a machine-readable comment, read first:
``<!--enpproperty <articleid>…</articleid><date>2023-12-01 14:43:00:0</date><title>…</title>
<nodename>…</nodename><sourcename>…</sourcename>…/enpproperty-->``; the body lies between
``<!--enpcontent-->`` and ``<!--/enpcontent-->`` (sometimes each written twice).
"""

from __future__ import annotations

import html as htmllib
import re

from archiver.extract.dates import to_iso_datetime
from archiver.extract.families.byline import (
    fill_byline,
    fill_from_meta,
    fill_published,
    fill_section,
    gov_meta,
    meta_lines,
    title_from_page,
)
from archiver.extract.families.parts import (
    ArticleParts,
    clear_markers,
    drop_counters,
    find_marker,
    parse_page,
)
from archiver.extract.html import Element, normalise_space
from archiver.extract.layout import find_body_container

FAMILY = "enp"
PROPERTY = "enpproperty"

_PROPERTY = re.compile(r"<!--\s*enpproperty\b(.*?)/enpproperty\s*-->", re.DOTALL | re.IGNORECASE)
_FIELD = re.compile(r"<(\w+)>(.*?)</\1>", re.DOTALL)
_OPEN = re.compile(r"<!--\s*enpcontent\s*-->", re.IGNORECASE)
_CLOSE = re.compile(r"<!--\s*/enpcontent\s*-->", re.IGNORECASE)
_WRAPPER = "data-enpcontent"


def properties(html: str) -> dict[str, str]:
    """The fields of the ``enpproperty`` comment, unescaped; empty ones left out."""
    match = _PROPERTY.search(html)
    if match is None:
        return {}
    found: dict[str, str] = {}
    for name, value in _FIELD.findall(match.group(1)):
        text = normalise_space(htmllib.unescape(value))
        if text and text.lower() != "null" and name.lower() not in found:
            found[name.lower()] = text
    return found


def _wrap_content(html: str) -> str:
    """The ``enpcontent`` region (first opening to last closing comment) wrapped in an
    element, so that it survives parsing."""
    opening = _OPEN.search(html)
    if opening is None:
        return html
    closings = [m for m in _CLOSE.finditer(html, opening.end())]
    if not closings:
        return html
    start, end = opening.end(), closings[-1].start()
    return f'{html[:start]}<div {_WRAPPER}="">{html[start:end]}</div>{html[end:]}'


def read_article(html: str, url: str) -> ArticleParts:
    """The parts of an ENP article page: the ``enpproperty`` comment, then the page."""
    props = properties(html)
    root = parse_page(_wrap_content(html))
    drop_counters(root)
    parts = ArticleParts(FAMILY)
    if not props:
        parts.warn("enpproperty: comment not found or empty")
    meta = gov_meta(root)
    body_el = _body(parts, root)
    clear_markers(root, _WRAPPER, body_el)
    parts.fill("title", props.get("title"), f"{FAMILY}:{PROPERTY}/title")
    parts.fill("published", to_iso_datetime(props.get("date")), f"{FAMILY}:{PROPERTY}/date")
    parts.fill("source", props.get("sourcename"), f"{FAMILY}:{PROPERTY}/sourcename")
    parts.fill("section", props.get("nodename"), f"{FAMILY}:{PROPERTY}/nodename")
    if parts.title is None:
        _title_from_page(parts, root, body_el, meta)
    pairs = meta_lines(root, body_el).pairs()
    if parts.published is None and not fill_from_meta(parts, meta, "pubdate"):
        if not fill_published(parts, pairs):
            parts.warn("published: no enpproperty date, PubDate meta or date label")
    fill_byline(parts, pairs)
    fill_from_meta(parts, meta, "contentsource")
    fill_section(parts, meta, root, body_el)
    return parts


def _body(parts: ArticleParts, root: Element) -> Element | None:
    wrapped = find_marker(root, _WRAPPER)
    if wrapped is not None:
        parts.body_el, parts.provenance["body"] = wrapped, f"{FAMILY}:<!--enpcontent-->"
        return wrapped
    found, rule = find_body_container(root)
    if found is None:
        parts.warn("body: no <!--enpcontent--> region or known container")
        return None
    parts.body_el, parts.provenance["body"] = found, f"{FAMILY}:{rule}"
    parts.warn(f"body: no <!--enpcontent--> region; took {rule}")
    return found


def _title_from_page(
    parts: ArticleParts, root: Element, body_el: Element | None, meta: dict[str, str]
) -> None:
    if fill_from_meta(parts, meta, "articletitle"):
        return
    title_from_page(parts, root, body_el, meta, family=FAMILY, tried="enpproperty title")
