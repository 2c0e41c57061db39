"""Extraction time and correctness per article page: ours against GNE and trafilatura.

    python -m benchmarks.bench_extract [--repeat 10] [--generated 300]

Run it from the repository root (it reads the mock web and the fixture expectations from
``tests``). GNE and trafilatura are benchmark-only: ``pip install -e '.[bench]'``.

Pages, all with known facts:

- ``mirror``: the twelve articles of the mock web's default world (``default_world()``);
- ``fixtures``: the news fixture pages of ``tests/fixtures/pages``, with the title, date,
  department and body lines that ``tests/unit/extract/test_news.py`` expects;
- ``generated``: ``--generated N`` articles of a generated mirror (``make_world(N)``).

Time: every page is decoded once with our ``decode_html``; each tool then extracts from
that same ``str`` (the decode is timed on its own, so nothing is hidden). Each tool first
makes one untimed pass over all pages (its answers are the ones checked), then
``--repeat`` timed passes, one tool at a time over all pages as a reparse would run it,
the tools' order rotating between passes; every call is timed with
``time.perf_counter_ns``. A page's time is the median of its passes, a tool's time the
mean (and median) over pages. Why passes: repeating one page back to back flatters the
fastest tool (its data stays in the CPU caches), alternating tools call by call penalises
it (the slower tools evict it); a pass over many pages is what a reparse does. The garbage
collector stays on: a crawl pays for it too.

Correctness, per field, against the facts the pages were written from:

- title: exact (surrounding whitespace aside); ``None`` where the page has no title;
- published: the ``YYYY-MM-DD`` part (any ``Y-M-D`` or ``Y年M月D日`` answer is read);
- department (部门): ours only; GNE's ``author`` and trafilatura's ``author``/``sitename``
  are not 部门, so they are N/A;
- body: every fact paragraph (every cell of a table row) occurs in the tool's text, and no
  page furniture (footer, font-size widget, meta line, breadcrumb, print links, sidebar
  headlines) occurs more often than in the facts themselves. Whitespace is removed before
  comparing: Chinese has no word spaces, and GNE breaks lines around inline links.

Settings: GNE as it comes (``GeneralNewsExtractor().extract(html)``, one instance, no
site XPaths). trafilatura ``bare_extraction(html, url=url, with_metadata=True)`` with
``favor_precision=True``, its best setting here (tables included, fallbacks on); its
defaults keep the meta line on every page and the whole page on some, so they are measured
too, as a second row.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from archiver.extract import decode_html, extract_news
from archiver.records import News
from tests.fixtures import PAGES
from tests.fixtures.news import BODIES, EXPECTED, URLS
from tests.mockweb.site import BOILERPLATE, cut_title
from tests.mockweb.world import World, default_world, make_world

TARGET_MS = 1.0
TARGET_GNE_RATIO = 10.0
FIELDS = ("title", "published", "department", "body")
SHOW_FAILURES = 4
ALL = "all"

#: Furniture on every page of the news site beyond the mock web's own ``BOILERPLATE``.
SITE_FURNITURE = ("当前位置", "打印本页", "关闭窗口", "最新新闻")
#: Sidebar headlines of the fixture pages (the world's come from its facts).
FIXTURE_SIDEBARS = (
    "我校举行2011年春季运动会",
    "北京市教委领导来校调研本科",
    "测绘学院召开学生干部大会",
    "学校召开2012年招生工作会",
    "我校召开学生工作会议",
    "我校召开2022届毕业生就业工作推进会",
    "学校举行“我为师生办实事”座",
)
TRAFILATURA_BEST: dict[str, Any] = {"favor_precision": True}

_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Truth:
    """What a page says, from the facts it was written from."""

    title: str | None
    published: str | None  # YYYY-MM-DD
    department: str | None
    paragraphs: tuple[str, ...]
    furniture: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    """One article page: its bytes, the decoded text every tool reads, and its truth."""

    group: str
    label: str
    url: str
    raw: bytes
    content_type: str | None
    html: str
    truth: Truth


@dataclass(frozen=True)
class Extracted:
    """A tool's answer, normalised for comparison (``department`` None when N/A)."""

    title: str | None
    published: str | None
    department: str | None
    body: str


@dataclass(frozen=True)
class Tool:
    """A timed extraction (``run``) and the untimed reading of its answer (``read``)."""

    name: str
    run: Callable[[str, str], Any]
    read: Callable[[Any], Extracted]
    has_department: bool = False


# -- pages ----------------------------------------------------------------------------------


