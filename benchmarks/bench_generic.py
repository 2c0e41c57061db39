"""The generic extractor against trafilatura and GNE on Chinese article pages, same run.

    python -m benchmarks.bench_generic [--repeat 3] [--worst 5] [--genericset DIR]

Run it from the repository root. GNE and trafilatura are benchmark-only:
``pip install -e '.[bench]'``.

Pages:

- ``genericset``: the 53 real Chinese article pages of ``shared/genericset`` (news portals,
  government and science sites, blogs; from the magic-html benchmark) with their checked
  main text. They are read from there, never copied into the repository. They carry no
  date labels, so they measure the body only.
- ``fixtures``: the pages of ``tests/fixtures/pages/generic/``, written for this project to
  the markup of several CMS families and custom templates, with their expected title, date
  (or none: pages with a date only in the URL, the footer, a "today" widget or a sidebar)
  and body in ``expected.json``. They measure the body and the date.

Measures, per tool:

- body: character-bigram F1 against the checked text. All whitespace is removed first
  (Chinese has no word spaces, and tools break lines differently); F1 is that of the
  multisets of bigrams (precision: the share of the tool's bigrams found in the truth,
  recall: the share of the truth's found in the tool's). A page with no answer scores 0;
- date: the ``YYYY-MM-DD`` part, right when it equals the page's, or when the page prints
  none and the tool gives none; pages that print one and pages that print none are
  counted apart;
- time: each tool makes one untimed pass over all pages (its answers are the ones
  checked), then ``--repeat`` timed passes, tools taking turns pass by pass; a page's time
  is the median of its passes, a tool's the mean and maximum over pages. Every tool reads
  the same decoded ``str``. Time is the process's CPU time (``time.process_time_ns``):
  on a shared machine wall time also counts the other processes' turns, and the ratio
  between tools is what carries from one machine to another.

Settings: ours as the crawl calls it (``extract_generic(html, url)``). trafilatura
``bare_extraction(html, url=url, with_metadata=True, favor_precision=False,
include_tables=True, include_comments=False)``. GNE as it comes
(``GeneralNewsExtractor().extract(html)``, one instance, no site XPaths).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.extract import decode_html
from archiver.extract.generic import extract_generic

REPO = Path(__file__).resolve().parents[1]
GENERICSET = REPO.parent / "shared" / "genericset"
FIXTURES = REPO / "tests" / "fixtures" / "pages" / "generic"

TARGET_F1 = 0.90
TARGET_MARGIN = 0.05
TARGET_DATES = 0.90
TARGET_MS = 20.0
NO_LABEL = "?"  # a page whose date is not known (genericset)

_YMD = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Page:
    """A page, the decoded text every tool reads, its checked body and its date
    (``YYYY-MM-DD``, None when it prints none, :data:`NO_LABEL` when unknown)."""

    group: str
    name: str
    url: str
    html: str
    body: str
    date: str | None


@dataclass(frozen=True)
class Answer:
    """A tool's body text and date (``YYYY-MM-DD`` or None)."""

    body: str
    date: str | None


@dataclass(frozen=True)
class Tool:
    """A timed extraction (``run``) and the untimed reading of its answer (``read``)."""

    name: str
    run: Callable[[str, str], Any]
    read: Callable[[Any], Answer]


# -- pages ----------------------------------------------------------------------------------


def genericset_pages(root: Path) -> list[Page]:
    """The pages of the public set, with their checked main text."""
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        html, _ = decode_html((root / "pages" / f"{key}.html").read_bytes())
        entry = truth[key]
        pages.append(Page("genericset", key, entry["url"], html, entry["body"], NO_LABEL))
    return pages


def fixture_pages(root: Path = FIXTURES) -> list[Page]:
    """The project's own pages, with their expected body and date."""
    expected = json.loads((root / "expected.json").read_text(encoding="utf-8"))
    pages = []
    for name, facts in expected.items():
        html, _ = decode_html((root / name).read_bytes(), facts.get("content_type"))
        published = facts["published"]
        pages.append(Page("fixtures", name, facts["url"], html, facts["body"], ymd(published)))
    return pages


