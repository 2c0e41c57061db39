"""VSB (博达, Visual SiteBuilder), SITES.md §5: hundreds of university sites.

Articles ``/info/<col>/<id>.htm``: title in ``form[name=_newscontent_fromname]`` (``h2``, or
``h1``), body ``#vsb_content .v_news_content`` (the id may be ``vsb_content_2`` …), a byline
of per-site labels (发布时间, 来源, 稿件来源 …) and a click count filled in by JavaScript.
Lists: items ``li#line_uN_k``, pager ``span.p_pages``. Page files count *down*
(``bkjx.htm``, ``bkjx/3.htm`` … ``bkjx/1.htm``): the next page is the ``.p_next`` link,
never a computed number.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit, urlunsplit

from archiver.extract.families.byline import (
    DATE_LABELS,
    fill_byline,
    fill_from_meta,
    fill_published,
    fill_section,
    gov_meta,
    meta_lines,
)
from archiver.extract.families.generic_list import fill_items, find_item_elements, same_page
from archiver.extract.families.parts import ArticleParts, drop_counters, parse_page
from archiver.extract.html import Element, normalise_space, text_of
from archiver.extract.layout import find_heading, page_title
from archiver.extract.links import resolve_url
from archiver.records import ListPage

FAMILY = "vsb"
FORM = "form[name=_newscontent_fromname]"

_BODY_ID = re.compile(r"^vsb_content(?:_\d+)?$")
_LINE_ID = re.compile(r"^line_?u\d+_\d+$")
_NOT_TITLE_CLASS = re.compile(r"intro|subtitle|sub-title|fbt", re.IGNORECASE)
_NEXT_TEXTS = ("下一页", "下页")
_ATTACHMENT_LINK = re.compile(r"download\.jsp\?[^#]*wbfileid=", re.IGNORECASE)


def read_article(html: str, url: str) -> ArticleParts:
    """The parts of a VSB article page."""
    root = parse_page(html)
    drop_counters(root)
    parts = ArticleParts(FAMILY)
    meta = gov_meta(root)
    form = next((f for f in root.iter("form") if f.get("name") == "_newscontent_fromname"), None)
    body_el = _body(root, parts)
    _title(parts, root, form, body_el, meta)
    lines = meta_lines(root, body_el)
    pairs = lines.pairs()
    # PubDate gives the time the byline often leaves out.
    if not fill_from_meta(parts, meta, "pubdate") and not fill_published(parts, pairs):
        parts.warn("published: no PubDate meta or 发布时间/发布日期 label")
    fill_byline(parts, pairs)
    fill_from_meta(parts, meta, "contentsource")
    fill_section(parts, meta, root, form if form is not None else body_el)
    if form is not None:
        _attachments(parts, form, body_el, url)
    return parts


def _body(root: Element, parts: ArticleParts) -> Element | None:
    for holder in root.iter():
        ident = holder.get("id") or ""
        if not _BODY_ID.match(ident):
            continue
        content = next(
            (el for el in holder.iter() if "v_news_content" in (el.get("class") or "").split()),
            None,
        )
        if content is not None:
            parts.body_el = content
            parts.provenance["body"] = f"{FAMILY}:#{ident} .v_news_content"
        else:
            parts.body_el = holder
            parts.provenance["body"] = f"{FAMILY}:{holder.tag}#{ident}"
        return parts.body_el
    parts.warn("body: #vsb_content not found")
    return None


def _title(
    parts: ArticleParts,
    root: Element,
    form: Element | None,
    body_el: Element | None,
    meta: dict[str, str],
) -> None:
    headings: list[tuple[Element, str]] = []
    if form is not None:
        for el in form.iter("h1", "h2"):
            text = normalise_space(text_of(el))
            if text and not _NOT_TITLE_CLASS.search(el.get("class") or ""):
                headings.append((el, text))
    if headings:
        # The heading the ArticleTitle meta repeats, else the first.
        el, text = next((h for h in headings if h[1] == meta.get("articletitle")), headings[0])
        parts.fill("title", text, f"{FAMILY}:{FORM} {el.tag}")
        return
    where = f"no h1/h2 in {FORM}" if form is not None else f"no {FORM}"
    if fill_from_meta(parts, meta, "articletitle"):
        parts.warn(f"title: {where}; took the ArticleTitle meta")
        return
    heading = find_heading(root, body_el, DATE_LABELS)
    if heading is not None:
        parts.fill("title", heading[0], f"{FAMILY}:{heading[1]}")
        parts.warn(f"title: {where}; took the heading above the date line")
        return
    if parts.fill("title", page_title(root, meta.get("sitename")), "title-element"):
        parts.warn(f"title: {where}; took <title>")
    else:
        parts.warn(f"title: {where}, no ArticleTitle meta, heading or <title>")


def _attachments(parts: ArticleParts, form: Element, body_el: Element | None, url: str) -> None:
    """VSB lists attachments under the body: ``附件【<a href="/system/_content/download.jsp?
    …wbfileid=…">x.docx</a>】``; their addresses have no file extension."""
    inside = set(body_el.iter("a")) if body_el is not None else set()
    for link in form.iter("a"):
        href = link.get("href") or ""
        if link not in inside and _ATTACHMENT_LINK.search(href):
            found = resolve_url(url, href)
            if found and found not in parts.extra_attachments:
                parts.extra_attachments.append(found)
                parts.provenance.setdefault("attachments", f"{FAMILY}:{FORM} a[href*=download.jsp]")


def extract_list(html: str, url: str) -> ListPage:
    """Items ``li#line_uN_k``; the next page from the pager's ``.p_next`` (下一页) link."""
    root = parse_page(html)
    page = ListPage(url=url, section=None)
    elements = [el for el in root.iter() if _LINE_ID.match(el.get("id") or "")]
    if not elements:
        elements = find_item_elements(root)
        page.parse_warnings.append("items: no li#line_u… on page; took the repeated dated links")
    fill_items(page, elements, url, canonical_url)
    page.next_url = _next_page(root, url)
    return page


def _next_page(root: Element, url: str) -> str | None:
    for pager in root.iter():
        if "p_pages" not in (pager.get("class") or "").split():
            continue
        for link in pager.iter("a"):
            holder = link.getparent()
            classes = (holder.get("class") or "").split() if holder is not None else []
            text = normalise_space(text_of(link))
            if "p_next" in classes or text in _NEXT_TEXTS:
                target = resolve_url(url, link.get("href"))
                if target is not None:
                    return None if same_page(target, url) else target
        return None  # the pager's 下一页 is no link: the last page
    return None


def canonical_url(url: str) -> str | None:
    """``…/content.jsp?urltype=news.NewsContentUrl&wbtreeid=<col>&wbnewsid=<id>`` →
    ``…/info/<col>/<id>.htm``, the static page it duplicates; None for other addresses."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    directory, _, name = parts.path.rpartition("/")
    if name.lower() != "content.jsp":
        return None
    query = parse_qs(parts.query)
    urltype = query.get("urltype", [""])[0]
    tree, news = query.get("wbtreeid", [""])[0], query.get("wbnewsid", [""])[0]
    if urltype.lower() != "news.newscontenturl" or not tree.isdigit() or not news.isdigit():
        return None
    path = f"{directory}/info/{tree}/{news}.htm"
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))
