"""A :class:`~archiver.webarchive.warc_write.WarcWriter` in a process of its own.

Building WARC records (warcio's headers, the digests, gzip) is about a fifth of what a crawl
spends on a page; in a second process it runs beside the crawl, on another core. The calls
are made one after the other, in the order they were given (one worker process), so the
files hold the records in that order, as an in-process writer would write them.

The process is started with ``spawn`` (nothing of the crawl's process is copied into it) and
given the writer, unopened: its settings travel, the file is opened by the first write. The
process ignores SIGINT and SIGTERM: a Ctrl-C, or systemd stopping the service, reaches every
process of the group, and the crawl, stopping gracefully, still writes what it has fetched.
When the crawl's process dies (SIGKILL), the writer's process notices within half a second
(it has a new parent) and exits once the record it is writing is written: every record it
wrote is whole (each is flushed), and the file it left without an index is indexed by the next
crawl. The first ``OSError`` (a full disk) is raised for that call and for every
later one, so a file never holds a record after a cut-off one.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from archiver.webarchive.warc_write import WarcWriter

# -- in the writer's process -----------------------------------------------------------------

_writer: WarcWriter | None = None
_error: OSError | None = None
_writing = threading.Lock()  # held while a call writes: the process never exits mid-record


def _start(writer: WarcWriter, parent: int) -> None:
    global _writer
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _writer = writer
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    # The crawl's process holds the other end of the queue open while it lives; once it has
    # died (this process is then given another parent), nothing more will come. (Its pid is
    # given, not asked for here: it may have died before this process started.)
    while os.getppid() == parent:
        time.sleep(0.5)
    with _writing:
        os._exit(0)


def _call(method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    global _error
    if _error is not None and method != "close":  # closing what was written is always right
        raise _error
    try:
        with _writing:
            return getattr(_writer, method)(*args, **kwargs)
    except OSError as exc:
        _error = exc
        raise


# -- in the crawl's process ------------------------------------------------------------------


class WriterProcess:
    """Call the methods of ``writer`` (not yet opened) in a process of its own."""

    def __init__(self, writer: WarcWriter):
        self.folder: Path = writer.folder
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(writer, os.getpid()),
        )

    def submit(self, method: str, *args: Any, **kwargs: Any) -> Future[Any]:
        """Call ``writer.method(*args, **kwargs)`` after the calls given before; the future's
        result is what it returned, its exception what it raised (:func:`as_os_error`)."""
        try:
            return self._pool.submit(_call, method, args, kwargs)
        except (BrokenProcessPool, RuntimeError) as exc:  # died, or closed: no more writing
            failed: Future[Any] = Future()
            failed.set_exception(as_os_error(BrokenProcessPool(exc)))
            return failed

    def close(self) -> None:
        """Finish the calls given, close the writer's file (saving its index), stop the
        process. Raises the ``OSError`` of a failed close (:func:`as_os_error`)."""
        try:
            self.submit("close").result()
        except Exception as exc:
            raise as_os_error(exc) from None
        finally:
            self._pool.shutdown(wait=True)


def as_os_error(exc: BaseException) -> BaseException:
    """An error of the writer's process as the crawl handles it: a process that died (killed,
    out of memory) is an I/O error of the WARC folder, which stops the crawl like a full disk."""
    if isinstance(exc, BrokenProcessPool):
        return OSError(errno.EIO, f"the WARC writer's process stopped ({exc})")
    return exc
