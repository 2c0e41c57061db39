"""A :class:`~archiver.webarchive.warc_write.WarcWriter` in a process of its own.

Building WARC records (warcio's headers, the digests, gzip) is about a fifth of what a crawl
spends on a page; in a second process it runs beside the crawl, on another core. The calls
are sent down one pipe and made one after the other, in the order they were sent, so the
files hold the records in that order, as an in-process writer would write them; each call's
answer (what it returned, or the exception it raised) comes back up the same pipe, in order.
The caller sends from its own thread (no helper thread: no hand-over of the interpreter lock
on every call) and reads the answers when the pipe is readable (:meth:`WriterProcess.fileno`,
:meth:`WriterProcess.read_answers`), e.g. from an event loop. Calls go down in batches: those
queued until :meth:`WriterProcess.flush` (an event loop's turn) in one message, and the
answers of the calls that were waiting in the pipe together come up in one message: a
message, and the wake-up of the process it is for, is shared by the calls of a busy moment.

The process is started with ``spawn`` (nothing of the crawl's process is copied into it) and
given the writer, unopened: its settings travel, the file is opened by the first write. It
ignores SIGINT and SIGTERM: a Ctrl-C, or systemd stopping the service, reaches every process
of the group, and the crawl, stopping gracefully, still writes what it has fetched. When the
crawl's process dies (SIGKILL) its end of the pipe closes: the writer's process finishes the
record it is writing and exits. Every record it wrote is whole (each is flushed), and the file
it left without an index is indexed by the next crawl. The first ``OSError`` (a full disk) is
raised for that call and for every later one, so a file never holds a record after a cut-off
one; a process that died is an I/O error of every call not answered and of every later one.

What the writer logs in its process (each file it opens, an index it could not save) comes up
the pipe with the answer of the call that logged it, at the level the crawl's ``archiver``
logger had when the process started, and is handed to the crawl's own loggers: it is in the
crawl's log, with the crawl's format, where the crawl's other lines are.
"""

from __future__ import annotations

import errno
import logging
import multiprocessing
import queue
import signal
from collections import deque
from collections.abc import Callable
from logging.handlers import QueueHandler
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from archiver.webarchive.warc_write import WarcWriter

#: What is called with each call's outcome: (the exception it raised or None, what it returned)
Answer = Callable[[BaseException | None, Any], None]
#: A call of the writer's: the method's name, its arguments
Call = tuple[str, tuple[Any, ...], dict[str, Any]]
#: At most this many calls are answered together (a batch's first answer waits for its last)
_BATCH = 16

# -- in the writer's process -----------------------------------------------------------------


def _serve(writer: WarcWriter, pipe: Connection, log_level: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logged: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    root = logging.getLogger()
    root.handlers[:] = [QueueHandler(logged)]  # records made plain: message formatted
    root.setLevel(log_level)
    error: OSError | None = None
    while True:
        calls, gone = _waiting_calls(pipe)
        answers: list[tuple[BaseException | None, Any]] = []
        for method, args, kwargs in calls:
            try:
                if error is not None and method != "close":  # closing what was written is right
                    raise error
                answers.append((None, getattr(writer, method)(*args, **kwargs)))
            except OSError as exc:
                error = exc
                answers.append((exc, None))
            except Exception as exc:  # a bug: said to the caller, and the writing goes on
                answers.append((RuntimeError(f"{type(exc).__name__}: {exc}"), None))
        records = []
        while not logged.empty():
            records.append(logged.get_nowait())
        try:
            if answers:
                pipe.send((answers, records))
        except OSError:
            return
        if gone:  # the crawl's process is gone: nothing more will come
            return


def _waiting_calls(pipe: Connection) -> tuple[list[Call], bool]:
    """The calls of the next message (waiting for it) and of those already in the pipe behind
    it, up to :data:`_BATCH`: made one after the other and answered in one message, which
    spares a wake-up of each process a call. True when the pipe is closed after them."""
    calls: list[Call] = []
    try:
        calls.extend(pipe.recv())
        while len(calls) < _BATCH and pipe.poll():
            calls.extend(pipe.recv())
    except (EOFError, OSError):
        return calls, True
    return calls, False


# -- in the crawl's process ------------------------------------------------------------------


class WriterProcess:
    """Call the methods of ``writer`` (not yet opened) in a process of its own."""

    def __init__(self, writer: WarcWriter):
        self.folder: Path = writer.folder
        context = multiprocessing.get_context("spawn")
        self._pipe, theirs = context.Pipe()
        level = logging.getLogger("archiver").getEffectiveLevel()
        self._process = context.Process(
            target=_serve, args=(writer, theirs, level), name="warc-writer", daemon=False
        )
        self._process.start()
        theirs.close()  # the process's end is its own: its death closes the pipe
        self._outbox: list[Call] = []  # queued, not sent yet
        self._waiting: deque[Answer] = deque()  # of the calls queued, sent or not
        self._stopped: OSError | None = None

    def fileno(self) -> int:
        """The pipe the answers come up: readable when there is one (or the process died)."""
        return self._pipe.fileno()

    def call(
        self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any], answer: Answer
    ) -> None:
        """Queue ``writer.method(*args, **kwargs)``, sent by the next :meth:`flush`; ``answer``
        is called with its outcome by :meth:`read_answers`, after the answers of the calls
        queued before."""
        if self._stopped is not None:
            answer(self._stopped, None)
            return
        self._outbox.append((method, args, kwargs))
        self._waiting.append(answer)
        if len(self._outbox) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        """Send the calls queued since the last flush, in one message (e.g. once an event
        loop's turn has made its calls)."""
        if not self._outbox:
            return
        calls, self._outbox = self._outbox, []
        try:
            self._pipe.send(calls)
        except OSError as exc:  # the process died: its end is closed
            self._stop(exc)

    def read_answers(self) -> bool:
        """Send what is queued, and hand the answers that have come to their callers, without
        waiting for more; False once the process is gone (every call still waiting is
        answered with the error)."""
        self.flush()
        try:  # (readable with no call waiting: the process died, and the read says so)
            while self._stopped is None and self._pipe.poll():
                self._answer(self._pipe.recv())
        except (EOFError, OSError) as exc:
            self._stop(exc)
        return self._stopped is None

    def close(self) -> None:
        """Wait for every answer, close the writer's file (saving its index) and stop the
        process. Raises the ``OSError`` of a failed close, or of a process that died."""
        failed: list[BaseException] = []
        self.call("close", (), {}, lambda exc, _: failed.append(exc) if exc else None)
        self.flush()
        try:
            while self._waiting:
                self._answer(self._pipe.recv())
        except (EOFError, OSError) as exc:
            self._stop(exc)
        self._pipe.close()  # the process reads the end of its calls, and exits
        self._process.join(timeout=60)
        if failed:
            raise failed[0]

    def _answer(self, message: tuple[list[tuple[BaseException | None, Any]], list[Any]]) -> None:
        """Hand a message's answers to their callers, in order, after the records the calls
        logged are handed to this process's loggers of the same names."""
        answers, records = message
        for record in records:
            logging.getLogger(record.name).handle(record)
        for exc, result in answers:
            if self._waiting:
                self._waiting.popleft()(exc, result)

    def _stop(self, exc: BaseException) -> None:
        if self._stopped is None:
            self._stopped = OSError(errno.EIO, f"the WARC writer's process stopped ({exc!r})")
        self._outbox.clear()
        while self._waiting:
            self._waiting.popleft()(self._stopped, None)

