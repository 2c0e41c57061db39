"""Local faults: a full disk, a read-only or vanished folder. The machine's fault, not a site's.

The first one stops the crawl: fetching on would only fail to store, and every page would be
taken for a failed site (a brief recorded ``unavailable`` because the disk was full). It is
said once, in one line; the run ends ``failed`` with that line as its message. A request that
met the fault fails with :class:`LocalFault`, which no errback counts against a site.
"""

from __future__ import annotations

import errno
import logging
import sqlite3

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)

#: The close reason of a crawl stopped by a local fault, and the stats key of its message.
CLOSE_REASON = "local_fault"
STATS_KEY = "archiver/local_fault"
#: How the message of a run stopped by a local fault starts (``archiver runs`` shows it).
LOCAL_FAULT = "stopped by a local fault: "

#: OSErrors that say something about this machine's storage, not about a remote site.
_LOCAL_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EFBIG, errno.EACCES, errno.ENOENT}
)
#: SQLite's messages for the same faults (SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY, …).
_SQLITE_LOCAL = {
    "database or disk is full": "no space left on device",
    "disk i/o error": "disk I/O error",
    "attempt to write a readonly database": "the archive is read-only",
    "unable to open database file": "the archive's folder cannot be written",
}


class LocalFault(IgnoreRequest):
    """A fault of this machine (disk full, read-only, I/O error); the message is one line."""


def local_fault(exc: BaseException, doing: str) -> LocalFault | None:
    """``exc`` as a :class:`LocalFault` when it is one, its message saying what was being
    done (``doing``: "writing warc/…"); None for any other error."""
    if isinstance(exc, LocalFault):
        return exc
    if isinstance(exc, OSError) and exc.errno in _LOCAL_ERRNOS:
        return LocalFault(f"{exc.strerror or exc} ({doing})".lower())
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc).lower()
        for needle, what in _SQLITE_LOCAL.items():
            if needle in text:
                return LocalFault(f"{what} ({doing})")
    return None


def stop_crawl(crawler: Crawler, fault: LocalFault) -> None:
    """Say ``fault`` once and close the spider with :data:`CLOSE_REASON`; later calls only
    return (the crawl is already stopping)."""
    stats = crawler.stats
    assert stats is not None
    if stats.get_value(STATS_KEY):
        return
    stats.set_value(STATS_KEY, str(fault))
    logger.error("%s: the crawl stops", fault)
    try:
        engine = crawler.engine
    except RuntimeError:  # not started yet: nothing to close
        return
    if engine.spider is not None:
        deferred_from_coro(engine.close_spider_async(reason=CLOSE_REASON))


def stopped_by_fault(crawler: Crawler) -> str | None:
    """The local fault that stopped the crawl, if one did."""
    stats = crawler.stats
    value = stats.get_value(STATS_KEY) if stats is not None else None
    return str(value) if value else None