def world_pages(world: World, group: str) -> list[Page]:
    """The article pages of ``world``, each with its facts."""
    articles = world.expected.articles
    headlines = {a.url: cut_title(a.title) for a in articles}
    pages = []
    for article in articles:
        served = world.page(article.site, urlsplit(article.url).path)
        if served is None:
            raise LookupError(f"the world serves no page for {article.url}")
        sidebar = tuple(h for url, h in headlines.items() if url != article.url)
        truth = Truth(
            title=article.title,
            published=article.published[:10],
            department=article.department,
            paragraphs=article.paragraphs,
            furniture=BOILERPLATE + SITE_FURNITURE + sidebar,
        )
        label = urlsplit(article.url).path
        pages.append(_page(group, label, article.url, served.body, served.content_type, truth))
    return pages


def fixture_pages() -> list[Page]:
    """The news fixture pages, with the expectations of ``tests/unit/extract/test_news.py``."""
    pages = []
    for name, expected in EXPECTED:
        body = BODIES.get(name) or expected["body"].split("\n")
        truth = Truth(
            title=expected["title"],
            published=(expected["published"] or "")[:10] or None,
            department=expected["department"],
            paragraphs=tuple(body),
            furniture=BOILERPLATE + SITE_FURNITURE + FIXTURE_SIDEBARS,
        )
        raw = (PAGES / name).read_bytes()
        pages.append(_page("fixtures", name, URLS[name], raw, "text/html", truth))
    return pages


def _page(
    group: str, label: str, url: str, raw: bytes, content_type: str | None, truth: Truth
) -> Page:
    html, _encoding = decode_html(raw, content_type)
    return Page(group, label, url, raw, content_type, html, truth)


# -- tools ----------------------------------------------------------------------------------


def our_tool() -> Tool:
    """``archiver.extract.extract_news``."""

    def read(news: News | Exception) -> Extracted:
        if isinstance(news, Exception):  # extract_news should never raise; report it if it does
            return Extracted(None, None, None, f"raised {news!r}")
        return Extracted(news.title, _ymd(news.published), news.department, news.body)

    return Tool("ours", extract_news, read, has_department=True)


def rival_tools() -> list[Tool]:
    """GNE and trafilatura (best settings, then defaults); exits when they are missing."""
    try:
        import trafilatura
        from gne import GeneralNewsExtractor
    except ImportError as exc:
        sys.exit(f"bench_extract needs GNE and trafilatura: pip install -e '.[bench]' ({exc})")
    gne = GeneralNewsExtractor()

    def run_gne(html: str, url: str) -> Any:
        return gne.extract(html)

    def run_best(html: str, url: str) -> Any:
        return trafilatura.bare_extraction(html, url=url, with_metadata=True, **TRAFILATURA_BEST)

    def run_default(html: str, url: str) -> Any:
        return trafilatura.bare_extraction(html, url=url, with_metadata=True)

    return [
        Tool("GNE", run_gne, _read_gne),
        Tool("trafilatura", run_best, _read_trafilatura),
        Tool("trafilatura (defaults)", run_default, _read_trafilatura),
    ]


def _read_gne(result: Any) -> Extracted:
    if not isinstance(result, dict):
        return Extracted(None, None, None, "")
    return Extracted(result.get("title"), _ymd(result.get("publish_time")), None,
                     result.get("content") or "")  # fmt: skip


def _read_trafilatura(result: Any) -> Extracted:
    if result is None or isinstance(result, Exception):
        return Extracted(None, None, None, "")
    if isinstance(result, dict):
        return Extracted(result.get("title"), _ymd(result.get("date")), None,
                         result.get("text") or "")  # fmt: skip
    return Extracted(result.title, _ymd(result.date), None, result.text or "")


def _ymd(value: str | None) -> str | None:
    """``YYYY-MM-DD`` from a date in any common form; the answer as given when unreadable."""
    if not value or not value.strip():
        return None
    found = _YMD.search(value)
    if found is None:
        return value.strip()
    year, month, day = found.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _safe(run: Callable[[str, str], Any], html: str, url: str) -> Any:
    try:
        return run(html, url)
    except Exception as exc:  # a tool that raises is wrong on that page, not fatal
        return exc


# -- timing ---------------------------------------------------------------------------------


def timed_pass(call: Callable[[Page], Any], pages: Sequence[Page], into: list[list[int]]) -> None:
    """Run ``call`` once on every page, appending each call's ns to that page's list."""
    for page, times in zip(pages, into, strict=True):
        started = time.perf_counter_ns()
        call(page)
        times.append(time.perf_counter_ns() - started)


