"""Run a crawl in this process, with the archiver's Scrapy settings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from archiver.crawl.pipeline import LOCKED_KEY
from archiver.crawl.politeness import politeness_settings
from archiver.store.lock import LockedError


def crawl_settings(
    db: Path, overrides: dict[str, Any] | None = None, log_level: str = "WARNING"
) -> Settings:
    """The archiver's Scrapy settings for a crawl into ``db``, with ``overrides``."""
    settings = Settings()
    settings.setmodule("archiver.crawl.settings", priority="project")
    settings.set("ARCHIVER_DB", str(db.resolve()), priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(
    spider: type[Spider],
    db: Path,
    *,
    sites: Sequence[str] = (),
    start_urls: Sequence[str] = (),
    overrides: dict[str, Any] | None = None,
    log_level: str = "WARNING",
) -> int | None:
    """Crawl ``sites`` (or their ``start_urls``) into ``db`` with ``spider``.

    Returns the id of the crawl run (None if it never started). Raises
    :class:`~archiver.store.lock.LockedError` when another crawl holds the archive's lock.
    """
    process = CrawlerProcess(crawl_settings(db, overrides, log_level))
    crawler = process.create_crawler(spider)
    process.crawl(crawler, site=list(sites), start_urls=list(start_urls))
    process.start()
    assert crawler.stats is not None
    locked = crawler.stats.get_value(LOCKED_KEY)
    if locked:
        raise LockedError(str(locked))
    run_id = crawler.stats.get_value("archiver/run_id")
    return int(run_id) if run_id is not None else None


def run_probe(
    spider: type[Spider], db: Path, urls: Sequence[str], *, articles: int = 1
) -> Spider:
    """Fetch ``urls`` (and the first ``articles`` on each list) with ``spider``, storing nothing:
    no archive, no WARC files. Returns the spider, which holds what was fetched."""
    overrides = {
        "ITEM_PIPELINES": {},
        "ARCHIVER_WARC_ENABLED": False,
        "RETRY_TIMES": 1,
        "AUTOTHROTTLE_ENABLED": False,
    }
    process = CrawlerProcess(crawl_settings(db, overrides))
    crawler = process.create_crawler(spider)
    process.crawl(crawler, urls=list(urls), articles=articles)
    process.start()
    assert crawler.spider is not None
    return crawler.spider


__all__ = ["crawl_settings", "politeness_settings", "run_crawl", "run_probe"]
