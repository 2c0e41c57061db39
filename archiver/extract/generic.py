"""A generic article extractor for Chinese pages of no known CMS family.

About 40% of university news sites and many bureau pages use templates no family rule
knows (SITES.md §6). :func:`extract_generic` reads such a page with general rules only:

- body: the element whose text scores best as prose against its links and short lines
  (:mod:`archiver.extract.generic_body`), looked for near the article's heading when the
  page declares one; then furniture (link lists, share and related boxes, pagers, print
  and font-size widgets, copyright lines) is removed;
- title: the ``h1``/``h2`` (or title-classed element) that the declared title (gov meta
  ``ArticleTitle``, Founder ENP, ``og:title``, ``<title>``) names, else the heading just
  before the body, else the declared title, else ``<title>`` without its site suffix;
- published: Founder ENP's ``<date>``, the gov meta ``PubDate``/``publishdate``, then the
  byline line between heading and body (``发布时间：…``, ``2024-05-20 10:30 来源：…``),
  then ``article:published_time``. Never a date from the URL, a footer, a "today" widget or
  a sidebar; on UCAP pages (www.gov.cn) the bare ``时间`` is the save time and not read;
- source: the byline's 来源/供稿/发布者/作者 value, else ``ContentSource`` or ENP's
  ``<sourcename>``, else a labelled sign-off line at the end of the body.

Pure: no network, no database; never raises on odd markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from archiver.extract.generic_body import (
    anchored_container,
    best_container,
    describe,
    drop_lead,
    drop_nav_lines,
    grow,
    strip_furniture,
)
from archiver.extract.generic_byline import (
    DATE_LABELS,
    STRONG_DATE_LABELS,
    after_body_lines,
    byline_lines,
    date_from_lines,
    document_date,
    lead_lines,
    source_from_lines,
)
from archiver.extract.generic_meta import (
    DATE_META,
    SOURCE_META,
    WEB_DATE_META,
    Heading,
    heading_before,
    headings,
    matched_heading,
    meta_datetime,
    read_enp,
    read_meta,
    title_hints,
    title_texts,
)
from archiver.extract.generic_score import (
    SKIPPED_TAGS,
    Stats,
    is_hidden,
    score_page,
)
from archiver.extract.layout import page_title
from archiver.extract.text import (
    Element,
    clean_body,
    drop_chrome_lines,
    normalise_space,
    parse_html,
    text_lines,
    text_of,
    to_html,
)

# The web archive's toolbar, present in replays that are not ``id_`` captures.
_WAYBACK_TOOLBAR = re.compile(
    r"<!--\s*BEGIN WAYBACK TOOLBAR INSERT\s*-->.*?<!--\s*END WAYBACK TOOLBAR INSERT\s*-->",
    re.DOTALL | re.IGNORECASE,
)
_SIGN_OFF_LINES = 3
_UCAP = re.compile(r"""id\s*=\s*["']?UCAP-CONTENT""")


@dataclass
class _Reading:
    """What the date and source readers look at: the meta tags, ENP's fields, the byline
    lines (between heading and body, and the body's own before its first paragraph), the
    lines just below the body, and the body's lines."""

    meta: dict[str, str]
    enp: dict[str, str]
    ucap: bool
    byline: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)


@dataclass
class GenericArticle:
    """What :func:`extract_generic` read from a page: each value as the page gives it
    (None when it gives none), where it came from, and what could not be read."""

    title: str | None = None
    published: str | None = None
    body: str = ""
    body_html: str = ""
    source: str | None = None
    body_element: Any = None
    provenance: dict[str, str] = field(default_factory=dict)
    parse_warnings: list[str] = field(default_factory=list)


def extract_generic(html: str, url: str) -> GenericArticle:
    """Read the article of a page of unknown template: title, date, body, source.

    ``url`` is the page's address; it is never read for a value (a date in it is not
    the page's). Never raises: what cannot be read is left None and named in
    ``parse_warnings``.
    """
    html = _WAYBACK_TOOLBAR.sub("", html or "")
    root = _whole_document(parse_html(html))
    meta, enp = read_meta(root), read_enp(html)
    page = _locate(root, meta, enp)
    heading_el = page.heading.element if page.heading is not None else None
    # (The byline is read before the body is cleaned of it.)
    reading = _Reading(meta, enp, ucap=_UCAP.search(html) is not None)
    reading.byline = byline_lines(heading_el, page.heading.text if page.heading else "", page.body)
    article = GenericArticle()
    _read_title(article, page.heading, meta, enp, root, page.site_names)
    if page.body is not None:
        reading.byline += lead_lines(page.body, heading_el)
        reading.after = after_body_lines(page.body)
        reading.body = _read_body(article, page.body, page.stats, heading_el)
    _read_published(article, reading)
    _read_source(article, reading)
    if page.body is None:
        article.parse_warnings.append("body: no element holds prose")
    elif not article.body:
        article.parse_warnings.append(f"body: {describe(page.body)} holds no text")
    return article


@dataclass
class _Located:
    """Where the article is on the page: the scores, the heading, the body element."""

    stats: dict[Element, Stats]
    heading: Heading | None
    body: Element | None
    site_names: list[str]