def _tool_call(tool: Tool) -> Callable[[Page], Any]:
    return lambda page: _safe(tool.run, page.html, page.url)


def _decode_call(page: Page) -> Any:
    return decode_html(page.raw, page.content_type)


# -- correctness ----------------------------------------------------------------------------


def check(answer: Extracted, truth: Truth, has_department: bool) -> dict[str, str | None]:
    """Field -> None when right, else why it is wrong; department is absent when N/A."""
    verdict: dict[str, str | None] = {
        "title": _differs((answer.title or "").strip() or None, truth.title),
        "published": _differs(answer.published, truth.published),
        "body": _body_fault(answer.body, truth),
    }
    if has_department:
        verdict["department"] = _differs(answer.department, truth.department)
    return verdict


def _differs(got: str | None, expected: str | None) -> str | None:
    return None if got == expected else f"got {got!r}, expected {expected!r}"


def _body_fault(body: str, truth: Truth) -> str | None:
    text = _squash(body)
    for paragraph in truth.paragraphs:
        for cell in paragraph.split("\t"):
            if _squash(cell) not in text:
                return f"missing {_short(cell)!r}"
    facts = _squash("".join(truth.paragraphs))
    for furniture in truth.furniture:
        squashed = _squash(furniture)
        if text.count(squashed) > facts.count(squashed):
            return f"furniture {furniture!r}"
    return None


def _squash(text: str) -> str:
    return _WHITESPACE.sub("", text)


