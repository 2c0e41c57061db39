"""What every family's article reader fills, and the record built from it.

A family module reads the parts of an article its template holds (title, date, byline, the
body element) into :class:`ArticleParts`, naming the rule behind each value; the body's text,
HTML, images, attachments and citations are then read the same way for every family, and
the parts become a :class:`~archiver.records.News` or a :class:`~archiver.records.Brief`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from archiver.extract.html import Element, append_tail, append_text, drop_element, parse_html
from archiver.extract.labels import split_labelled
from archiver.extract.links import citations_from_pieces, find_attachments, find_images, url_host
from archiver.extract.text import (
    clean_body,
    drop_chrome_lines,
    lines_and_pieces,
    normalise_space,
    to_html,
)
from archiver.records import Brief, News

_EARLY_END = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)

CHALLENGE_WARNING = "page: an anti-bot gateway's JavaScript challenge, not an article"

# A counter the browser fills in (VSB's _showDynClicks span, SUDY's WP_VisitCount): its
# number is never content, and would make an unchanged page look changed.
_COUNTER_ID = re.compile(r"^dynclicks", re.IGNORECASE)
_COUNTER_CLASS = re.compile(r"(?<!\S)WP_VisitCount(?!\S)")

# The last lines of a body may sign it off: （党委宣传部）, 供稿：化学学院 审核：张三.
_SIGNOFF_LINES = 3
_SIGNOFF_LABELS = (
    "来源", "供稿单位", "撰稿单位", "供稿", "审核", "撰稿", "摄影", "编辑", "责任编辑",
    "责编", "初审", "复审", "终审", "审稿", "作者", "通讯员", "记者",
)  # fmt: skip
_SIGNOFF_DEPARTMENT = ("来源", "供稿单位", "撰稿单位", "供稿")
_BRACKETED = re.compile(r"^[（(【\[]\s*(.+?)\s*[）)】\]]$")
_DEPARTMENT_NAME = re.compile(
    r"^[\u4e00-\u9fff（）()·、]{2,24}(?:部|处|院|系|办|办公室|中心|委员会|委|馆|室|所|团委|工会|学院|研究院)$"
)


@dataclass
class ArticleParts:
    """An article as a family reads it, before it becomes a record.

    ``source`` is the byline's source: the department on a university site (News'
    ``department``), the outlet on a bureau page (Brief's ``source``). ``provenance`` is keyed
    by these attribute names.
    """

    family: str
    title: str | None = None
    published: str | None = None
    source: str | None = None
    contributor: str | None = None
    reviewer: str | None = None
    section: str | None = None
    body_el: Element | None = None
    extra_attachments: list[str] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)
    parse_warnings: list[str] = field(default_factory=list)

    def fill(self, name: str, value: str | None, rule: str) -> bool:
        """Set ``name`` from ``rule`` unless it is already set or ``value`` is empty."""
        if not value or getattr(self, name) is not None:
            return False
        setattr(self, name, value)
        self.provenance[name] = rule
        return True

    def warn(self, message: str) -> None:
        """Note what the family's template should have held but did not."""
        self.parse_warnings.append(message)


def parse_page(html: str) -> Element:
    """:func:`parse_html` of a page as a server sends it: a leading BOM is no content, and
    an ``</html>`` or ``</body>`` before the end (server-side includes leave them mid-page)
    does not end the page: libxml2 drops everything after it."""
    return parse_html(_EARLY_END.sub("", html.removeprefix("\ufeff")))


def drop_counters(root: Element) -> None:
    """Remove the click and visit counts a browser fills in, and their scripts' spans."""
    doomed = [
        el
        for el in root.iter("span", "em", "font", "b", "i")
        if _COUNTER_ID.match(el.get("id") or el.get("name") or "")
        or _COUNTER_CLASS.search(el.get("class") or "")
    ]
    for el in doomed:
        drop_element(el)


def wrap_comment_region(html: str, pattern: re.Pattern[str], attribute: str) -> str:
    """``html`` with the first region ``pattern`` matches (its group 1) wrapped in a
    ``<div attribute="">``, so that the region survives parsing as an element."""
    match = pattern.search(html)
    if match is None:
        return html
    start, end = match.span(1)
    return f'{html[:start]}<div {attribute}="">{html[start:end]}</div>{html[end:]}'


def find_marker(root: Element, attribute: str) -> Element | None:
    """The element :func:`wrap_comment_region` made, if it holds text."""
    for el in root.iter("div"):
        if el.get(attribute) is not None:
            return el if normalise_space("".join(el.itertext())) else None
    return None


def clear_markers(root: Element, attribute: str, body_el: Element | None) -> None:
    """Undo :func:`wrap_comment_region`: the wrapper chosen as the body loses its marking
    attribute (it reads as a plain ``<div>``), any other goes, its content kept in place."""
    for el in [el for el in root.iter("div") if el.get(attribute) is not None]:
        if body_el is not None and el is body_el:
            del body_el.attrib[attribute]
        else:
            _drop_tag(el)


def _drop_tag(el: Element) -> None:
    """Remove ``el`` but keep its text and children where they were."""
    parent = el.getparent()
    if parent is None:
        return
    children = list(el)
    previous = el.getprevious()
    if el.text:
        if previous is not None:
            append_tail(previous, el.text)
        else:
            append_text(parent, el.text)
    at = parent.index(el)
    for offset, child in enumerate(children):
        parent.insert(at + offset, child)
    if el.tail:
        last = children[-1] if children else previous
        if last is not None:
            append_tail(last, el.tail)
        else:
            append_text(parent, el.tail)
    parent.remove(el)


def first_with_text(elements: Sequence[Element]) -> Element | None:
    """The first element holding any text."""
    for el in elements:
        if normalise_space("".join(el.itertext())):
            return el
    return None


def to_news(parts: ArticleParts, url: str, cited_hosts: Sequence[str]) -> News:
    """A :class:`News` record from ``parts``: the body read, the byline's source as the
    department (from the body's sign-off when the page names it nowhere else)."""
    news = News(url=url, site=url_host(url))
    if news.site:
        news.provenance["site"] = "url"
    read_signoff(parts, _read_body(news, parts, url, cited_hosts))
    for name, target in (
        ("title", "title"),
        ("published", "published"),
        ("source", "department"),
        ("contributor", "contributor"),
        ("reviewer", "reviewer"),
    ):
        value = getattr(parts, name)
        if value:
            setattr(news, target, value)
            news.provenance[target] = parts.provenance[name]
    if parts.section:
        news.sections = [parts.section]
        news.provenance["sections"] = parts.provenance["section"]
    news.parse_warnings = parts.parse_warnings + news.parse_warnings
    return news


def to_brief(parts: ArticleParts, url: str) -> Brief:
    """A :class:`Brief` record from ``parts`` (``status`` stays ``live``)."""
    brief = Brief(url=url, site=url_host(url))
    if brief.site:
        brief.provenance["site"] = "url"
    scratch = News(url=url, site=brief.site)
    _read_body(scratch, parts, url, ())
    for name in ("title", "published", "source"):
        value = getattr(parts, name)
        if value:
            setattr(brief, name, value)
            brief.provenance[name] = parts.provenance[name]
    brief.body, brief.body_html = scratch.body, scratch.body_html
    for name in ("body", "body_html"):
        if name in scratch.provenance:
            brief.provenance[name] = scratch.provenance[name]
    brief.parse_warnings = parts.parse_warnings + scratch.parse_warnings
    return brief


_BRIEF_FIELDS = ("title", "published", "source", "body")


def fill_brief_gaps(brief: Brief, other: Brief) -> Brief:
    """``brief`` with each field it left empty (title, published, source, body) taken from
    ``other``, with its provenance; ``brief``'s warning about that field goes."""
    for name in _BRIEF_FIELDS:
        if getattr(brief, name) or not getattr(other, name):
            continue
        for taken in ("body", "body_html") if name == "body" else (name,):
            setattr(brief, taken, getattr(other, taken))
            if taken in other.provenance:
                brief.provenance[taken] = other.provenance[taken]
        brief.parse_warnings = [w for w in brief.parse_warnings if not w.startswith(f"{name}:")]
    return brief


def _read_body(news: News, parts: ArticleParts, url: str, cited_hosts: Sequence[str]) -> list[str]:
    """Fill the body fields of ``news`` from ``parts.body_el``; return the body's lines."""
    body_el = parts.body_el
    if body_el is None:
        return []
    rule = parts.provenance.get("body", parts.family)
    for el in list(body_el.iter("meta", "link")):  # <meta name="ContentStart"> and the like
        if el is not body_el:
            drop_element(el)  # (the text after it stays)
    drop_counters(body_el)
    clean_body(body_el)
    lines, pieces = lines_and_pieces(body_el)
    lines = drop_chrome_lines(lines)
    news.body = "\n".join(lines)
    news.body_html = to_html(body_el)
    news.images = find_images(body_el, url)
    attachments = dict.fromkeys(find_attachments(body_el, url) + parts.extra_attachments)
    news.attachments = list(attachments)
    news.cites = citations_from_pieces(pieces, url, cited_hosts)
    for name in ("body", "body_html", "images", "cites"):
        if getattr(news, name):
            news.provenance[name] = rule
    if news.attachments:
        news.provenance["attachments"] = parts.provenance.get("attachments", rule)
    if not news.body and not news.images:
        news.parse_warnings.append(f"body: {rule} holds no text or image")
    return lines


def read_signoff(parts: ArticleParts, lines: Sequence[str]) -> None:
    """The department, contributor and reviewer from the body's last lines, where only the
    sign-off names them: ``（党委宣传部）``, ``（供稿：化学学院　审核：张三）``."""
    family = parts.family
    for line in reversed(lines[-_SIGNOFF_LINES:]):
        bracketed = _BRACKETED.match(line)
        inner = normalise_space(bracketed.group(1)) if bracketed else line
        pairs = split_labelled(inner, _SIGNOFF_LABELS)
        for label in _SIGNOFF_DEPARTMENT:
            value = next((v for lab, v in pairs if lab == label and v), None)
            if parts.fill("source", value, f"{family}:body-signoff:{label}"):
                break
        for label, value in pairs:
            if label == "供稿":
                parts.fill("contributor", value, f"{family}:body-signoff:供稿")
            elif label == "审核":
                parts.fill("reviewer", value, f"{family}:body-signoff:审核")
        if not pairs and bracketed and _DEPARTMENT_NAME.match(inner):
            parts.fill("source", inner, f"{family}:body-signoff")
