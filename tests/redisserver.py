"""A real Redis server for a test: Debian's ``redis-server`` on a unix socket in a temporary
folder, no TCP port, no persistence; stopped (and its folder left to the test's tmp_path)
when the test ends."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Start ``redis-server`` with its socket in ``folder``; yields its URL."""
    folder.mkdir(parents=True, exist_ok=True)
    socket = folder / "redis.sock"
    proc = subprocess.Popen(
        [
            REDIS_SERVER, "--port", "0", "--unixsocket", str(socket), "--unixsocketperm", "700",
            "--save", "", "--appendonly", "no", "--dir", str(folder),
            "--logfile", str(folder / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"unix://{socket}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start: {folder}") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
