"""The archiver CLI run in a subprocess, its traffic routed to the mock web.

A crawl runs in a subprocess because Twisted's reactor cannot restart in one process; it uses
the real host names, and ``http_proxy``/``https_proxy`` send them to the mock web.
``FinishedCrawl`` keeps what one crawl left, for tests that only read it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tests.mockweb import LogEntry, MockWeb, World

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


def crawl_measured(
    web: MockWeb, db: Path, *extra: str
) -> tuple[subprocess.CompletedProcess[str], int]:
    """:func:`crawl`, and the crawl's peak memory (resident set, bytes)."""
    env = {**os.environ, **web.env()}
    env.pop("ARCHIVER_DB", None)
    args = [sys.executable, "-m", "archiver", "crawl", "--db", str(db), *FAST, *extra]
    with (db.parent / "crawl.out").open("w+") as out, (db.parent / "crawl.err").open("w+") as err:
        proc = subprocess.Popen(args, cwd=db.parent, env=env, stdout=out, stderr=err, text=True)
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)  # the child's own rusage
        except BaseException:
            proc.kill()
            raise
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        done = subprocess.CompletedProcess(args, proc.returncode, out.read(), err.read())
    return done, usage.ru_maxrss * 1024  # kilobytes on Linux


def export(web: MockWeb | dict[str, str], db: Path, *extra: str) -> list[dict[str, Any]]:
    result = archiver(web, "export", "--db", str(db), "--format", "jsonl", *extra, cwd=db.parent)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@dataclass(frozen=True)
class FinishedCrawl:
    """What one ``archiver crawl`` of a world left: its outcome, its files, its export, and
    the requests the mock web answered during it.

    Made to be shared by several tests, so nothing it hands out is shared: every call gives
    a new copy, and the crawl's own folder (database, WARC files) is never handed out.
    """

    _result: subprocess.CompletedProcess[str]
    _folder: Path
    _export: tuple[str, ...]  # JSON lines
    log: tuple[LogEntry, ...]  # in order; the headers are read-only

    @classmethod
    def run(cls, world: World, folder: Path) -> FinishedCrawl:
        """Crawl ``world`` through a mock web of its own into ``folder``/archive.db, export."""
        db = folder / "archive.db"
        with MockWeb(world) as web:
            result = crawl(web, db)
            log = tuple(
                dataclasses.replace(e, headers=MappingProxyType(dict(e.headers))) for e in web.log
            )
            lines = archiver(web, "export", "--db", str(db), "--format", "jsonl", cwd=folder)
        assert lines.returncode == 0, lines.stderr
        return cls(result, folder, tuple(lines.stdout.splitlines()), log)

    def result(self) -> subprocess.CompletedProcess[str]:
        """The crawl's exit status, stdout and stderr."""
        r = self._result
        return subprocess.CompletedProcess(list(r.args), r.returncode, r.stdout, r.stderr)

    def records(self) -> list[dict[str, Any]]:
        """The export (``--format jsonl``) taken right after the crawl."""
        return [json.loads(line) for line in self._export]

    def requested_urls(self) -> list[str]:
        """URLs of the logged requests (CONNECTs left out), in order, as the mock web's."""
        return [e.url for e in self.log if e.method != "CONNECT"]

    def copy_to(self, folder: Path) -> Path:
        """A copy of the crawl's files (database, WARC files) in ``folder``; its database."""
        shutil.copytree(self._folder, folder, dirs_exist_ok=True)
        return folder / "archive.db"


def stored(db: Path, sql: str) -> int:
    """The number ``sql`` counts in the archive ``db`` while a crawl writes it (0 before it
    exists)."""
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0