# -- tools ----------------------------------------------------------------------------------


def ymd(value: object) -> str | None:
    """The ``YYYY-MM-DD`` of any date-like answer; None for none."""
    if not value:
        return None
    match = _YMD.search(str(value))
    if match is None:
        return None
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def our_tool() -> Tool:
    def read(article: Any) -> Answer:
        return Answer(article.body, ymd(article.published))

    return Tool("ours", extract_generic, read)


def trafilatura_tool() -> Tool:
    import trafilatura

    def run(html: str, url: str) -> Any:
        return trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            favor_precision=False,
            include_tables=True,
            include_comments=False,
        )

    def read(result: Any) -> Answer:
        if result is None:
            return Answer("", None)
        if isinstance(result, dict):
            return Answer(result.get("text") or "", ymd(result.get("date")))
        return Answer(getattr(result, "text", None) or "", ymd(getattr(result, "date", None)))

    return Tool("trafilatura", run, read)


def gne_tool() -> Tool:
    from gne import GeneralNewsExtractor

    extractor = GeneralNewsExtractor()

    def run(html: str, url: str) -> Any:
        try:
            return extractor.extract(html)
        except Exception as error:  # GNE raises on some pages; that page scores 0
            return error

    def read(result: Any) -> Answer:
        if not isinstance(result, dict):
            return Answer("", None)
        return Answer(result.get("content") or "", ymd(result.get("publish_time")))

    return Tool("GNE", run, read)


# -- measures -------------------------------------------------------------------------------


def bigrams(text: str) -> Counter[str]:
    """The multiset of character bigrams of ``text`` with all whitespace removed."""
    squashed = _WHITESPACE.sub("", text)
    return Counter(squashed[i : i + 2] for i in range(len(squashed) - 1))


def bigram_f1(answer: str, truth: str) -> float:
    """F1 of the bigram multisets of ``answer`` against ``truth``."""
    got, want = bigrams(answer), bigrams(truth)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(got.values())
    recall = overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


@dataclass
class Result:
    """A tool's answers and times over all pages."""

    tool: str
    answers: dict[str, Answer]
    times_ms: dict[str, float]

    def f1(self, pages: Sequence[Page]) -> dict[str, float]:
        return {p.name: bigram_f1(self.answers[p.name].body, p.body) for p in pages}

    def dates(self, pages: Sequence[Page]) -> tuple[int, int, int, int]:
        """(right, pages printing a date, right 'none', pages printing none)."""
        dated = [p for p in pages if p.date not in (None, NO_LABEL)]
        undated = [p for p in pages if p.date is None]
        right = sum(self.answers[p.name].date == p.date for p in dated)
        none = sum(self.answers[p.name].date is None for p in undated)
        return right, len(dated), none, len(undated)


def measure(tools: Sequence[Tool], pages: Sequence[Page], repeat: int) -> list[Result]:
    """Every tool over every page: one untimed pass, then ``repeat`` timed passes."""
    results = []
    for tool in tools:
        answers = {p.name: tool.read(tool.run(p.html, p.url)) for p in pages}
        results.append(Result(tool.name, answers, {}))
    samples: dict[tuple[str, str], list[float]] = {}
    for round_ in range(repeat):
        order = list(range(len(tools)))
        order = order[round_ % len(tools) :] + order[: round_ % len(tools)]
        for i in order:
            tool = tools[i]
            for page in pages:
                start = time.process_time_ns()
                tool.run(page.html, page.url)
                elapsed = (time.process_time_ns() - start) / 1e6
                samples.setdefault((tool.name, page.name), []).append(elapsed)
    for result in results:
        result.times_ms = {p.name: statistics.median(samples[(result.tool, p.name)]) for p in pages}
    return results


# -- report ---------------------------------------------------------------------------------


