"""End to end: a crawl stopped by SIGTERM (or Ctrl-C) closes its run as interrupted and exits
130; one stopped at once (SIGKILL, a second Ctrl-C) is left running, and the next crawl marks
it interrupted (issue 13)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.crawling import crawl, stored
from tests.mockweb import MockWeb

SLOW = ["--set", "DOWNLOAD_DELAY=0.5", "--set", "AUTOTHROTTLE_ENABLED=False",
        "--set", "RETRY_BACKOFF_BASE=0", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]  # fmt: skip


def crawl_caught_midway(web: MockWeb, db: Path) -> subprocess.Popen[str]:
    """A slow crawl of ``db``, returned once it has stored a few articles (and not all)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "archiver", "crawl", "--db", str(db), *SLOW],
        env={**os.environ, **web.env()}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while stored(db, "SELECT count(*) FROM documents WHERE kind = 'news'") < 2:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the crawl stored nothing in 90 s"
        time.sleep(0.05)
    return proc


def runs(db: Path) -> list[dict[str, object]]:
    """The runs as the archive keeps them, newest first."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM crawl_runs ORDER BY id DESC")]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_signal_closes_the_run_as_interrupted_and_exits_130(
    mockweb: MockWeb, tmp_path: Path, signum: int
) -> None:
    db = tmp_path / "archive.db"
    proc = crawl_caught_midway(mockweb, db)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-3000:]
    assert "Traceback" not in err
    assert "pages/s" not in err  # no progress display when stderr is no terminal
    assert out.startswith("crawl run 1: interrupted (stopped by a signal)")
    (run,) = runs(db)
    assert (run["outcome"], run["message"]) == ("interrupted", "stopped by a signal")
    assert run["finished_at"]
    assert 2 <= stored(db, "SELECT count(*) FROM documents WHERE kind = 'news'") < 12
    # the log says when the run started and how it ended
    assert "NOTICE: crawl run 1 started: " in err
    assert "NOTICE: crawl run 1 finished: interrupted (stopped by a signal)" in err


@pytest.mark.parametrize("how", ["SIGKILL", "Ctrl-C twice"])
def test_a_run_stopped_at_once_is_marked_interrupted_by_the_next_crawl(
    mockweb: MockWeb, tmp_path: Path, how: str
) -> None:
    db = tmp_path / "archive.db"
    proc = crawl_caught_midway(mockweb, db)
    if how == "SIGKILL":
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    else:  # the second stops the crawl at once, without waiting for what is in flight
        proc.send_signal(signal.SIGINT)
        time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err[-3000:]
        assert out.startswith("crawl run 1: interrupted (stopped at once by a second signal)")
        assert "Traceback" not in err
    assert [r["outcome"] for r in runs(db)] == ["running"]  # nobody could close it
    again = crawl(mockweb, db)
    assert again.returncode == 0, again.stderr[-3000:]
    second, first = runs(db)
    assert (second["id"], second["outcome"]) == (2, "ok")
    assert (first["id"], first["outcome"]) == (1, "interrupted")
    assert first["message"] == "the crawl was killed (found running by the next crawl)"
    assert stored(db, "SELECT count(*) FROM documents WHERE kind = 'news'") == 12
