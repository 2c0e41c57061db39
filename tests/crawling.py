"""The archiver CLI run in a subprocess, its traffic routed to the mock web.

A crawl runs in a subprocess because Twisted's reactor cannot restart in one process; it uses
the real host names, and ``http_proxy``/``https_proxy`` send them to the mock web.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.mockweb import MockWeb

FAST = [
    "--set", "DOWNLOAD_DELAY=0",
    "--set", "AUTOTHROTTLE_ENABLED=False",
    "--set", "RETRY_BACKOFF_BASE=0",
]  # fmt: skip


def archiver(
    web: MockWeb | dict[str, str], *args: str, cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI in a subprocess whose traffic goes to the mock web.

    ``web`` may also be the proxy variables of a mock web that has since been stopped.
    """
    env = {**os.environ, **(web.env() if isinstance(web, MockWeb) else web)}
    env.pop("ARCHIVER_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "archiver", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def crawl(web: MockWeb, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return archiver(web, "crawl", "--db", str(db), *FAST, *extra, cwd=db.parent)


def export(web: MockWeb | dict[str, str], db: Path, *extra: str) -> list[dict[str, Any]]:
    result = archiver(web, "export", "--db", str(db), "--format", "jsonl", *extra, cwd=db.parent)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]
