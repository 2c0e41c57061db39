"""The worker process: ``python -m archiver.extract.attachments.worker LIMITS_JSON``.

Reads requests on stdin (a JSON header line ``{"name", "content_type", "size"}``, then
``size`` bytes) and answers each with one JSON line (``{"result": {…} | null}``) on the
stdout it was started with. Its address space is capped at ``Limits.memory``, so a file that
would take more ends in a ``MemoryError`` here (``too-large``), not in the crawl's process.
Anything a library prints goes nowhere: stdout is the answer channel.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import warnings
from typing import IO

from archiver.extract.attachments.limits import Limits
from archiver.extract.attachments.reader import extract_attachment, reason
from archiver.extract.attachments.result import not_read


def limit_memory(max_bytes: int) -> None:
    """Cap this process's address space (where the platform allows it)."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))
    except (ImportError, ValueError, OSError):  # not on this platform, or not permitted
        pass


def serve(requests: IO[bytes], answers: IO[bytes], limits: Limits) -> None:
    """Answer requests until ``requests`` ends."""
    while True:
        header = requests.readline()
        if not header:
            return
        request = json.loads(header)
        data = requests.read(int(request["size"]))
        try:
            result = extract_attachment(data, request["name"], request["content_type"], limits)
        except BaseException as exc:  # noqa: BLE001 - the answer must come back whatever happens
            result = not_read("unreadable", None, f"the reader failed: {reason(exc)}")
        payload = {"result": result.as_dict() if result is not None else None}
        answers.write(json.dumps(payload, ensure_ascii=False).encode() + b"\n")
        answers.flush()


def main(argv: list[str]) -> None:
    limits = Limits(**json.loads(argv[1])) if len(argv) > 1 else Limits()
    limit_memory(limits.memory)
    logging.disable(logging.CRITICAL)  # pypdf logs every oddity of a file it reads anyway
    warnings.simplefilter("ignore")
    answers = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # a library's print() must not corrupt the answers
    sys.stdout = open(devnull, "w", closefd=False)  # noqa: SIM115 - lives as long as the process
    serve(sys.stdin.buffer, answers, limits)


if __name__ == "__main__":
    main(sys.argv)
