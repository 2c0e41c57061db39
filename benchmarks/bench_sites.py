"""Many sites at once: a crawl of 20 sites against a crawl of one, with the polite defaults.

    python -m benchmarks.bench_sites [--sites 20] [--articles 60] [--latency 0.2]

Serves ``--sites`` copies of a small news site (``--articles`` articles each, under the host
names ``site01.mirror.test`` …) from an asyncio proxy in a process of its own
(:mod:`benchmarks.mirror`) that answers every request after ``--latency`` seconds, as a distant
site does. Crawls one site with ``archiver crawl`` and its default, polite settings (each
site's own delay, AutoThrottle, two requests at a time per site), then all of them in one
crawl, and prints the pages per second of each (from its first request to its last answer,
as the mirror logged them: start-up is left out) and their ratio. Target: ≥ 15× the one-site
crawl's pages per second for 20 sites: the sites are fetched side by side, each within its
own limits.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.mirror import Mirror, host_name, page_count, start_urls


def crawl(mirror: Mirror, folder: Path, hosts: list[str], extra: list[str]) -> float:
    """Crawl the sites on ``hosts`` into a new archive in ``folder``; the seconds from its
    first request to its last answer, as the mirror logged them (start-up left out)."""
    mirror.log.write_text("")
    db = folder / "archive.db"
    command = [sys.executable, "-m", "archiver", "crawl", "--db", str(db)]
    command += [arg for host in hosts for url in start_urls(host) for arg in ("--start-url", url)]
    command += [arg for item in extra for arg in ("--set", item)]
    done = subprocess.run(command, env=mirror.env(), cwd=folder, capture_output=True, text=True)
    times = [float(line.split()[0]) for line in mirror.log.read_text().splitlines()]
    seconds = max(times) - min(times)
    if done.returncode != 0:
        sys.exit(f"archiver crawl failed ({done.returncode}): {done.stderr[-3000:]}")
    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute("SELECT count(*) FROM documents").fetchone()
    return seconds if stored else sys.exit("the crawl stored nothing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--articles", type=int, default=60, help="articles of each site")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds to each answer")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="a setting of both crawls (to try one)",
    )  # fmt: skip
    args = parser.parse_args()
    hosts = [host_name(i) for i in range(1, args.sites + 1)]
    pages = page_count(args.articles)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "answers.log"
        with Mirror(args.articles, hosts=args.sites, latency=args.latency, log=log) as mirror:
            one_folder, all_folder = Path(tmp) / "one", Path(tmp) / "all"
            one_folder.mkdir(), all_folder.mkdir()
            one = crawl(mirror, one_folder, hosts[:1], args.set)
            print(f"1 site:   {pages / one:6.2f} pages/s", file=sys.stderr)
            many = crawl(mirror, all_folder, hosts, args.set)
            print(f"{args.sites} sites: {pages * args.sites / many:6.2f} pages/s", file=sys.stderr)
    rate_one, rate_many = pages / one, pages * args.sites / many
    print(f"{pages} pages a site, each answer after {args.latency:.2f} s, default settings")
    print(f"{'':<12}{'pages':>8}{'seconds':>10}{'pages/s':>10}")
    print(f"{'1 site':<12}{pages:>8}{one:>10.1f}{rate_one:>10.2f}")
    print(f"{f'{args.sites} sites':<12}{pages * args.sites:>8}{many:>10.1f}{rate_many:>10.2f}")
    print(f"ratio {rate_many / rate_one:.1f}× (target ≥ {0.75 * args.sites:g}×)")


if __name__ == "__main__":
    main()