def report(
    results: Sequence[Result], generic: Sequence[Page], fixtures: Sequence[Page], worst: int
) -> bool:
    """Print the table, the ratios and the targets; True when every target is met."""
    print(
        f"pages: genericset {len(generic)} (checked main text), "
        f"fixtures {len(fixtures)} (checked body and date)\n"
    )
    header = (
        f"{'tool':<12} {'F1 genericset':>13} {'F1 fixtures':>11} {'dates right':>12} "
        f"{'no date invented':>16} {'mean ms':>8} {'max ms':>8} {'ms genericset':>13}"
    )
    print(header)
    print("-" * len(header))
    rows: dict[str, tuple[float, float, float]] = {}
    for result in results:
        f1_generic = statistics.mean(result.f1(generic).values()) if generic else 0.0
        f1_fixtures = statistics.mean(result.f1(fixtures).values()) if fixtures else 0.0
        right, dated, none, undated = result.dates(fixtures)
        times = list(result.times_ms.values())
        mean_ms, max_ms = statistics.mean(times), max(times)
        generic_ms = statistics.mean(result.times_ms[p.name] for p in generic) if generic else 0
        rows[result.tool] = (f1_generic, mean_ms, right / dated if dated else 1.0)
        print(
            f"{result.tool:<12} {f1_generic:>13.3f} {f1_fixtures:>11.3f} "
            f"{f'{right}/{dated}':>12} {f'{none}/{undated}':>16} {mean_ms:>8.2f} "
            f"{max_ms:>8.1f} {generic_ms:>13.2f}"
        )
    ours = rows["ours"]
    print()
    for name, (f1, mean_ms, _) in rows.items():
        if name == "ours":
            continue
        print(
            f"ours vs {name}: F1 {ours[0] - f1:+.3f} ({ours[0] / f1:.2f}x), "
            f"time {ours[1] / mean_ms:.2f}x ({mean_ms / ours[1]:.1f}x faster)"
        )
    if worst:
        for result in results:
            scores = sorted(result.f1(generic).items(), key=lambda kv: kv[1])[:worst]
            listed = ", ".join(f"{name} {score:.2f}" for name, score in scores)
            print(f"lowest F1, {result.tool}: {listed}")
    ours_result = next(r for r in results if r.tool == "ours")
    right, dated, none, undated = ours_result.dates(fixtures)
    best_peer = max(f1 for name, (f1, _, _) in rows.items() if name != "ours")
    checks = {
        f"mean body F1 >= {TARGET_F1} on genericset": ours[0] >= TARGET_F1,
        f"at least {TARGET_MARGIN} above trafilatura": "trafilatura" not in rows
        or ours[0] >= rows["trafilatura"][0] + TARGET_MARGIN,
        "above every peer": ours[0] > best_peer,
        f"dates right on >= {TARGET_DATES:.0%} of pages printing one": ours[2] >= TARGET_DATES,
        "no date where the page prints none": none == undated,
        f"mean time <= {TARGET_MS:g} ms per page": ours[1] <= TARGET_MS,
    }
    print()
    for name, met in checks.items():
        print(f"{'met ' if met else 'MISSED'} {name}")
    return all(checks.values())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison; exit status 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (default 3)")
    parser.add_argument("--worst", type=int, default=5, help="list each tool's N lowest F1")
    parser.add_argument(
        "--genericset",
        type=Path,
        default=GENERICSET,
        help=f"the public page set (default {GENERICSET})",
    )
    args = parser.parse_args(argv)
    if not (args.genericset / "truth.json").is_file():
        parser.error(f"no truth.json in {args.genericset}")
    generic = genericset_pages(args.genericset)
    fixtures = fixture_pages()
    pages = generic + fixtures
    tools = [our_tool(), trafilatura_tool(), gne_tool()]
    results = measure(tools, pages, max(1, args.repeat))
    return 0 if report(results, generic, fixtures, args.worst) else 1


if __name__ == "__main__":
    sys.exit(main())
