"""Run the crawl in this process, with the archiver's Scrapy settings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings


def crawl_settings(
    db: Path,
    bureau_hosts: Sequence[str],
    overrides: dict[str, Any] | None = None,
    log_level: str = "WARNING",
) -> Settings:
    """The archiver's Scrapy settings for a crawl into ``db``."""
    settings = Settings()
    settings.setmodule("archiver.crawl.settings", priority="project")
    settings.set("ARCHIVER_DB", str(db.resolve()), priority="cmdline")
    settings.set("ARCHIVER_BUREAU_HOSTS", list(bureau_hosts), priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(
    db: Path,
    start_urls: Sequence[str],
    bureau_hosts: Sequence[str],
    overrides: dict[str, Any] | None = None,
    log_level: str = "WARNING",
) -> int | None:
    """Crawl into ``db`` and return the id of the crawl run (None if it never started)."""
    from spiders.bucea import BuceaNewsSpider

    process = CrawlerProcess(crawl_settings(db, bureau_hosts, overrides, log_level))
    crawler = process.create_crawler(BuceaNewsSpider)
    process.crawl(crawler, start_urls=list(start_urls) or None)
    process.start()
    assert crawler.stats is not None
    run_id = crawler.stats.get_value("archiver/run_id")
    return int(run_id) if run_id is not None else None
