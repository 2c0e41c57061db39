"""End to end: on a terminal, a crawl shows its progress (elapsed time, rate, pages per site)
and prints its log lines whole above it (issue 13)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path
from urllib.parse import urlsplit

from tests.crawling import FAST
from tests.mockweb import MockWeb, World, catalog

_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def crawl_on_a_terminal(web: MockWeb, db: Path) -> tuple[int, str, str]:
    """Crawl with stderr on a pseudo-terminal 200 columns wide: (status, stdout, terminal)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    env = {k: v for k, v in {**os.environ, **web.env()}.items() if k != "NO_COLOR"}
    env.update(TERM="xterm-256color", COLUMNS="200", LINES="50")
    proc = subprocess.Popen(
        [sys.executable, "-m", "archiver", "crawl", "--db", str(db), *FAST],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower, env=env,
    )  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        assert ready, "the crawl wrote nothing for two minutes"
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.stdout is not None
    out = proc.stdout.read().decode("utf-8")
    return proc.wait(60), out, b"".join(chunks).decode("utf-8", "replace")


def test_progress_on_a_terminal_with_log_lines_above_it(
    mockweb: MockWeb, world: World, tmp_path: Path
) -> None:
    dead = catalog.A_SPORTS
    mockweb.remove_page(urlsplit(dead.url).hostname or "", urlsplit(dead.url).path)
    status, out, shown = crawl_on_a_terminal(mockweb, tmp_path / "archive.db")
    assert status == 3, shown[-3000:]
    assert out.startswith("crawl run 1: partial")  # the summary, on stdout as ever
    lines = [line for raw in _ESCAPE.sub("", shown).splitlines() for line in raw.split("\r")]
    # the display: totals with elapsed time and rate, then pages per site
    totals = [line for line in lines if "pages/s" in line]
    assert totals, shown[-3000:]
    assert re.search(r"crawling +\d\d:\d\d:\d\d elapsed +\d+ pages +\d+\.\d pages/s", totals[-1])
    assert any(re.match(r"\s*xww\.bucea\.edu\.cn\s+\d+\s+1\s*$", line) for line in lines), lines
    # the failure's log line is printed whole, on a line of its own
    logged = [line for line in lines if f"failed to fetch {dead.url}: HTTP 404" in line]
    assert len(logged) == 1, lines
    assert "ERROR" in logged[0] and "pages/s" not in logged[0]
    # and the display is taken away at the end: the terminal's last line is the run's end
    assert "crawl run 1 finished: partial" in [line for line in lines if line.strip()][-1]
