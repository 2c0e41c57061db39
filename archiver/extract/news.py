"""Article pages of the university news site (北京建筑大学新闻网, SITES.md §1).

Template, 2011–2022: a column label, ``h2.detail-title``, the meta line ``p > small``
(``部门: 供稿: 审核: 发布时间: 阅读次数:``), the font-size widget, ``div.m-content#art``, then the
campus footer. The ``<title>`` element adds a site suffix and the sidebar lists other
headlines with their own dates: neither is read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice

from archiver.extract.dates import to_iso_datetime
from archiver.extract.guard import empty_news, never_raises
from archiver.extract.labels import has_label, split_labelled
from archiver.extract.links import (
    citations_from_pieces,
    find_attachments,
    find_images,
    url_host,
)
from archiver.extract.sections import find_section_label
from archiver.extract.text import (
    Element,
    clean_body,
    drop_chrome_lines,
    element_text,
    lines_and_pieces,
    parse_html,
    to_html,
)
from archiver.records import News

TITLE_SELECTOR = "h2.detail-title"
BODY_SELECTOR = "div#art"

# Every label the meta line may hold; unknown ones would otherwise run into a value.
META_LABELS = (
    "部门", "供稿", "审核", "发布时间", "阅读次数", "浏览次数", "点击数", "点击",
    "作者", "摄影", "编辑", "责任编辑", "来源",
)  # fmt: skip
# meta-line label -> News field
_META_FIELDS = {"部门": "department", "供稿": "contributor", "审核": "reviewer"}


@never_raises(empty_news)
def extract_news(html: str, url: str, bureau_hosts: Sequence[str] = ()) -> News:
    """A :class:`News` record from an article page of the news site.

    Fills only what the page holds; each missing part that the template should have adds
    a line to ``parse_warnings``. Never raises on odd markup.
    """
    root = parse_html(html)
    news = News(url=url, site=url_host(url))
    if news.site:
        news.provenance["site"] = "url"
    title_el, body_el = _title_and_body(root)

    if title_el is not None:
        news.title = element_text(title_el) or None
    if news.title:
        news.provenance["title"] = TITLE_SELECTOR
    else:
        news.parse_warnings.append(f"title: {TITLE_SELECTOR} not found or empty")

    _read_meta_line(news, _meta_line(title_el, body_el))
    _read_section(news, root, title_el if title_el is not None else body_el)
    if body_el is None:
        news.parse_warnings.append(f"body: {BODY_SELECTOR} not found")
    else:
        _read_body(news, body_el, url, bureau_hosts)
    return news


def _title_and_body(root: Element) -> tuple[Element | None, Element | None]:
    """The first ``h2.detail-title`` and ``div#art``, in one pass (the hot path)."""
    title_el = body_el = None
    for el in root.iter("h2", "div"):
        if el.tag == "h2":
            if title_el is None and "detail-title" in (el.get("class") or "").split():
                title_el = el
        elif body_el is None and el.get("id") == "art":
            body_el = el
        if title_el is not None and body_el is not None:
            break
    return title_el, body_el


def _smalls_between(title_el: Element, body_el: Element) -> list[Element]:
    """``p > small`` after the title and before the body, nearest the body first.

    Walks only the smallest subtree holding both, not the whole page.
    """
    body_line = set(body_el.iterancestors())
    common = next((a for a in title_el.iterancestors() if a in body_line), None)
    if common is None:  # cannot happen in one parsed page; nothing found is the safe answer
        return []
    found: list[Element] = []
    started = False
    # Only these tags matter (lxml filters the rest in C): <small>, and the title and the
    # body to start and stop at.
    for el in common.iter("small", title_el.tag, body_el.tag):
        if el is body_el:
            break
        if el is title_el:
            started = True
        elif started and el.tag == "small":
            parent = el.getparent()
            if parent is not None and parent.tag == "p" and el not in body_line:
                found.append(el)
    found.reverse()
    return found


