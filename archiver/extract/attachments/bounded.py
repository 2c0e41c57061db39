"""Extraction in a worker process, so that time and memory are bounded whatever the file.

No reader can be stopped from inside once it loops over a hostile PDF's page tree or inflates
an XML bomb, so :class:`BoundedExtractor` hands each file to a long-lived worker process
(:mod:`~archiver.extract.attachments.worker`) and waits at most ``Limits.timeout`` seconds for
the answer. A worker that runs over is killed (the file is ``too-large``: it took too long) and
a new one is started for the next file; one that dies (a crash in a C library) costs that file
only (``unreadable``). The worker's address space is capped at ``Limits.memory``.

Used by the crawl (from a thread of its own, never the reactor's) and by ``reparse``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import select
import subprocess
import sys
import threading
import time

from archiver.extract.attachments.formats import is_image, sniff
from archiver.extract.attachments.limits import Limits
from archiver.extract.attachments.result import not_read
from archiver.records.attachments import AttachmentText

_WORKER = "archiver.extract.attachments.worker"


def _format(data: bytes, name: str, content_type: str | None) -> str | None:
    try:
        return sniff(data, name, content_type)
    except Exception:  # the file that broke the worker may break the sniffing too
        return None


class WorkerFailed(Exception):
    """The worker ended or went silent before it answered."""


class BoundedExtractor:
    """Extracts files one at a time in a worker process; close it when done (or use ``with``)."""

    def __init__(self, limits: Limits | None = None, python: str = sys.executable):
        self.limits = limits or Limits()
        self.python = python
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def extract(
        self, data: bytes, name: str = "", content_type: str | None = None
    ) -> AttachmentText | None:
        """What the file says (None for an image), within the limits of :attr:`limits`."""
        if len(data) > self.limits.max_bytes:  # not even worth sending
            return not_read(
                "too-large", None,
                f"the file has {len(data):,} bytes, over the limit of {self.limits.max_bytes:,}",
            )  # fmt: skip
        if is_image(data, name, content_type):
            return None
        with self._lock:
            return self._extract(data, name, content_type)

    def _extract(self, data: bytes, name: str, content_type: str | None) -> AttachmentText | None:
        header = json.dumps({"name": name, "content_type": content_type, "size": len(data)})
        deadline = time.monotonic() + self.limits.timeout
        for attempt in (1, 2):  # a worker found dead before it was asked is replaced once
            proc = self._worker()
            try:
                assert proc.stdin is not None
                proc.stdin.write(header.encode() + b"\n" + data)
                proc.stdin.flush()
            except (BrokenPipeError, OSError):
                self._stop()
                if attempt == 2:
                    return not_read(
                        "unreadable", _format(data, name, content_type),
                        "the reader process could not start",
                    )  # fmt: skip
                continue
            try:
                answer = self._answer(proc, deadline)
            except TimeoutError:
                self._stop()
                return not_read(
                    "too-large", _format(data, name, content_type),
                    f"reading took longer than the limit of {self.limits.timeout:g} s",
                )  # fmt: skip
            except WorkerFailed as exc:
                self._stop()
                return not_read(
                    "unreadable", _format(data, name, content_type),
                    f"the reader crashed on this file ({exc})",
                )  # fmt: skip
            result = answer.get("result")
            return AttachmentText.from_dict(result) if isinstance(result, dict) else None
        return None  # not reached: the second attempt always returns

    def _answer(self, proc: subprocess.Popen[bytes], deadline: float) -> dict[str, object]:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        chunks: list[bytes] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                raise TimeoutError
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                code = proc.wait()
                raise WorkerFailed(f"exit status {code}" if code >= 0 else f"signal {-code}")
            chunks.append(chunk)
            if chunk.endswith(b"\n"):
                answer: dict[str, object] = json.loads(b"".join(chunks))
                return answer

    def _worker(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            limits = json.dumps(dataclasses.asdict(self.limits))
            self._proc = subprocess.Popen(
                [self.python, "-m", _WORKER, limits],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                bufsize=0,
            )
        return self._proc

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()

    def close(self) -> None:
        """Stop the worker (it is started again by the next :meth:`extract`)."""
        with self._lock:
            proc, self._proc = self._proc, None
            if proc is None:
                return
            assert proc.stdin is not None
            proc.stdin.close()  # the worker ends at the end of its input
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()

    def __enter__(self) -> BoundedExtractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
