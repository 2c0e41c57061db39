"""pywb, the Webrecorder wayback machine, run as it is run by hand: ``wb-manager`` + ``wayback``.

pywb runs in child processes, never in the test process: its apps call gevent's
``patch_all()`` on import, which would monkey-patch sockets, threads and ``subprocess`` for
every test of the session (and the mock web's threaded proxy with them).

The interpreter is ``$ARCHIVER_PYWB_PYTHON``, else the repository's ``.venv-replay`` (made by
the README's test command: pywb's pins clash with the crawler's dependencies, so it lives in a
virtualenv of its own), else the test's own.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from types import TracebackType
from typing import Self

_REPLAY_VENV_PYTHON = Path(__file__).resolve().parent.parent / ".venv-replay" / "bin" / "python"
PYWB_PYTHON = os.environ.get("ARCHIVER_PYWB_PYTHON") or (
    str(_REPLAY_VENV_PYTHON) if _REPLAY_VENV_PYTHON.exists() else sys.executable
)
# wb-manager init COLL, then wb-manager add COLL WARC... (one interpreter start, not two)
_INIT_AND_ADD = """
import sys
from pywb.manager.manager import main
coll, *warcs = sys.argv[1:]
main(["init", coll])
main(["add", coll, *warcs])
"""
_WAYBACK = "import sys; from pywb.apps.cli import wayback; sys.exit(wayback(sys.argv[1:]))"
_PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


@dataclass(frozen=True)
class Reply:
    """One HTTP response from the wayback server."""

    status: int
    headers: Message
    body: bytes

    def text(self, encoding: str = "utf-8") -> str:
        return self.body.decode(encoding)


def pywb_env() -> dict[str, str]:
    """The environment for pywb: no proxy, so the frontend reaches its own warcserver."""
    return {k: v for k, v in os.environ.items() if k.lower() not in _PROXY_VARIABLES}


def make_collection(root: Path, coll: str, warcs: Sequence[Path]) -> Path:
    """``wb-manager init COLL`` and ``wb-manager add COLL WARC...`` in ``root``.

    The WARC files are copied into ``root/collections/COLL/archive`` and indexed; returns the
    CDXJ index pywb wrote.
    """
    root.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [PYWB_PYTHON, "-c", _INIT_AND_ADD, coll, *map(str, warcs)],
        cwd=root,
        env=pywb_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"wb-manager init/add {coll}:\n{result.stderr}"
    index = root / "collections" / coll / "indexes" / "index.cdxj"
    assert index.is_file(), f"wb-manager wrote no index at {index}:\n{result.stderr}"
    return index


class Wayback:
    """``wayback -b 127.0.0.1 -p PORT`` serving the collections under ``root``.

    A context manager: starts the server and waits until it answers, stops it on exit.
    """

    def __init__(self, root: Path, *, startup_timeout: float = 30):
        self.root = root
        self.startup_timeout = startup_timeout
        self.port = 0
        self.log = root / "wayback.log"
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        for _attempt in range(3):  # the free port may be taken between probe and bind
            if self._start(_free_port()):
                return self
        raise AssertionError(f"wayback did not start:\n{self._log_tail()}")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop()

    def get(self, path: str) -> Reply:
        """GET ``path`` (``/coll/...``) without following redirects."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            conn.close()

    # -- internals ---------------------------------------------------------------------------

    def _start(self, port: int) -> bool:
        self.port = port
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                [PYWB_PYTHON, "-c", _WAYBACK, "-b", "127.0.0.1", "-p", str(port), "-t", "8"],
                cwd=self.root,
                env=pywb_env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            try:
                if self.get("/").status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        self._stop()
        raise AssertionError(
            f"wayback not ready after {self.startup_timeout}s:\n{self._log_tail()}"
        )

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def _log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return "(no log)"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
