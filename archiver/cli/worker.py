"""``archiver worker``: one more machine for a distributed crawl; and the writer's side of
``archiver crawl --redis`` (:func:`redis_option`, :func:`writer`)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from archiver.cli.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, fail
from archiver.cli.options import PathType
from archiver.sites import SiteProfile

if TYPE_CHECKING:
    from scrapy import Spider

def redis_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A Redis URL: ``redis://``, ``rediss://`` or ``unix://``."""
    if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
        raise click.BadParameter(
            f"{value!r} is no Redis URL (redis://HOST:PORT/DB, rediss://…, unix:///PATH)",
            ctx,
            param,
        )
    return value


def redis_option(f: Any) -> Any:
    """``archiver crawl --redis URL``."""
    return click.option(
        "--redis",
        "redis_url",
        callback=redis_url,
        metavar="URL",
        help="Run a distributed crawl in this Redis server (redis://HOST:PORT/DB): seed it, "
        "fetch, and be its one writer; `archiver worker --redis URL` machines join it.",
    )(f)


def writer(url: str, profiles: Mapping[str, SiteProfile]) -> Callable[..., int | None]:
    """``run_crawl`` for the writer of a distributed crawl in Redis at ``url``."""

    def run_writer(
        spider: type[Spider],
        db: Path,
        *,
        sites: Sequence[str],
        start_urls: Sequence[str],
        overrides: dict[str, Any],
        log_level: str,
    ) -> int | None:
        """Seed (or resume) the crawl in Redis and write its archive; the run's id."""
        import redis

        from archiver.crawl.run import run_crawl
        from archiver.distributed.run import (
            LOCAL_SETTINGS,
            CrawlConfig,
            DistributedError,
            prepare,
            shared_settings,
            wait_for_crawl,
            writer_settings,
        )
        from archiver.distributed.spider import distributed

        config = CrawlConfig(
            list(sites), list(start_urls), dict(profiles), shared_settings(overrides)
        )
        try:
            seed = prepare(url, db, config)
            # this crawl, or the one Redis holds, which goes on as it was started
            config = wait_for_crawl(url, None, timeout=0)
        except (DistributedError, redis.RedisError) as exc:
            fail(f"{url}: {exc}", EXIT_FAILED)
        own = {k: v for k, v in overrides.items() if k in LOCAL_SETTINGS}
        overrides = {**config.settings, **own}
        return run_crawl(
            distributed(spider),
            db,
            sites=config.sites,
            start_urls=config.start_urls,
            overrides={**overrides, **writer_settings(url, seed=seed)},
            log_level=log_level,
        )

    return run_writer


@click.command()
@click.option(
    "--redis",
    "url",
    required=True,
    callback=redis_url,
    metavar="URL",
    help="The Redis server of the crawl, e.g. redis://crawl-host:6379/0.",
)
@click.option(
    "--name",
    help="This worker's name, in its WARC files' names (default: HOST-PID).",
)
@click.option(
    "--warc-dir",
    type=PathType(file_okay=False, writable=True, path_type=Path),
    default=Path("warc"),
    show_default=True,
    help="Where this worker writes its WARC files.",
)
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Give up when no crawl is running after this long (default: wait on).",
)
@click.option(
    "--log-file",
    type=PathType(dir_okay=False, writable=True, path_type=Path),
    help="Append the worker's log to FILE instead of stderr.",
)
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
def worker(
    url: str,
    name: str | None,
    warc_dir: Path,
    wait: float | None,
    log_file: Path | None,
    verbose: int,
) -> None:
    """Join the distributed crawl in Redis: fetch, extract, write WARC files, hand records to
    the writer (`archiver crawl --redis URL`), until the writer ends the crawl.

    Exit status: 0 when the crawl ended; 130 stopped (Ctrl-C, SIGTERM: what it took goes
    back to the frontier); 1 when Redis cannot be reached or no crawl started within --wait;
    2 bad input.
    """
    import redis

    from archiver.distributed.capture import NAME_PATTERN
    from archiver.distributed.run import DistributedError, run_worker, wait_for_crawl
    from archiver.distributed.scheduler import default_worker_name
    from archiver.distributed.spider import distributed
    from spiders.news import NewsSpider

    name = default_worker_name() if name is None else name
    if not NAME_PATTERN.fullmatch(name):
        fail(f"--name {name!r}: letters, digits, '.', '_' and '-' only (it names files)")
    local: dict[str, Any] = {"LOG_LEVEL": ("WARNING", "INFO", "DEBUG")[min(verbose, 2)]}
    if log_file is not None:
        local.update(LOG_FILE=str(log_file), LOG_FILE_APPEND=True)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        config = wait_for_crawl(url, None, wait)
    except (DistributedError, redis.RedisError) as exc:
        fail(f"{url}: {exc}", EXIT_FAILED)
    logging.getLogger().handlers.clear()
    stats = run_worker(
        distributed(NewsSpider), url, config, name=name, warc_dir=warc_dir, local=local
    )
    click.echo(
        f"worker {name}: {stats.get('downloader/request_count', 0)} requests, "
        f"{stats.get('item_scraped_count', 0)} records handed on "
        f"({stats.get('finish_reason', 'unknown')})"
    )
    reason = str(stats.get("finish_reason"))
    sys.exit({"finished": EXIT_OK, "shutdown": EXIT_INTERRUPTED}.get(reason, EXIT_FAILED))
