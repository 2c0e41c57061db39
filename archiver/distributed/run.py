"""Running the processes of a distributed crawl: the writer's preparation of Redis, a worker.

The writer (:func:`prepare`) starts a crawl in Redis, or finds the one it was writing when it
died and resumes it. A fresh crawl first clears what a finished one left, then publishes what
the archive holds (:mod:`.known`) and the crawl's configuration (its spider arguments, the
site profiles, the settings every process must share), and only then says ``running``: a
worker that joins (:func:`run_worker`) waits for that, and crawls with that configuration, so
the workers need neither the archive nor the writer's site profiles.
"""

from __future__ import annotations

import logging
import pickle
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from archiver.crawl import settings as default
from archiver.distributed import known
from archiver.distributed.keys import Keys, clear, connect
from archiver.sites import SiteProfile

logger = logging.getLogger(__name__)

#: Settings that are each machine's own, never handed to the workers.
LOCAL_SETTINGS = frozenset(
    "LOG_FILE LOG_FILE_APPEND LOG_LEVEL LOG_ENABLED EXTENSIONS ARCHIVER_DB ARCHIVER_SITES_DIR "
    "ARCHIVER_WARC_DIR ARCHIVER_WORKER_NAME".split()
)


class DistributedError(Exception):
    """A distributed crawl cannot start or join (one line for the user)."""


@dataclass
class CrawlConfig:
    """What every process of the crawl runs with."""

    sites: list[str]
    start_urls: list[str]
    profiles: dict[str, SiteProfile]
    settings: dict[str, Any] = field(default_factory=dict)


def process_settings(
    url: str, name: str, *, writer: bool, seed: bool = False, namespace: str | None = None
) -> dict[str, Any]:
    """The settings that make a crawl process one of a distributed crawl."""
    pipelines: dict[str, int] = {
        "archiver.crawl.attachments.AttachmentTextPipeline": 250,
        "archiver.distributed.transport.RecordSender": 300,
    }
    if writer:
        pipelines["archiver.distributed.writer.WriterPipeline"] = 310
    middlewares = dict(default.DOWNLOADER_MIDDLEWARES)
    middlewares["archiver.crawl.capture.WarcCaptureMiddleware"] = None
    middlewares["archiver.distributed.capture.NamedWarcCapture"] = 950
    middlewares["archiver.distributed.politeness.SharedPoliteness"] = 960
    middlewares["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] = None
    middlewares["archiver.distributed.politeness.SharedRobotsTxt"] = 100
    return {
        "ARCHIVER_REDIS_URL": url,
        "ARCHIVER_REDIS_NAMESPACE": namespace or default.ARCHIVER_REDIS_NAMESPACE,
        "ARCHIVER_REDIS_SEED": seed,
        "ARCHIVER_REDIS_WRITER": writer,
        "ARCHIVER_WORKER_NAME": name,
        "SCHEDULER": "archiver.distributed.scheduler.LeasedScheduler",
        "ITEM_PIPELINES": pipelines,
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "SPIDER_MIDDLEWARES": {
            **default_spider_middlewares(),
            "archiver.distributed.transport.RecordTags": 990,
        },
    }


def default_spider_middlewares() -> dict[str, int]:
    """The crawl's own spider middlewares (none but Scrapy's unless the project sets some)."""
    return dict(getattr(default, "SPIDER_MIDDLEWARES", {}))


def prepare(url: str, db: Path, config: CrawlConfig, namespace: str | None = None) -> bool:
    """Make Redis ready for the writer of a crawl into ``db``, fresh or resumed (the crawl
    into ``db`` Redis holds goes on); whether the writer is to seed the frontier. Raises
    :class:`DistributedError` when Redis holds a running crawl into another archive."""
    server = connect(url)
    keys = Keys(namespace or default.ARCHIVER_REDIS_NAMESPACE)
    raw: Any = server.hgetall(keys.meta)
    meta = {k.decode(): v for k, v in raw.items()}
    db_name = str(db.resolve())
    if meta.get("state") == b"running":
        if meta.get("db") != db_name.encode():
            raise DistributedError(
                f"{url} holds a running crawl into {meta['db'].decode()}: finish it there, or use "
                "another Redis database"
            )
        logger.warning("resuming the crawl that Redis holds (its own sites and settings)")
        return meta.get("seeded") != b"1"  # died while seeding: seed again
    clear(server, keys)
    pages = known.publish(server, keys, db)
    logger.info("published what the archive holds: %d page(s)", pages)
    server.hset(
        keys.meta,
        mapping={"db": db_name, "config": pickle.dumps(config, protocol=5), "state": "running"},
    )
    return True


def shared_settings(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The writer's settings the workers take on: all but each machine's own."""
    return {k: v for k, v in overrides.items() if k not in LOCAL_SETTINGS}


def wait_for_crawl(url: str, namespace: str | None, timeout: float | None) -> CrawlConfig:
    """The configuration of the crawl Redis holds, once one is running. Raises
    :class:`DistributedError` when none is after ``timeout`` seconds (None: wait on)."""
    server = connect(url)
    keys = Keys(namespace or default.ARCHIVER_REDIS_NAMESPACE)
    deadline = None if timeout is None else time.monotonic() + timeout
    announced = False
    while True:
        found: Any = server.hmget(keys.meta, ["state", "config"])
        state, raw = found
        if state == b"running" and raw:
            config: CrawlConfig = pickle.loads(raw)
            return config
        if deadline is not None and time.monotonic() >= deadline:
            raise DistributedError(f"no crawl is running in {url}")
        if not announced:
            logger.warning("waiting for a crawl to start in %s", url)
            announced = True
        time.sleep(1)


def run_worker(
    spider: type[Spider],
    url: str,
    config: CrawlConfig,
    *,
    name: str,
    warc_dir: Path,
    namespace: str | None = None,
    local: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Fetch for the crawl until the writer says it is over; returns the worker's stats."""
    settings = Settings()
    settings.setmodule("archiver.crawl.settings", priority="project")
    values = {
        **config.settings,
        **(local or {}),
        **process_settings(url, name, writer=False, namespace=namespace),
        "ARCHIVER_WARC_DIR": str(warc_dir),
        "ARCHIVER_REDIS_INSTANCE": f"{name}/{uuid.uuid4().hex[:8]}",
    }
    for key, value in values.items():
        settings.set(key, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    process.crawl(
        crawler, site=list(config.sites), start_urls=list(config.start_urls),
        profiles=dict(config.profiles),
    )  # fmt: skip
    process.start()
    assert crawler.stats is not None
    return crawler.stats.get_stats()


def writer_settings(
    url: str, *, seed: bool, namespace: str | None = None, name: str = "writer"
) -> dict[str, Any]:
    """The settings of the writer's crawl process."""
    values = process_settings(url, name, writer=True, seed=seed, namespace=namespace)
    values["ARCHIVER_REDIS_INSTANCE"] = f"{name}/{uuid.uuid4().hex[:8]}"
    return values


__all__ = [
    "CrawlConfig",
    "DistributedError",
    "prepare",
    "process_settings",
    "run_worker",
    "shared_settings",
    "wait_for_crawl",
    "writer_settings",
]