def _short(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[:width] + "…"


# -- the run --------------------------------------------------------------------------------


@dataclass
class Results:
    """Per page: median ns per tool, median ns of the decode, and each tool's verdicts."""

    pages: list[Page]
    times: list[dict[str, int]]
    decode: list[int]
    verdicts: list[dict[str, dict[str, str | None]]]


def measure(pages: Sequence[Page], tools: Sequence[Tool], repeat: int) -> Results:
    """Check every tool on every page, then time ``repeat`` passes of each over all pages.

    The first, untimed pass gives the answers that are checked and warms every tool up.
    Each timed pass runs one tool over all pages (as a reparse would), so no tool ever
    repeats the page it has just read; the order of the tools rotates from pass to pass.
    """
    answers = {tool.name: [_safe(tool.run, p.html, p.url) for p in pages] for tool in tools}
    samples: dict[str, list[list[int]]] = {tool.name: [[] for _ in pages] for tool in tools}
    decode: list[list[int]] = [[] for _ in pages]
    for turn in range(repeat):
        for tool in [*tools[turn % len(tools) :], *tools[: turn % len(tools)]]:
            timed_pass(_tool_call(tool), pages, samples[tool.name])
        timed_pass(_decode_call, pages, decode)
    return Results(
        pages=list(pages),
        times=[
            {tool.name: int(statistics.median(samples[tool.name][i])) for tool in tools}
            for i in range(len(pages))
        ],
        decode=[int(statistics.median(times)) for times in decode],
        verdicts=[
            {
                tool.name: check(tool.read(answers[tool.name][i]), page.truth, tool.has_department)
                for tool in tools
            }
            for i, page in enumerate(pages)
        ],
    )


def _ms(values: Sequence[int]) -> tuple[float, float]:
    """Mean and median, in ms, of ns values."""
    return statistics.fmean(values) / 1e6, statistics.median(values) / 1e6


def by_group(results: Results, values: Sequence[int]) -> dict[str, tuple[float, float]]:
    """Group (then ``all``) -> mean and median ms of the pages' ``values``."""
    groups = [*dict.fromkeys(p.group for p in results.pages), ALL]
    return {
        group: _ms(
            [v for v, p in zip(values, results.pages, strict=True) if group in (ALL, p.group)]
        )
        for group in groups
    }


def tool_times(results: Results, tool: Tool) -> dict[str, tuple[float, float]]:
    """Group -> mean and median ms per page of ``tool``."""
    return by_group(results, [t[tool.name] for t in results.times])


def print_times(results: Results, tools: Sequence[Tool]) -> None:
    """Mean / median ms per page and ratios of means to ours, per page group and overall."""
    rows = {tool.name: tool_times(results, tool) for tool in tools}
    rows["decode_html (ours, bytes→str)"] = by_group(results, results.decode)
    groups = list(rows["ours"])
    counts = {g: sum(g in (ALL, p.group) for p in results.pages) for g in groups}
    print(f"{'ms per page: mean / median':<30}"
          + "".join(f"{f'{g} ({counts[g]})':>20}" for g in groups))  # fmt: skip
    for name, cells in rows.items():
        print(f"{name:<30}" + "".join(f"{m:>11.3f} / {md:<6.3f}" for m, md in cells.values()))
    print("× slower than ours (means)")
    for tool in tools[1:]:
        ratios = [rows[tool.name][g][0] / rows["ours"][g][0] for g in groups]
        print(f"{'  ' + tool.name:<30}" + "".join(f"{r:>19.1f}×" for r in ratios))


def print_correctness(results: Results, tools: Sequence[Tool]) -> None:
    """Tool x field -> right/total, then the first pages each tool gets wrong."""
    total = len(results.pages)
    print(f"\ncorrectness over {total} pages (right/total)")
    print(f"{'':<30}" + "".join(f"{f:>12}" for f in FIELDS))
    for tool in tools:
        cells = []
        for field in FIELDS:
            if field == "department" and not tool.has_department:
                cells.append("N/A")
                continue
            right = sum(v[tool.name][field] is None for v in results.verdicts)
            cells.append(f"{right}/{total}")
        print(f"{tool.name:<30}" + "".join(f"{c:>12}" for c in cells))
    for tool in tools:
        for field in FIELDS:
            wrong = [
                (page, v[tool.name][field])
                for page, v in zip(results.pages, results.verdicts, strict=True)
                if v[tool.name].get(field)
            ]
            for page, why in wrong[:SHOW_FAILURES]:
                print(f"  {tool.name} {field} wrong on {page.group}:{page.label}: {why}")
            if len(wrong) > SHOW_FAILURES:
                print(f"  {tool.name} {field}: … and {len(wrong) - SHOW_FAILURES} more pages")


def print_summary(results: Results, tools: Sequence[Tool]) -> None:
    """The ratio line and a PASS/FAIL line per target."""
    times = {tool.name: tool_times(results, tool) for tool in tools}
    ours = times["ours"][ALL][0]
    rivals = "; ".join(
        f"{name}: {group[ALL][0]:.2f} ms/page ({group[ALL][0] / ours:.1f}× slower)"
        for name, group in times.items()
        if name != "ours"
    )
    print(f"\nours: {ours:.2f} ms/page; {rivals}")
    decode = by_group(results, results.decode)[ALL][0]
    print(f"ours + decode_html: {ours + decode:.2f} ms/page (decode alone {decode:.3f} ms)")
    slowest = max(t["ours"] for t in results.times) / 1e6
    print(f"target ≤ {TARGET_MS:g} ms on every page: {_verdict(slowest <= TARGET_MS)} "
          f"(mean {ours:.3f} ms, slowest page {slowest:.3f} ms)")  # fmt: skip
    ratios = {g: times["GNE"][g][0] / times["ours"][g][0] for g in times["ours"]}
    shown = ", ".join(f"{g} {r:.1f}×" for g, r in ratios.items())
    print(f"target ≥ {TARGET_GNE_RATIO:g}× faster than GNE in every page group: "
          f"{_verdict(min(ratios.values()) >= TARGET_GNE_RATIO)} ({shown})")  # fmt: skip
    ours_wrong = sum(any(v["ours"].values()) for v in results.verdicts)
    print(f"target ours all fields right: {_verdict(ours_wrong == 0)} "
          f"({len(results.pages) - ours_wrong}/{len(results.pages)} pages)")  # fmt: skip
    for tool in tools[1:]:
        bad = [i for i, v in enumerate(results.verdicts) if any(v[tool.name].values())]
        ours_right = sum(not any(results.verdicts[i]["ours"].values()) for i in bad)
        print(f"pages where {tool.name} gets a field wrong: {len(bad)}; "
              f"ours all right on {ours_right} of them")  # fmt: skip


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: Sequence[str] | None = None) -> None:
    """Build the pages, measure every tool on them, print the tables and the targets."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="timed passes of each tool")
    parser.add_argument("--generated", type=int, default=300, help="generated mirror articles")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.generated < 0:
        parser.error("--repeat must be ≥ 1 and --generated ≥ 0")
    tools = [our_tool(), *rival_tools()]
    pages = world_pages(default_world(), "mirror") + fixture_pages()
    if args.generated:
        pages += world_pages(make_world(args.generated), "generated")
    started = time.perf_counter()
    results = measure(pages, tools, args.repeat)
    print(f"{len(pages)} article pages; {args.repeat} timed passes per tool, median per page; "
          f"trafilatura with {TRAFILATURA_BEST}")  # fmt: skip
    print_times(results, tools)
    print_correctness(results, tools)
    print_summary(results, tools)
    print(f"(measured in {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
