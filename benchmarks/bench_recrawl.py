"""Re-crawl of an unchanged mirror against the first crawl: requests and bytes, side by side.

    python -m benchmarks.bench_recrawl [--articles 5000]

Serves a generated mirror of the news site (plus the bureau sites and the web archive) on
127.0.0.1, crawls it into a fresh archive, then crawls it again unchanged, and prints both
crawls' requests and bytes as the server counted them, and their ratio. Target: the re-crawl
makes under 5% of the first crawl's requests.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.mockweb import MockWeb, make_world

FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False",
        "--set", "RETRY_BACKOFF_BASE=0", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        "--set", "CONCURRENT_REQUESTS=16"]  # fmt: skip


def crawl_once(web: MockWeb, db: Path) -> tuple[int, int, float]:
    """One crawl; returns (requests, body bytes sent by the server, seconds)."""
    web.clear_log()
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "archiver", "crawl", "--db", str(db), *FAST],
        env={**os.environ, **web.env()},
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"crawl failed ({result.returncode}): {result.stderr[-2000:]}")
    log = [e for e in web.log if e.method != "CONNECT"]  # tunnels are not requests
    return len(log), sum(e.bytes_sent for e in log), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    args = parser.parse_args()
    world = make_world(n_articles=args.articles, per_page=20)
    with tempfile.TemporaryDirectory() as tmp, MockWeb(world) as web:
        db = Path(tmp) / "archive.db"
        first = crawl_once(web, db)
        second = crawl_once(web, db)
    print(f"mirror of {args.articles} articles")
    print(f"{'':<12}{'requests':>10}{'bytes':>14}{'seconds':>10}")
    for name, (requests, size, seconds) in (("first", first), ("re-crawl", second)):
        print(f"{name:<12}{requests:>10}{size:>14,}{seconds:>10.1f}")
    print(f"ratio       {second[0] / first[0]:>10.2%}{second[1] / first[1]:>14.2%}")
    print("target: re-crawl requests under 5% of the first crawl's")


if __name__ == "__main__":
    main()
