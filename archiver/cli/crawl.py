"""``archiver crawl``: checks the options, takes the archive's lock, runs the crawl of
:mod:`archiver.crawl.run` and prints its summary."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from archiver.cli.crawl_settings import check_settings
from archiver.cli.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PARTIAL,
    fail,
)
from archiver.cli.options import (
    PathType,
    check_output,
    cited_hosts_override,
    db_option,
    host_patterns,
    http_host,
    open_archive,
    sites_dir_option,
    url_problem,
)
from archiver.cli.profiles import site_profiles
from archiver.cli.runs import format_report, run_report
from archiver.cli.terminal import terminal_text
from archiver.cli.worker import redis_option, writer
from archiver.sites import SiteProfile, profile_for_url


def _check_sites(
    profiles: dict[str, SiteProfile], names: Sequence[str], start_urls: Sequence[str]
) -> None:
    """Every ``--site`` names a profile; every ``--start-url`` is an http(s) address, and a
    page of those sites when ``--site`` names some (without, a site with no profile is read
    page by page, its family recognised on each)."""
    for name in names:
        if name not in profiles:
            known = ", ".join(sorted(profiles)) or "none"
            raise click.BadParameter(
                f"no site profile named {name!r} (known: {known})", param_hint="'--site'"
            )
    sites = [profiles[n] for n in names]
    for url in start_urls:
        if http_host(url) is None:
            message = f"{url!r} is not an http(s) address{url_problem(url)}"
            raise click.BadParameter(message, param_hint="'--start-url'")
        if sites and profile_for_url(sites, url) is None:
            hosts = ", ".join(h for site in sites for h in site.hosts)
            message = f"{url!r} is not a page of {hosts}"
            raise click.BadParameter(message, param_hint="'--start-url'")


def _setting(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> dict[str, Any]:
    """NAME=VALUE pairs, each checked as Scrapy will read it (:mod:`.crawl_settings`)."""
    try:
        return check_settings(values)
    except click.BadParameter as exc:
        raise click.BadParameter(exc.message, ctx, param) from None


def _bureau_hosts(
    ctx: click.Context, param: click.Parameter, values: Sequence[str]
) -> tuple[str, ...]:
    """Each ``--bureau-host`` a host name or ``*.domain``: an empty one would match nothing."""
    return host_patterns(values, "--bureau-host")


@click.command()
@db_option
@redis_option
@click.option(
    "--site",
    "sites",
    multiple=True,
    metavar="NAME",
    help="Crawl the site of this profile (repeatable; default: every profile).",
)
@click.option(
    "--start-url",
    "start_urls",
    multiple=True,
    metavar="URL",
    help="A section list page to crawl instead of the profiles' lists (repeatable); any "
    "site's, with or without a profile.",
)
@sites_dir_option
@click.option(
    "--bureau-host",
    "bureau_hosts",
    multiple=True,
    callback=_bureau_hosts,
    metavar="PATTERN",
    help="A host whose cited pages are archived as briefs, e.g. '*.bjedu.gov.cn' "
    "(repeatable; replaces the defaults; or $ARCHIVER_BUREAU_HOSTS, comma-separated).",
)
@click.option(
    "--set",
    "scrapy_settings",
    multiple=True,
    callback=_setting,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting, e.g. DOWNLOAD_DELAY=2 (repeatable).",
)
@click.option(
    "--full",
    is_flag=True,
    help="Walk every list to its end and re-check every archived page "
    "(default: stop a list after a run of already-archived items).",
)
@click.option("--images", is_flag=True, help="Archive the articles' body images too.")
@click.option(
    "--log-file",
    type=PathType(dir_okay=False, writable=True, path_type=Path),
    help="Append the crawl's log to FILE instead of stderr.",
)
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="For cron and timers: print nothing when all is well (exit status 0), else the "
    "run's report, as `archiver runs show` prints it. The log goes to --log-file only.",
)
def crawl(
    db: Path,
    redis_url: str | None,
    sites: tuple[str, ...],
    start_urls: tuple[str, ...],
    sites_dir: Path | None,
    bureau_hosts: tuple[str, ...],
    scrapy_settings: dict[str, str],
    full: bool,
    images: bool,
    log_file: Path | None,
    verbose: int,
    quiet: bool,
) -> None:
    """Crawl the news sites and the briefs they cite into the archive.

    Prints a summary on stdout (with --quiet, only the run's report, and only when it needs
    a look). Exit status: 0 success (pages that failed as in earlier runs are reported, and
    no reason to fail); 3 partial (some pages failed anew, the rest is stored); 1 failure;
    2 bad input; 75 another crawl holds this archive's lock; 130 interrupted (Ctrl-C,
    SIGTERM). A progress display is shown only when stderr is a terminal.

    \b
    archiver crawl --site bucea
    archiver crawl --quiet --log-file data/crawl.log      # from cron
    """
    from archiver.crawl.faults import LOCAL_FAULT
    from archiver.crawl.run import politeness_settings, run_crawl
    from archiver.store.lock import LockedError, crawl_lock
    from spiders.news import NewsSpider

    # `--set ARCHIVER_DB=X` names the archive as --db does: X is checked, locked and summed up
    db = Path(scrapy_settings.pop("ARCHIVER_DB", "") or db)
    check_output(log_file, db, "--log-file")
    if scrapy_settings.get("LOG_FILE"):
        check_output(Path(scrapy_settings["LOG_FILE"]), db, "--set LOG_FILE")
    profiles = site_profiles(db, sites_dir)
    _check_sites(profiles, sites, start_urls)
    open_archive(db, create=True).close()  # a foreign or broken file fails here, before a fetch
    hosts = bureau_hosts or cited_hosts_override()
    overrides: dict[str, Any] = {"ARCHIVER_FULL": full, "ARCHIVER_IMAGES": images}
    if sites_dir is not None:
        overrides["ARCHIVER_SITES_DIR"] = str(sites_dir)
    if hosts:
        overrides["ARCHIVER_BUREAU_HOSTS"] = list(hosts)
    if log_file is not None:
        overrides["LOG_FILE"] = str(log_file)
        overrides["LOG_FILE_APPEND"] = True
    elif quiet:  # cron mails whatever reaches stderr: only a fatal error line does
        overrides["LOG_ENABLED"] = False
    elif sys.stderr.isatty():  # a person is watching; never under cron or systemd
        overrides["EXTENSIONS"] = {"archiver.crawl.progress.CrawlProgress": 500}
    # a profile's own delay and concurrency hold for its hosts; --set DOWNLOAD_SLOTS wins
    overrides.update(politeness_settings(profiles[n] for n in sites or profiles))
    overrides.update(scrapy_settings)
    log_level = ("WARNING", "INFO", "DEBUG")[min(verbose, 2)]
    # a log file on a full disk must not print a traceback per line: the crawl says it once
    logging.raiseExceptions = False
    try:
        with crawl_lock(db):  # fail at once, before any fetch; the crawl itself holds the lock
            pass
        run_id = (run_crawl if redis_url is None else writer(redis_url, profiles))(
            NewsSpider,
            db,
            sites=sites,
            start_urls=start_urls,
            overrides=overrides,
            log_level=log_level,
        )
    except LockedError as exc:
        fail(str(exc), EXIT_LOCKED)
    if run_id is None:
        fail("the crawl did not start (see the log)", EXIT_FAILED)
    with open_archive(db, read_only=True) as archive:
        report = run_report(archive, run_id)
    run = report["run"]
    # a second Ctrl-C stops the crawl at once, its run open (and perhaps a write): the next
    # crawl closes it, as it would a killed one
    stopped_at_once = run["outcome"] == "running"
    if stopped_at_once:
        run["outcome"], run["message"] = "interrupted", "stopped at once by a second signal"
    code = {"ok": EXIT_OK, "partial": EXIT_PARTIAL, "interrupted": EXIT_INTERRUPTED}.get(
        run["outcome"], EXIT_FAILED
    )
    if not quiet:
        click.echo(terminal_text(format_run_summary(run, db)))
    elif code != EXIT_OK:
        click.echo(terminal_text(format_report(report)))
    if run["message"].startswith(LOCAL_FAULT):  # a full disk: said once, on stderr
        fault = run["message"].removeprefix(LOCAL_FAULT)
        fail(f"{fault}; the crawl stopped, run {run_id} is marked failed", EXIT_FAILED)
    if stopped_at_once:  # the reactor's threads were never stopped: exit without waiting
        sys.stdout.flush(), sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def format_run_summary(run: dict[str, Any], db: Path) -> str:
    """The one-screen summary printed after a crawl."""
    lines = [
        f"crawl run {run['id']}: {run['outcome']}"
        + (f" ({run['message']})" if run["message"] else ""),
        f"  archive   {db}",
        f"  news      {run['news_new']} new, {run['news_updated']} updated, "
        f"{run['news_unchanged']} unchanged",
        f"  briefs    {run['briefs_new']} new, {run['briefs_updated']} updated, "
        f"{run['briefs_unchanged']} unchanged",
        f"            {run['briefs_live']} live, {run['briefs_archived']} archived, "
        f"{run['briefs_unavailable']} unavailable",
        f"  checked   {run['not_modified']} unchanged (HTTP 304), "
        f"{run['withdrawn']} newly withdrawn",
        f"  files     {run['files']} attachments archived",
        f"  errors    {run['errors']}"
        + (f" ({run['still_failing']} still failing as before)" if run["still_failing"] else "")
        + (f"; see `archiver runs show {run['id']}`" if run["errors"] else ""),
        f"  fetched   {run['requests']} requests, {run['bytes']:,} bytes",
        f"  time      {run['started_at']} → {run['finished_at']}",
    ]
    return "\n".join(lines)