def _smalls_before(body_el: Element) -> list[Element]:
    """``preceding::p/small`` of the body, nearest the body first (a page without title).

    A walk up to the body: XPath's preceding axis costs several times more.
    """
    ancestors = set(body_el.iterancestors())
    found: list[Element] = []
    for el in body_el.getroottree().getroot().iter("small", body_el.tag):
        if el is body_el:
            break
        if el.tag == "small":
            parent = el.getparent()
            # Its <p> comes before the body, unless it holds the body.
            if parent is not None and parent.tag == "p" and parent not in ancestors:
                found.append(el)
    found.reverse()
    return found


def _smalls_after(title_el: Element) -> Iterator[Element]:
    """``following::p/small`` of the title, in document order (a page without body).

    What follows the title: the following siblings of the title and of each of its
    ancestors, with all they hold; walked lazily, as only the first few count.
    """
    ancestors = set(title_el.iterancestors())
    node: Element | None = title_el
    while node is not None:
        for sibling in node.itersiblings():
            for small in sibling.iter("small"):
                parent = small.getparent()
                # Its <p> follows the title, unless it holds the title.
                if parent is not None and parent.tag == "p" and parent not in ancestors:
                    yield small
        node = node.getparent()


def _meta_line(title_el: Element | None, body_el: Element | None) -> str | None:
    # The meta line sits between the title and the body. Anchor the search there, so a
    # sidebar's <small> dates can never be read as this article's.
    if body_el is not None and title_el is not None:
        candidates = _smalls_between(title_el, body_el)
    elif body_el is not None:
        candidates = _smalls_before(body_el)
    elif title_el is not None:
        candidates = list(islice(_smalls_after(title_el), 5))
    else:
        return None
    for small in candidates[:5]:
        text = element_text(small)
        if has_label(text, META_LABELS):  # split once, by the reader
            return text
    return None


def _read_meta_line(news: News, line: str | None) -> None:
    if line is None:
        news.parse_warnings.append("meta line: p > small with labels not found")
        news.parse_warnings.append("published: no meta line")
        return
    published_seen = False
    for label, value in split_labelled(line, META_LABELS):
        field = _META_FIELDS.get(label)
        if field and value and getattr(news, field) is None:
            setattr(news, field, value)
            news.provenance[field] = f"meta-line:{label}"
        elif label == "发布时间" and news.published is None:
            published_seen = True
            news.published = to_iso_datetime(value)
            if news.published:
                news.provenance["published"] = "meta-line:发布时间"
    if news.published is None:
        if published_seen:
            news.parse_warnings.append("published: 发布时间 in meta line holds no date")
        else:
            news.parse_warnings.append("published: no 发布时间 in meta line")


def _read_section(news: News, root: Element, anchor: Element | None) -> None:
    found = find_section_label(root, anchor, exclude=news.title)
    if found is None:
        news.parse_warnings.append("sections: no column label or breadcrumb on page")
        return
    label, provenance = found
    news.sections = [label]
    news.provenance["sections"] = provenance


def _read_body(news: News, body_el: Element, url: str, bureau_hosts: Sequence[str]) -> None:
    clean_body(body_el)
    lines, pieces = lines_and_pieces(body_el)
    news.body = "\n".join(drop_chrome_lines(lines))
    news.body_html = to_html(body_el)
    news.images = find_images(body_el, url)
    if news.body:
        news.provenance["body"] = BODY_SELECTOR
    elif not news.images:
        news.parse_warnings.append(f"body: {BODY_SELECTOR} holds no text or image")
    if news.body_html:
        news.provenance["body_html"] = BODY_SELECTOR
    news.attachments = find_attachments(body_el, url)
    news.cites = citations_from_pieces(pieces, url, bureau_hosts)
    for field in ("images", "attachments", "cites"):
        if getattr(news, field):
            news.provenance[field] = BODY_SELECTOR
