"""The simulated world: which hosts exist, what they serve, and what a crawl should find.

:class:`World` is the mutable, thread-safe store the server reads on every request, so tests
may change, withdraw or kill pages between crawls. :func:`default_world` builds it from the
facts in ``catalog.py``; :func:`make_world` builds a large mirror for benchmarks. Both render
pages FROM facts, and ``world.expected`` (``EXPECTED`` for the default) holds those facts.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

from tests.mockweb import catalog
from tests.mockweb.archive import (
    AVAILABILITY_HOST,
    WAYBACK_HOST,
    Archive,
    Capture,
)
from tests.mockweb.archive import ROBOTS_TXT as ARCHIVE_ROBOTS
from tests.mockweb.bureau import (
    JW_HOST,
    KXFZG_HOST,
    ROBOTS_ALLOW_ALL,
    render_kxfzg_brief,
    render_trs_brief,
    render_trs_not_found,
)
from tests.mockweb.facts import (
    ArticleFact,
    BriefFact,
    Expected,
    Link,
    ListItemFact,
    ListPageFact,
    Para,
    TextUrl,
)
from tests.mockweb.messages import HTML_UTF8, App, Page, Request
from tests.mockweb.site import (
    BOILERPLATE,
    NEWS_HOST,
    NEWS_ROOT,
    ROBOTS_TXT,
    ListEntry,
    render_article,
    render_list_page,
    render_static_page,
)

#: A section list: (path, label, pages); a page lists article URLs and off-site entries.
SectionLayout = tuple[str, str, Sequence[Sequence[str | ListEntry]]]

_CST = timezone(timedelta(hours=8))
_NOT_FOUND = (
    b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n"
)
# Stand-ins for binary files: only the magic numbers are real.
_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9"
_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 56


class World:
    """Hosts, their pages, dead hosts and the web archive; safe to change while serving."""

    def __init__(self, expected: Expected | None = None) -> None:
        self._lock = threading.RLock()
        self._pages: dict[str, dict[str, Page]] = {}
        self._apps: dict[str, App] = {}
        self._dead: set[str] = set()
        self._held: set[tuple[str, str]] = set()  # (host, path prefix) answered only when released
        self._released = threading.Event()
        self.archive = Archive()
        self.expected = expected or Expected((), (), (), ())

    # -- changing the world ----------------------------------------------------------------

    def set_page(
        self,
        host: str,
        path: str,
        body: bytes,
        content_type: str = HTML_UTF8,
        status: int = 200,
        headers: dict[str, str] | None = None,
        last_modified: datetime | None = None,
    ) -> Page:
        """Serve ``body`` at ``host`` + ``path`` (a path may carry ``?query``).

        Without ``last_modified`` a changed page is stamped "now" (and never earlier than the
        page it replaces), so ``If-Modified-Since`` sees the change.
        """
        host = _norm_host(host)
        with self._lock:
            old = self._pages.get(host, {}).get(path)
            if last_modified is None:
                last_modified = _next_stamp(old, body)
            page = Page(body, content_type, status, dict(headers or {}), last_modified)
            self._pages.setdefault(host, {})[path] = page
        return page

    def remove_page(self, host: str, path: str) -> None:
        """Withdraw a page: the host then answers 404 for it."""
        with self._lock:
            self._pages.get(_norm_host(host), {}).pop(path, None)

    def kill_host(self, host: str) -> None:
        """Make ``host`` unreachable (no DNS): the proxy answers 502."""
        with self._lock:
            self._dead.add(_norm_host(host))

    def revive_host(self, host: str) -> None:
        """Undo :meth:`kill_host`; the host serves its pages again (404 when it has none)."""
        host = _norm_host(host)
        with self._lock:
            self._dead.discard(host)
            self._pages.setdefault(host, {})

    def hold(self, host: str, path_prefix: str = "/") -> None:
        """Keep every request to ``host`` (under ``path_prefix``) waiting, unanswered, until
        :meth:`release`: a crawl can be caught, and killed, with those requests in flight."""
        with self._lock:
            self._held.add((_norm_host(host), path_prefix))
            self._released.clear()

    def release(self) -> None:
        """Answer the held requests, and hold none from now on."""
        with self._lock:
            self._held.clear()
            self._released.set()

    def mount(self, host: str, app: App) -> None:
        """Let ``app`` answer what ``host`` has no static page for."""
        with self._lock:
            self._apps[_norm_host(host)] = app

    # -- reading it ------------------------------------------------------------------------

    def page(self, host: str, path: str) -> Page | None:
        """The static page at ``host`` + ``path``, if any."""
        with self._lock:
            return self._pages.get(_norm_host(host), {}).get(path)

    def paths(self, host: str) -> list[str]:
        """Paths of the static pages of ``host``."""
        with self._lock:
            return sorted(self._pages.get(_norm_host(host), {}))

    def is_reachable(self, host: str) -> bool:
        """Whether ``host`` exists and is alive (unknown hosts have no DNS)."""
        host = _norm_host(host)
        with self._lock:
            known = host in self._pages or host in self._apps
            return known and host not in self._dead

    def resolve(self, request: Request) -> Page | None:
        """The answer to ``request``; ``None`` when its host is unreachable.

        A static page wins over an app, so an archive host can still serve ``robots.txt``.
        A query string is ignored unless a page was set for that exact query.
        """
        if not self.is_reachable(request.host):
            return None
        with self._lock:
            held = any(request.host == h and request.path.startswith(p) for h, p in self._held)
        if held:
            self._released.wait(timeout=120)
        with self._lock:
            pages = self._pages.get(request.host, {})
            found = pages.get(f"{request.path}?{request.query}") if request.query else None
            found = found or pages.get(request.path)
            app = self._apps.get(request.host)
        if found is None and app is not None:
            found = app(request)
        return found or Page(_NOT_FOUND, status=404)


def _norm_host(host: str) -> str:
    return host.lower().rstrip(".")


def _next_stamp(old: Page | None, body: bytes) -> datetime:
    now = datetime.now(UTC).replace(microsecond=0)
    if old is None or old.last_modified is None:
        return now
    if old.body == body:
        return old.last_modified
    return max(now, old.last_modified + timedelta(seconds=1))


# -- building worlds ----------------------------------------------------------------------


def default_world() -> World:
    """A fresh copy of the default world (twelve articles, five briefs)."""
    return build_world(catalog.ARTICLES, catalog.SECTIONS, catalog.BRIEFS)


def make_world(n_articles: int = 2000, per_page: int = 20) -> World:
    """A large mirror for benchmarks: ``n_articles`` articles over two paged sections.

    Every third article is also listed under the second section; every 50th cites the live
    brief (link) and every 100th the archived one (text). Cheap: pages are small f-strings.
    """
    articles = [_generated_article(i) for i in range(n_articles)]
    ttxw = [a.url for a in articles]
    zhxw = [a.url for i, a in enumerate(articles) if i % 3 == 0]
    sections = (
        ("ttxw", "头条新闻", _chunks(ttxw, per_page)),
        ("zhxw", "综合新闻", _chunks(zhxw, per_page)),
    )
    return build_world(articles, sections, catalog.BRIEFS)


def build_world(
    articles: Sequence[ArticleFact],
    sections: Sequence[SectionLayout],
    briefs: Sequence[BriefFact],
) -> World:
    """Render ``articles``, their ``sections`` and ``briefs`` into a world, facts attached.

    Every brief is served; ``expected.briefs`` holds those the articles cite.
    """
    articles = _with_sections(articles, sections)
    cited = {c.url for a in articles for c in a.cites}
    world = World()
    list_pages = _add_news_site(world, articles, sections)
    _add_bureaus(world, briefs)
    _add_archive(world, briefs)
    start_urls = tuple(f"{NEWS_ROOT}/{path}/index.htm" for path, _, _ in sections)
    world.expected = Expected(
        articles=tuple(articles),
        briefs=tuple(b for b in briefs if b.url in cited),
        list_pages=tuple(list_pages),
        start_urls=start_urls,
        never_fetched=_listed_but_not_articles(sections),
        boilerplate=BOILERPLATE,
    )
    return world


def _listed_but_not_articles(sections: Sequence[SectionLayout]) -> tuple[str, ...]:
    """Off-site and robots-disallowed list entries: a polite crawler never requests them."""
    return tuple(
        entry.url
        for _path, _label, pages in sections
        for page in pages
        for entry in page
        if isinstance(entry, ListEntry)
    )


def _with_sections(
    articles: Sequence[ArticleFact],
    sections: Sequence[SectionLayout],
) -> list[ArticleFact]:
    labels: dict[str, list[str]] = {a.url: [] for a in articles}
    for _path, label, pages in sections:
        for page in pages:
            for entry in page:
                if isinstance(entry, str) and label not in labels[entry]:
                    labels[entry].append(label)
    return [replace(a, sections=tuple(labels[a.url])) for a in articles]


def _add_news_site(
    world: World,
    articles: Sequence[ArticleFact],
    sections: Sequence[SectionLayout],
) -> list[ListPageFact]:
    by_url = {a.url: a for a in articles}
    world.set_page(NEWS_HOST, "/robots.txt", ROBOTS_TXT, "text/plain", last_modified=_EPOCH)
    list_pages: list[ListPageFact] = []
    for path, label, pages in sections:
        list_pages += _add_section(world, path, label, pages, by_url)
    newest = sorted(articles, key=lambda a: a.published, reverse=True)[:6]
    for article in articles:
        sidebar = [a for a in newest if a.url != article.url][:5]
        html = render_article(article, sidebar)
        world.set_page(NEWS_HOST, _path(article.url), html.encode(), last_modified=_stamp(article))
        _add_files(world, article)
    _add_static(world, catalog.SYSTEM.url, "内部测试页面", "本页面位于 /system/ 下，爬虫不应抓取。")
    _add_static(
        world,
        f"{NEWS_ROOT}/bqsm.htm",
        "版权与免责声明",
        "本网站所刊登的信息版权归北京建筑大学所有。",
    )
    return list_pages


def _add_section(
    world: World,
    path: str,
    label: str,
    pages: Sequence[Sequence[str | ListEntry]],
    by_url: dict[str, ArticleFact],
) -> list[ListPageFact]:
    """Pages ``index.htm``, then ``N-1.htm`` … ``1.htm`` (the site numbers them backwards)."""
    names = ["index.htm"] + [f"{n}.htm" for n in range(len(pages) - 1, 0, -1)]
    facts: list[ListPageFact] = []
    for i, entries in enumerate(pages):
        listed = [_entry(e, by_url) for e in entries]
        last = i == len(pages) - 1
        next_name = names[i] if last else names[i + 1]  # the last page's a.Next points at itself
        html = render_list_page(label, listed, next_name, names[i - 1] if i else None)
        world.set_page(NEWS_HOST, f"/{path}/{names[i]}", html.encode(), last_modified=_EPOCH)
        facts.append(
            ListPageFact(
                url=f"{NEWS_ROOT}/{path}/{names[i]}",
                section=label,
                items=tuple(ListItemFact(e.url, e.title, e.date) for e in listed),
                next_url=None if last else f"{NEWS_ROOT}/{path}/{next_name}",
            )
        )
    return facts


def _entry(entry: str | ListEntry, by_url: dict[str, ArticleFact]) -> ListEntry:
    if isinstance(entry, ListEntry):
        return entry
    article = by_url[entry]
    return ListEntry(article.url, article.title, article.published)


def _add_files(world: World, article: ArticleFact) -> None:
    for src in article.images:
        world.set_page(NEWS_HOST, _path(src), _JPEG, "image/jpeg", last_modified=_stamp(article))
    for href in article.attachments:
        world.set_page(
            NEWS_HOST, _path(href), _DOC, "application/msword", last_modified=_stamp(article)
        )


def _add_static(world: World, url: str, title: str, text: str) -> None:
    world.set_page(
        NEWS_HOST, _path(url), render_static_page(title, text).encode(), last_modified=_EPOCH
    )


def _add_bureaus(world: World, briefs: Iterable[BriefFact]) -> None:
    world.set_page(JW_HOST, "/robots.txt", ROBOTS_ALLOW_ALL, "text/plain", last_modified=_EPOCH)
    for brief in briefs:
        if brief.live_status == 502:
            world.kill_host(brief.site)
        elif brief.live_status == 404:
            world.set_page(brief.site, _path(brief.url), render_trs_not_found(), status=404)
        else:
            body = render_trs_brief(brief)
            world.set_page(brief.site, _path(brief.url), body, last_modified=_stamp(brief))
    world.kill_host(KXFZG_HOST)  # the campaign site is gone, whatever the briefs say


def _add_archive(world: World, briefs: Iterable[BriefFact]) -> None:
    for host in (AVAILABILITY_HOST, WAYBACK_HOST):
        world.set_page(host, "/robots.txt", ARCHIVE_ROBOTS, "text/plain", last_modified=_EPOCH)
    world.mount(AVAILABILITY_HOST, world.archive.serve_availability)
    world.mount(WAYBACK_HOST, world.archive.serve_wayback)
    for brief in briefs:
        if brief.capture_ts is None:
            continue
        body = render_kxfzg_brief(brief) if brief.site == KXFZG_HOST else render_trs_brief(brief)
        world.archive.add(
            Capture(brief.url, brief.capture_ts, body, in_availability=brief.in_availability)
        )


# -- helpers ------------------------------------------------------------------------------

_EPOCH = datetime(2022, 6, 30, 12, 0, tzinfo=UTC)  # fixed, so runs are reproducible


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _stamp(fact: ArticleFact | BriefFact) -> datetime:
    day = date.fromisoformat((fact.published or "2000-01-01")[:10])
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=_CST).astimezone(UTC)


def _chunks(items: Sequence[str], size: int) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(items[i : i + size]) for i in range(0, len(items), size)) or ((),)


def _generated_article(i: int) -> ArticleFact:
    """Article ``i`` of a benchmark mirror: newest first, a few a day, some citing briefs."""
    hex_id = hashlib.md5(f"article-{i}".encode()).hexdigest()
    day = date(2022, 6, 30) - timedelta(days=i // 3)
    blocks: list[Para] = [
        Para((f"{day.month}月{day.day}日，学校举行第{i + 1}次专题活动，师生踊跃参加。",)),
        Para(("活动内容丰富，形式多样，取得了良好效果。" * 3,)),
    ]
    if i % 50 == 0:
        blocks.append(
            Para(
                (
                    "相关报道见（",
                    Link(catalog.BRIEF_JW_LIVE.url, "北京市教委官网报道", "cite"),
                    "）。",
                )
            )
        )
    if i % 100 == 0:
        blocks.append(Para(("网址: ", TextUrl(catalog.BRIEF_2448.url))))
    return ArticleFact(
        url=f"{NEWS_ROOT}/ttxw/{hex_id}.htm",
        title=f"学校举行第{i + 1}次专题活动",
        published=day.isoformat(),
        column="头条新闻",
        department="宣传部" if i % 2 else None,
        blocks=tuple(blocks),
    )


#: The facts of :func:`default_world`, for assertions that need no running server.
EXPECTED: Expected = default_world().expected
