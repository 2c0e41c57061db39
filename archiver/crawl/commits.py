"""The archive's batched commits during a crawl: the batch's size and age from the settings,
and a timer that commits an open batch when no record comes to do it (a crawl waiting on
slow sites still shows its records within ``ARCHIVER_COMMIT_SECONDS``)."""

from __future__ import annotations

import sqlite3

from scrapy.crawler import Crawler
from twisted.internet.task import LoopingCall

from archiver.crawl import settings as default
from archiver.crawl.faults import local_fault, stop_crawl
from archiver.store.db import ArchiveDB


class BatchCommits:
    """Commits ``archive``'s writes in batches while the crawl runs; :meth:`stop` at its end."""

    def __init__(self, crawler: Crawler, archive: ArchiveDB, where: str):
        self.crawler = crawler
        self.archive = archive
        self.where = where
        settings = crawler.settings
        records = settings.getint("ARCHIVER_COMMIT_RECORDS", default.ARCHIVER_COMMIT_RECORDS)
        seconds = settings.getfloat("ARCHIVER_COMMIT_SECONDS", default.ARCHIVER_COMMIT_SECONDS)
        archive.batch_commits(records, seconds)
        self._timer = LoopingCall(self.commit)
        if seconds > 0:
            self._timer.start(seconds, now=False)

    def commit(self) -> None:
        """Commit the open batch; a local fault (a full disk) stops the crawl."""
        try:
            self.archive.commit_pending()
        except (OSError, sqlite3.DatabaseError) as exc:
            self._fault(exc)

    def stop(self) -> None:
        """Commit the open batch, then one commit per write again (the run's end is written
        on its own, as before any batch)."""
        if self._timer.running:
            self._timer.stop()
        try:
            self.archive.end_batches()
        except (OSError, sqlite3.DatabaseError) as exc:
            self._fault(exc)

    def _fault(self, exc: OSError | sqlite3.DatabaseError) -> None:
        fault = local_fault(exc, f"writing {self.where}")
        if fault is None:
            raise exc
        stop_crawl(self.crawler, fault)
