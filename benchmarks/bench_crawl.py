"""``archiver crawl`` against a bare Scrapy spider on a local mirror: pages/s and CPU per page.

    python -m benchmarks.bench_crawl [--articles 10000] [--rounds 2]
    python -m benchmarks.bench_crawl --articles 1000 --rounds 1      # quick: under a minute

Serves a mirror of the news site (``--articles`` articles and their list pages) from an asyncio
proxy in a process of its own (:mod:`benchmarks.mirror`), then crawls it, alternately, with
the bare spider (:mod:`benchmarks.bare_spider`: follows the same links, parses and stores
nothing) and with ``archiver crawl`` into a fresh archive each time (extraction, SQLite and
WARC all on). Politeness is lifted on both sides: no delay, no AutoThrottle, 32 requests at a
time. Each crawl runs in a child process; its CPU time (user + system, its own children
included) comes from ``os.wait4``. Prints pages per second and CPU milliseconds per page of
each, the best round of each and their ratios, and each round's own ratios (the two crawls of a
round run one after the other, so a machine whose speed drifts moves both alike). Targets:
≥ 0.85× the bare spider's pages per second, ≤ 1.3× its CPU per page.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.bare_spider import FAST
from benchmarks.mirror import Mirror, page_count, start_urls


@dataclass(frozen=True)
class Run:
    """One crawl's wall time and CPU time (seconds)."""

    seconds: float
    cpu: float


def run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[Run, str]:
    """Run ``command``; its wall and CPU time, and its stdout. Exits on failure."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=err, text=True)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0), err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{command[2]} failed: {err.read()[-3000:]}")
        return Run(seconds, usage.ru_utime + usage.ru_stime), out.read()


def bare(mirror: Mirror, folder: Path, pages: int) -> Run:
    command = [sys.executable, "-m", "benchmarks.bare_spider", *start_urls()]
    result, out = run(command, mirror.env(), folder)
    if int(out.split()[-1]) != pages - 1:  # robots.txt is no response of a callback
        sys.exit(f"the bare spider got {out.split()[-1]} pages, not {pages - 1}")
    return result


def archiver(mirror: Mirror, folder: Path, n_articles: int, extra: list[str]) -> Run:
    db = folder / "archive.db"
    settings = [f"{name}={value}" for name, value in FAST.items()] + extra
    command = [sys.executable, "-m", "archiver", "crawl", "--db", str(db)]
    command += [arg for url in start_urls() for arg in ("--start-url", url)]
    command += [arg for item in settings for arg in ("--set", item)]
    result, _out = run(command, mirror.env(), folder)
    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute("SELECT count(*) FROM documents WHERE kind = 'news'").fetchone()
    if stored != n_articles:
        sys.exit(f"archiver crawl stored {stored} articles, not {n_articles}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2, help="crawls of each side, alternating")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="a setting of the archiver's crawls only (to try one)",
    )  # fmt: skip
    args = parser.parse_args()
    pages = page_count(args.articles)
    results: dict[str, list[Run]] = {"bare Scrapy": [], "archiver crawl": []}
    with Mirror(args.articles) as mirror, tempfile.TemporaryDirectory() as tmp:
        for i in range(args.rounds):
            for name in results:
                folder = Path(tmp) / f"{i}-{name.split()[0]}"
                folder.mkdir()
                if name == "bare Scrapy":
                    one = bare(mirror, folder, pages)
                else:
                    one = archiver(mirror, folder, args.articles, args.set)
                results[name].append(one)
                print(
                    f"round {i + 1} {name:<15}{pages / one.seconds:>8.0f} pages/s"
                    f"{one.cpu / pages * 1000:>8.2f} ms CPU/page",
                    file=sys.stderr,
                )
    print(f"mirror of {args.articles} articles: {pages} pages a crawl, best of {args.rounds}")
    print(f"{'':<16}{'pages/s':>10}{'CPU ms/page':>14}")
    best = {}
    for name, runs in results.items():
        rate = max(pages / r.seconds for r in runs)
        cpu = min(r.cpu / pages * 1000 for r in runs)
        best[name] = (rate, cpu)
        print(f"{name:<16}{rate:>10.0f}{cpu:>14.2f}")
    (rate_b, cpu_b), (rate_a, cpu_a) = best["bare Scrapy"], best["archiver crawl"]
    print(f"{'ratio':<16}{rate_a / rate_b:>9.2f}×{cpu_a / cpu_b:>13.2f}×")
    # each round's own ratio: its two crawls ran one after the other, so a machine whose
    # speed drifts over the run (another tenant of the host) moves both alike
    pairs = list(zip(results["bare Scrapy"], results["archiver crawl"], strict=True))
    rates = sorted(b.seconds / a.seconds for b, a in pairs)
    cpus = sorted(a.cpu / b.cpu for b, a in pairs)
    print(f"{'round by round':<16}{_spread(rates):>10}{_spread(cpus):>14}")
    print(f"{'median round':<16}{statistics.median(rates):>9.2f}×"
          f"{statistics.median(cpus):>13.2f}×")  # fmt: skip
    print("targets: pages/s ≥ 0.85× the bare spider's, CPU per page ≤ 1.3×")


def _spread(ratios: list[float]) -> str:
    return f"{ratios[0]:.2f}–{ratios[-1]:.2f}×" if len(ratios) > 1 else f"{ratios[0]:.2f}×"


if __name__ == "__main__":
    main()
