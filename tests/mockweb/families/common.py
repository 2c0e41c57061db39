"""What the family sites share: list layouts, validators' dates, file stand-ins, and the
step that turns a site's rendered pages and facts into a :class:`FamilySite` of a world."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from urllib.parse import quote, urlsplit

from tests.mockweb.facts import (
    ArticleFact,
    BriefFact,
    CmsFamily,
    Expected,
    FamilySite,
    Link,
    ListItemFact,
    ListPageFact,
    Para,
)
from tests.mockweb.site import ListEntry
from tests.mockweb.world import World

CST = timezone(timedelta(hours=8))
#: Last-Modified of list pages and robots.txt: fixed, so runs are reproducible.
LISTS_STAMP = datetime(2026, 3, 31, 4, 0, tzinfo=UTC)

# Stand-ins for binary files: only the magic numbers are real.
_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 56
_ZIP = b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 56
_PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
_FILES: Mapping[str, tuple[str, bytes]] = {
    ".jpg": ("image/jpeg", _JPEG),
    ".doc": ("application/msword", _OLE),
    ".xls": ("application/vnd.ms-excel", _OLE),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pdf": ("application/pdf", _PDF),
}

#: A list item: an article's URL (or its dynamic twin's), or an entry that is no article of
#: the site (off-site, or behind the anti-bot gateway).
Entry = str | ListEntry


@dataclass(frozen=True)
class ListedPage:
    """A list page as a renderer needs it: its number, file, items and neighbours."""

    number: int  # 1-based
    count: int  # pages in the list
    url: str
    items: tuple[ListEntry, ...]  # urls as the page links them (a twin, when listed so)
    next_url: str | None
    urls: tuple[str, ...]  # every page's URL, page 1 first


def stamp(published: str) -> datetime:
    """Last-Modified of an article: its publication time, or noon (CST) of its day."""
    if "T" in published:
        return datetime.fromisoformat(published).astimezone(UTC)
    day = date.fromisoformat(published)
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=CST).astimezone(UTC)


def path_of(url: str) -> str:
    """The path and query of ``url``, as :meth:`World.set_page` keys a page."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def day_of(published: str) -> str:
    """``YYYY-MM-DD`` of a published value."""
    return published[:10]


def clock(published: str) -> str:
    """``YYYY-MM-DD HH:MM`` (the ``PubDate`` meta form), or the date alone."""
    return f"{published[:10]} {published[11:16]}" if "T" in published else published


def file_type(name: str) -> tuple[str, bytes]:
    """Content type and stand-in bytes of a file, by the extension of ``name``."""
    for ext, found in _FILES.items():
        if name.lower().endswith(ext):
            return found
    return "application/octet-stream", _ZIP


def serve_files(world: World, article: ArticleFact, last_modified: datetime) -> None:
    """Serve the images and attachments of ``article`` (a VSB ``download.jsp`` by query)."""
    host = article.site
    for src in article.images:
        world.set_page(host, urlsplit(src).path, _JPEG, "image/jpeg", last_modified=last_modified)
    links = [
        r for b in article.blocks if isinstance(b, Para) for r in b.runs if isinstance(r, Link)
    ]
    for link in [*links, *article.files]:
        if link.role != "attachment":
            continue
        parts = urlsplit(link.href)
        by_name = parts.path.endswith(".jsp")  # the file's name is only in the link text
        content_type, body = file_type(link.text if by_name else parts.path)
        headers = {}
        if by_name:
            headers["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(
                link.text, safe=""
            )
        world.set_page(
            host,
            path_of(link.href) if by_name else parts.path,
            body,
            content_type,
            headers=headers,
            last_modified=last_modified,
        )


def paged(
    layout: Sequence[Sequence[Entry]],
    page_urls: Sequence[str],
    by_listed_url: Mapping[str, ArticleFact],
) -> list[ListedPage]:
    """The pages of a list: each entry resolved to the title and date the list shows."""
    pages: list[ListedPage] = []
    for i, entries in enumerate(layout):
        items = tuple(
            e if isinstance(e, ListEntry) else _entry(e, by_listed_url[e]) for e in entries
        )
        last = i == len(layout) - 1
        pages.append(
            ListedPage(
                number=i + 1,
                count=len(layout),
                url=page_urls[i],
                items=items,
                next_url=None if last else page_urls[i + 1],
                urls=tuple(page_urls),
            )
        )
    return pages


def _entry(listed_url: str, article: ArticleFact) -> ListEntry:
    return ListEntry(listed_url, article.title, day_of(article.published))


@dataclass(frozen=True)
class SiteSpec:
    """A family site before rendering: names, its articles and its list layout."""

    name: str
    family: CmsFamily
    title: str
    host: str
    section: str
    articles: tuple[ArticleFact, ...]
    layout: tuple[tuple[Entry, ...], ...]  # pages of entries, newest first
    robots: bytes
    boilerplate: tuple[str, ...]
    challenged: tuple[str, ...] = ()  # entries of ``layout`` behind the gateway
    off_site: tuple[str, ...] = ()  # entries of ``layout`` on other hosts


def add_site(
    world: World,
    spec: SiteSpec,
    page_urls: Sequence[str],
    twin_of: Callable[[ArticleFact], str] | None,
    render_list: Callable[[ListedPage], bytes],
    render_articles: Callable[[World, Sequence[ArticleFact]], None],
    briefs: Sequence[BriefFact],
    content_type: str,
) -> FamilySite:
    """Put a family site into ``world`` (robots, list pages, articles) and return its facts."""
    twins = {twin_of(a): a.url for a in spec.articles} if twin_of else {}
    by_url = {a.url: a for a in spec.articles}
    by_listed = {**by_url, **{t: by_url[u] for t, u in twins.items()}}
    articles = _with_section(spec.articles, spec.layout, twins, spec.section)
    world.set_page(spec.host, "/robots.txt", spec.robots, "text/plain", last_modified=LISTS_STAMP)
    pages = paged(spec.layout, page_urls, by_listed)
    for page in pages:
        world.set_page(
            spec.host,
            path_of(page.url),
            render_list(page),
            content_type,
            last_modified=LISTS_STAMP,
        )
    render_articles(world, articles)
    cited = {c.url for a in articles for c in a.cites}
    expected = Expected(
        articles=tuple(articles),
        briefs=tuple(b for b in briefs if b.url in cited),
        list_pages=tuple(
            ListPageFact(
                url=p.url,
                section=spec.section,
                items=tuple(ListItemFact(e.url, e.title, e.date) for e in p.items),
                next_url=p.next_url,
            )
            for p in pages
        ),
        start_urls=(page_urls[0],),
        never_fetched=spec.off_site,
        boilerplate=spec.boilerplate,
    )
    return FamilySite(
        name=spec.name,
        family=spec.family,
        title=spec.title,
        host=spec.host,
        section=spec.section,
        expected=expected,
        twins=twins,
        challenged=spec.challenged,
    )


def _with_section(
    articles: Sequence[ArticleFact],
    layout: Sequence[Sequence[Entry]],
    twins: Mapping[str, str],
    section: str,
) -> list[ArticleFact]:
    listed = {twins.get(e, e) for page in layout for e in page if isinstance(e, str)}
    missing = [a.url for a in articles if a.url not in listed]
    if missing:
        raise ValueError(f"articles on no list page: {missing}")
    return [replace(a, sections=(section,)) for a in articles]
