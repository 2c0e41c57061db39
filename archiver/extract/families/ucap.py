"""UCAP 开普云, SITES.md §6 (www.gov.cn): body ``#UCAP-CONTENT``.

A date shown on the page may be when it was generated or saved (a 2007 公报 page shows
``时间 2023-10-23``), so the gov meta tags (``PubDate``, ``firstpublishedtime``) come first,
then the document's own date (``（2007年6月29日…通过）`` at the head of the body), and only
then a date the page shows, with a warning.
"""

from __future__ import annotations

import re

from archiver.extract.dates import to_iso_date, to_iso_datetime
from archiver.extract.families.byline import (
    DATE_LABELS,
    fill_byline,
    fill_date_line,
    fill_from_meta,
    fill_published,
    fill_section,
    gov_meta,
    meta_lines,
)
from archiver.extract.families.parts import ArticleParts, drop_counters, first_with_text, parse_page
from archiver.extract.html import Element, normalise_space, text_of
from archiver.extract.layout import find_heading
from archiver.extract.text import text_lines

FAMILY = "ucap"

# The document's own date: a bracketed line near its head, or a line that is only a date
# (the 落款 at its end).
_OWN_DATE_LINES = 5
_BRACKETED_DATE = re.compile(r"^[（(].*(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_DATE_ONLY = re.compile(r"^(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_TITLE_SUFFIX = re.compile(r"_+")


def read_article(html: str, url: str) -> ArticleParts:
    """The parts of a UCAP page."""
    root = parse_page(html)
    drop_counters(root)
    parts = ArticleParts(FAMILY)
    meta = gov_meta(root)
    body_el = first_with_text([el for el in root.iter() if el.get("id") == "UCAP-CONTENT"])
    if body_el is None:
        parts.warn("body: #UCAP-CONTENT not found")
    else:
        parts.body_el, parts.provenance["body"] = body_el, f"{FAMILY}:#UCAP-CONTENT"
    _title(parts, root, body_el, meta)
    lines = meta_lines(root, body_el)
    pairs = lines.pairs()
    if not (
        fill_from_meta(parts, meta, "pubdate")
        or parts.fill(
            "published",
            to_iso_datetime(meta.get("firstpublishedtime")),
            "meta:firstpublishedtime",
        )
        or _own_date(parts, body_el)
    ):
        if fill_published(parts, pairs) or fill_date_line(parts, lines):
            parts.warn(
                "published: no PubDate/firstpublishedtime meta or document date; "
                "took the date the page shows (may be when it was saved)"
            )
        else:
            parts.warn("published: no PubDate/firstpublishedtime meta or document date")
    fill_from_meta(parts, meta, "contentsource")
    fill_byline(parts, pairs)
    fill_section(parts, meta, root, body_el)
    return parts


def _own_date(parts: ArticleParts, body_el: Element | None) -> bool:
    if body_el is None:
        return False
    lines = text_lines(body_el)
    for line in lines[:_OWN_DATE_LINES]:
        if _BRACKETED_DATE.match(line):
            return parts.fill("published", to_iso_date(line), f"{FAMILY}:document-date")
    for line in reversed(lines[-_OWN_DATE_LINES:]):
        if _DATE_ONLY.match(line):
            return parts.fill("published", to_iso_date(line), f"{FAMILY}:document-date")
    return False


def _title(
    parts: ArticleParts, root: Element, body_el: Element | None, meta: dict[str, str]
) -> None:
    if fill_from_meta(parts, meta, "articletitle"):
        return
    heading = find_heading(root, body_el, DATE_LABELS)
    if heading is not None:
        parts.fill("title", heading[0], f"{FAMILY}:{heading[1]}")
        return
    share = next(
        (d for d in root.iter("div") if "share-title" in (d.get("class") or "").split()), None
    )
    if share is not None and parts.fill(
        "title", "".join(text_lines(share)), f"{FAMILY}:div.share-title"
    ):
        return
    element = root.find(".//title")
    text = normalise_space(text_of(element)) if element is not None else ""
    head = _TITLE_SUFFIX.split(text)[0].strip() if text else ""
    if parts.fill("title", head, "title-element"):
        parts.warn("title: no ArticleTitle meta or heading; took <title> before its first _")
    else:
        parts.warn("title: no ArticleTitle meta, heading or <title>")