def _locate(root: Element, meta: dict[str, str], enp: dict[str, str]) -> _Located:
    """The heading the declared title names, the body near it (else the page's best),
    else the heading before the body. The whole document is scored (its head is
    skipped): a page whose markup closes <body> early has its article after it."""
    title_el = root.find(".//title")
    title_text = normalise_space(text_of(title_el)) if title_el is not None else ""
    hints = title_hints(meta, enp, title_text)
    stats, marked, by_text = score_page(root, title_texts(hints))
    site_names = [meta[k] for k in ("sitename", "og:site_name") if meta.get(k)]
    found = headings(marked, site_names, hints, by_text)
    candidates = [h for h in found if _free(h.element, stats)]
    heading = matched_heading(candidates, hints)
    body = best_container(stats)
    if heading is not None:
        body = anchored_container(stats, heading.element, body)
    if body is not None:
        body = grow(body, stats)
    if heading is None:
        heading = heading_before(candidates, body, stats)
    return _Located(stats, heading, body, site_names)


def _free(el: Element, stats: dict[Element, Stats]) -> bool:
    # Not hidden, nor in a share box, a related-articles card or list, a skipped region.
    while el is not None:
        s = stats.get(el)
        if s is not None:
            return not (s.named or s.blocked)
        if el.tag in SKIPPED_TAGS or is_hidden(el):
            return False
        el = el.getparent()
    return False


def _whole_document(root: Element) -> Element:
    """``root`` holding the whole page: markup after a stray ``<html>`` or ``<body>`` tag
    (saved gov.cn pages have them) makes libxml2 start a second root beside the first."""
    for stray in list(root.itersiblings()):
        if isinstance(stray.tag, str):
            root.extend(list(stray))
    return root


def _read_title(
    article: GenericArticle,
    heading: Heading | None,
    meta: dict[str, str],
    enp: dict[str, str],
    root: Element,
    site_names: list[str],
) -> None:
    """The heading's text, else the declared title (ArticleTitle, og:title, ENP), else
    ``<title>`` without its site suffix."""
    if heading is not None:
        article.title = heading.text
        tag = heading.element.tag
        named = tag if tag in ("h1", "h2", "h3") else describe(heading.element)
        article.provenance["title"] = f"generic:{named}"
        return
    for name, rule in (("articletitle", "meta:ArticleTitle"), ("og:title", "meta:og:title")):
        if meta.get(name):
            article.title, article.provenance["title"] = meta[name], f"generic:{rule}"
            return
    if enp.get("title"):
        article.title, article.provenance["title"] = enp["title"], "generic:enpproperty:title"
        return
    fallback = page_title(root, site_names[0] if site_names else None)
    if fallback:
        article.title = fallback
        article.provenance["title"] = "generic:title-element"
        article.parse_warnings.append("title: no heading near the body; took <title>")
    else:
        article.parse_warnings.append("title: no heading, title meta or <title>")


def _read_published(article: GenericArticle, reading: _Reading) -> None:
    """The first date of :func:`_dates`."""
    for value, rule in _dates(reading):
        if value:
            article.published, article.provenance["published"] = value, rule
            return
    article.parse_warnings.append(
        "published: no date in the byline, PubDate/publishdate meta or enpproperty"
    )


def _dates(r: _Reading) -> Iterator[tuple[str | None, str]]:
    """Dates the page gives, most trusted first: ENP's, the gov meta date, the byline,
    a labelled 发布时间 below the body, the Open Graph date. On UCAP pages (www.gov.cn)
    the byline's bare 时间 is when the page was generated (SITES.md §6): only a labelled
    发布日期/成文日期 counts there, then the document's own date, signed at its end."""
    yield meta_datetime(r.enp.get("date")), "generic:enpproperty:date"
    for name in DATE_META:
        yield meta_datetime(r.meta.get(name)), f"generic:meta:{name}"
    labels = STRONG_DATE_LABELS if r.ucap else DATE_LABELS
    yield date_from_lines(r.byline, labels, unlabelled=not r.ucap) or (None, "")
    if r.ucap:
        yield document_date(r.body[-_SIGN_OFF_LINES:]), "generic:document-date"
    below = date_from_lines(r.after, STRONG_DATE_LABELS, unlabelled=False)
    if below is not None:
        yield below[0], below[1].replace("meta-line", "after-body")
    for name in WEB_DATE_META:
        yield meta_datetime(r.meta.get(name)), f"generic:meta:{name}"


def _read_source(article: GenericArticle, r: _Reading) -> None:
    """The byline's value, the declared source, or a sign-off at the end of the body
    ("（供稿：校团委）", SITES.md §6: SUDY pages often name the department only there)."""
    found = source_from_lines(r.byline)
    if found:
        article.source, label = found
        article.provenance["source"] = f"generic:meta-line:{label}"
        return
    for name in SOURCE_META:
        if r.meta.get(name):
            article.source, article.provenance["source"] = r.meta[name], f"generic:meta:{name}"
            return
    if r.enp.get("sourcename"):
        article.source = r.enp["sourcename"]
        article.provenance["source"] = "generic:enpproperty:sourcename"
        return
    found = source_from_lines(r.body[-_SIGN_OFF_LINES:])
    if found:
        article.source, label = found
        article.provenance["source"] = f"generic:body-end:{label}"
        return
    article.parse_warnings.append("source: no 来源/供稿/发布者/作者 byline or ContentSource")


def _read_body(
    article: GenericArticle, body: Element, stats: dict[Element, Stats], heading: Element | None
) -> list[str]:
    """Clean the body in place and fill the body fields; its lines."""
    drop_lead(body, stats, heading)
    strip_furniture(body, stats)
    clean_body(body)
    lines = drop_nav_lines(drop_chrome_lines(text_lines(body)))
    article.body = "\n".join(lines)
    article.body_html = to_html(body)
    article.body_element = body
    if article.body:
        article.provenance["body"] = article.provenance["body_html"] = "generic:text-density"
    return lines
