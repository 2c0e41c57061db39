"""``archiver serve`` in a subprocess, as a user starts it, stopped with Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


@contextmanager
def serving(
    db: Path, log: Path, timeout: float = 30, prefix: Sequence[str] = ()
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``archiver serve --port 0`` in a subprocess: yields it and its base URL once it answers.

    The address is read from the command's first line on stderr; the log goes to a file, so
    the server never blocks on a full pipe. Stopped with Ctrl-C (SIGINT) on leaving.
    ``prefix`` starts the command (e.g. in a read-only mount: :func:`tests.readonly.read_only`;
    it must exec the command, so that the signal reaches it).
    """
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*prefix, sys.executable, "-m", "archiver", "serve", "--db", str(db), "--port", "0"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        base = _wait_until_serving(proc, log, timeout)
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


#: Opens URLs on 127.0.0.1 directly: ``urlopen`` would send them to the proxy that
#: ``http_proxy`` names, if the shell running the tests sets one.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """GET ``url`` over HTTP, never through a proxy: its status, headers and body bytes."""
    try:
        with _DIRECT.open(url, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:  # a 4xx or 5xx is an answer too
        with error:
            return error.code, dict(error.headers.items()), error.read()


def _wait_until_serving(proc: subprocess.Popen[bytes], log: Path, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    base = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"archiver serve exited with {proc.returncode}:\n{log.read_text()}")
        if base is None:
            found = re.search(r"read-only at (http://\S+/)", log.read_text())
            base = found[1] if found else None
        if base is not None:
            try:
                if fetch(base + "-/search", timeout=2)[0] == 200:
                    return base
            except OSError:
                pass
        time.sleep(0.1)
    pytest.fail(f"archiver serve did not answer within {timeout} s:\n{log.read_text()}")


@contextmanager
def in_process(archive: Path) -> Iterator[Any]:
    """The Datasette of ``archive`` in this process, started, for :func:`asgi_get`."""
    from archiver.serve import build_datasette

    datasette = build_datasette(archive)
    asyncio.run(datasette.invoke_startup())
    try:
        yield datasette
    finally:
        for database in datasette.databases.values():
            database.close()


def asgi_get(datasette: Any, path: str) -> Any:
    """GET ``path`` of an in-process Datasette (no socket, no proxy): its httpx response."""
    return asyncio.run(datasette.client.get(path))
