"""A distributed crawl with 1, 2 and 4 fetching processes: pages per second, side by side.

    python -m benchmarks.bench_distributed [--articles 600] [--latency 0.2] [--concurrency 2]

Serves a generated mirror of the news site (plus the bureau sites and the web archive) on
127.0.0.1, every answer taking ``--latency`` seconds as a real site's does, and crawls it with
a real redis-server three times into fresh archives: ``archiver crawl --redis`` alone, then
with one and with three ``archiver worker`` processes beside it. Each process fetches
``--concurrency`` requests at a time (``CONCURRENT_REQUESTS``); the per-site limits are set
high (64 at a time, no delay), so that they, shared by all processes, are not what is
measured. What is: how the fetching scales when each answer waits on the network (on a
machine with few cores, more fetching processes soon wait on the processor instead). Prints
the pages per second of each run (the run's requests over its duration, as the archive
records them) and the ratios to one process. Target: at least 1.8× with 2 processes and 3× with 4.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.mockweb import MockWeb, make_world
from tests.redisserver import redis_server

SETTINGS = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False",
            "--set", "RETRY_BACKOFF_BASE=0", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=64",
            "--set", "ARCHIVER_ATTACHMENT_TEXT=False"]  # fmt: skip


def slow(resolve: Any, latency: float) -> Any:
    def answer(request: Any) -> Any:
        time.sleep(latency)
        return resolve(request)

    return answer


def crawl(web: MockWeb, folder: Path, processes: int, concurrency: int) -> tuple[int, float]:
    """One distributed crawl with ``processes`` fetching processes; (requests, seconds)."""
    env = {**os.environ, **web.env()}
    env.pop("ARCHIVER_DB", None)
    with redis_server(folder / "redis") as url:
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "archiver",
                    "worker",
                    "--redis",
                    url,
                    "--name",
                    f"w{n}",
                    "--warc-dir",
                    str(folder / f"warc-w{n}"),
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            for n in range(processes - 1)
        ]
        time.sleep(5)  # the workers are up and waiting for the crawl
        db = folder / "archive.db"
        result = subprocess.run(
            [sys.executable, "-m", "archiver", "crawl", "--db", str(db), "--redis", url,
             *SETTINGS, "--set", f"CONCURRENT_REQUESTS={concurrency}"],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        for worker in workers:
            worker.wait(timeout=120)
    if result.returncode not in (0, 3):
        sys.exit(f"crawl failed ({result.returncode}): {result.stderr[-2000:]}")
    with sqlite3.connect(db) as conn:
        requests, started, finished = conn.execute(
            "SELECT requests, started_at, finished_at FROM crawl_runs"
        ).fetchone()
    seconds = (_time(finished) - _time(started)).total_seconds()
    return int(requests), max(seconds, 1.0)


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    world = make_world(n_articles=args.articles, per_page=50)
    world.resolve = slow(world.resolve, args.latency)  # type: ignore[method-assign]
    rates: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp, MockWeb(world) as web:
        print(f"mirror of {args.articles} articles, {args.latency * 1000:.0f} ms per answer, "
              f"{args.concurrency} requests at a time per process")  # fmt: skip
        print(f"{'processes':<12}{'requests':>10}{'seconds':>10}{'pages/s':>10}{'ratio':>8}")
        for processes in (1, 2, 4):
            folder = Path(tmp) / f"p{processes}"
            folder.mkdir()
            requests, seconds = crawl(web, folder, processes, args.concurrency)
            rates[processes] = requests / seconds
            ratio = rates[processes] / rates[1]
            print(f"{processes:<12}{requests:>10}{seconds:>10.0f}{rates[processes]:>10.1f}"
                  f"{ratio:>7.2f}×")  # fmt: skip
    print("target: at least 1.80× with 2 processes and 3.00× with 4")


if __name__ == "__main__":
    main()
