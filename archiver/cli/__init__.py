"""The ``archiver`` command line: a thin layer over the store, the exporter and the crawl.

Data goes to stdout; logs and progress to stderr. A user error is one line on stderr,
``archiver: error: …``, and exit status 2; nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from archiver import __version__, config
from archiver.export import (
    export_record,
    fields_for,
)
from archiver.store import Archive, ArchiveError

F = TypeVar("F", bound=Callable[..., Any])

#: Exit statuses of ``archiver crawl``; 75 is EX_TEMPFAIL: try again later.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL, EXIT_LOCKED = 0, 1, 2, 3, 75


class UserError(click.ClickException):
    """Bad input the user can fix: one line, exit 2."""

    exit_code = EXIT_USAGE


class ArchiverGroup(click.Group):
    """Prints every click error as one line (``archiver: error: …``) instead of a usage block."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("archiver: aborted", err=True)
            sys.exit(EXIT_FAILED)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        sys.exit(result if isinstance(result, int) else 0)


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    # one line, even for click's multi-line messages ("Choose from:\n\tcsv,\n…")
    line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    click.echo(f"archiver: error: {line}", err=True)
    sys.exit(code)


class IsoDate(click.ParamType):
    """A calendar date written ``YYYY-MM-DD``."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


def db_option(f: F) -> F:
    """``--db PATH``, shared by every command."""
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar=config.ENV_DB,
        default=config.DEFAULT_DB,
        show_default=True,
        help=f"Archive file (or ${config.ENV_DB}).",
    )(f)


def utf8_stdout() -> Any:
    """stdout, writing UTF-8 whatever the locale says (exports are UTF-8 by contract)."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    return sys.stdout


def pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a CJK character takes two)."""
    from unicodedata import east_asian_width

    used = sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def open_archive(path: Path, *, create: bool = False) -> Archive:
    """Open the archive or exit with one line."""
    try:
        return Archive.open(path, create=create)
    except ArchiveError as exc:
        raise UserError(str(exc)) from None


@click.group(cls=ArchiverGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archiver")
def cli() -> None:
    """Archive university news and the education-bureau briefs it cites, in SQLite."""


# -- crawl ---------------------------------------------------------------------------------


def http_host(value: str) -> str | None:
    """The host of an http(s) URL, or None when ``value`` is not one (never raises)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        return None
    return host if parts.scheme in ("http", "https") and host else None


def _start_url(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> list[str]:
    for value in values:
        if http_host(value) not in config.NEWS_SITE_HOSTS:
            raise click.BadParameter(
                f"{value!r} is not a page of {', '.join(config.NEWS_SITE_HOSTS)}", ctx, param
            )
    return list(values)


def _setting(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> dict[str, Any]:
    """NAME=VALUE pairs; a value of a setting whose default is a number or a flag is checked."""
    if not values:
        return {}
    from archiver.crawl.run import crawl_settings

    defaults = crawl_settings(Path("archive.db"), ())
    settings: dict[str, Any] = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", ctx, param)
        default = defaults.get(name)
        try:
            if isinstance(default, bool):
                defaults.set(name, setting)
                defaults.getbool(name)
            elif isinstance(default, (int, float)):
                float(setting)
        except ValueError:
            kind = "true or false" if isinstance(default, bool) else "a number"
            message = f"{name} must be {kind}, not {setting!r}"
            raise click.BadParameter(message, ctx, param) from None
        settings[name] = setting
    return settings


@cli.command()
@db_option
@click.option(
    "--start-url",
    "start_urls",
    multiple=True,
    callback=_start_url,
    metavar="URL",
    help="A section list page to crawl instead of the default sections (repeatable).",
)
@click.option(
    "--bureau-host",
    "bureau_hosts",
    multiple=True,
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
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Append the crawl's log to FILE instead of stderr.",
)
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
def crawl(
    db: Path,
    start_urls: list[str],
    bureau_hosts: tuple[str, ...],
    scrapy_settings: dict[str, str],
    full: bool,
    images: bool,
    log_file: Path | None,
    verbose: int,
) -> None:
    """Crawl the news site and the briefs it cites into the archive.

    Prints a summary on stdout. Exit status: 0 success; 3 partial (some pages failed, the rest
    is stored); 1 failure; 2 bad input; 75 another crawl holds this archive's lock.
    A progress line is shown only when stderr is a terminal.
    """
    from archiver.crawl.run import run_crawl
    from archiver.store.lock import LockedError, crawl_lock

    if log_file is not None and not log_file.parent.is_dir():
        raise UserError(f"cannot write {log_file}: no folder {log_file.parent}")
    open_archive(db, create=True).close()  # a foreign or broken file fails here, before a fetch
    hosts = tuple(h.lower() for h in bureau_hosts) or config.bureau_hosts()
    overrides: dict[str, Any] = {"ARCHIVER_FULL": full, "ARCHIVER_IMAGES": images}
    if log_file is not None:
        overrides["LOG_FILE"] = str(log_file)
        overrides["LOG_FILE_APPEND"] = True
    elif sys.stderr.isatty():  # a person is watching; never under cron or systemd
        overrides["EXTENSIONS"] = {"archiver.crawl.progress.ProgressLine": 500}
    overrides.update(scrapy_settings)
    log_level = ("WARNING", "INFO", "DEBUG")[min(verbose, 2)]
    try:
        with crawl_lock(db):
            run_id = run_crawl(db, start_urls, hosts, overrides, log_level)
    except LockedError as exc:
        _fail(str(exc), EXIT_LOCKED)
    if run_id is None:
        _fail("the crawl did not start (see the log)", EXIT_FAILED)
    with open_archive(db) as archive:
        run = archive.run(run_id)
    click.echo(format_run_summary(run, db))
    code = {"ok": EXIT_OK, "partial": EXIT_PARTIAL}.get(run["outcome"], EXIT_FAILED)
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
        f"  errors    {run['errors']}",
        f"  fetched   {run['requests']} requests, {run['bytes']:,} bytes",
        f"  time      {run['started_at']} → {run['finished_at']}",
    ]
    return "\n".join(lines)


# -- stats, runs ---------------------------------------------------------------------------


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    metavar="FILE.png",
    help="Also draw articles per month and briefs by status to FILE.png (coverage gaps).",
)
def stats(db: Path, as_json: bool, plot: Path | None) -> None:
    """Counts of the archive by kind, section, year and brief status."""
    if plot is not None:
        if plot.suffix.lower() != ".png":
            raise UserError(f"--plot writes PNG: {plot} should end in .png")
        if not plot.parent.is_dir():
            raise UserError(f"cannot write {plot}: no folder {plot.parent}")
    with open_archive(db) as archive:
        counts = archive.stats()
        if plot is not None:
            from archiver.export.plot import plot_coverage

            try:
                months, briefs = plot_coverage(archive, plot)
            except OSError as exc:
                raise UserError(f"cannot write {plot}: {exc.strerror or exc}") from None
            click.echo(f"wrote {plot} ({months} months, {briefs} briefs)", err=True)
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False, indent=2))
        return
    for heading, key in (
        ("records by kind", "kind"),
        ("news by section", "section"),
        ("news by year", "year"),
        ("briefs by status", "brief_status"),
    ):
        click.echo(heading)
        for name, n in counts[key].items():
            click.echo(f"  {pad(name, 24)}{n:>8}")
        if not counts[key]:
            click.echo("  (none)")
    click.echo(f"citations {counts['citations']}, crawl runs {counts['runs']}")


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per run and line.")
def runs(db: Path, as_json: bool) -> None:
    """Past crawl runs, newest first, with their counts and outcome."""
    with open_archive(db) as archive:
        rows = archive.runs()
    for run in rows:
        if as_json:
            click.echo(json.dumps(run, ensure_ascii=False))
        else:
            click.echo(
                f"{run['id']:>4}  {run['started_at']}  {run['outcome']:<11} "
                f"news +{run['news_new']}/~{run['news_updated']}  "
                f"briefs +{run['briefs_new']}/~{run['briefs_updated']}  "
                f"errors {run['errors']}"
            )


# -- parse ---------------------------------------------------------------------------------

_SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.I)
_CANONICAL = re.compile(
    rb"<link[^>]+rel=[\"']?canonical[\"']?[^>]*href=[\"']([^\"']+)|"
    rb"<meta[^>]+property=[\"']og:url[\"'][^>]*content=[\"']([^\"']+)",
    re.I,
)


def page_url_from_bytes(raw: bytes) -> str | None:
    """The address a saved page names for itself (browser 'saved from', canonical, og:url)."""
    head = raw[:8192]
    match = _SAVED_FROM.search(head) or _CANONICAL.search(head)
    if not match:
        return None
    value = next(g for g in match.groups() if g)
    return value.decode("ascii", "replace")


@cli.command()
@click.option(
    "--url",
    metavar="URL",
    help="The address the pages were saved from; chooses the extractor. Without it, the "
    "page's own 'saved from' comment, canonical link or og:url is used.",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def parse(url: str | None, files: tuple[Path, ...]) -> None:
    """Print the record each saved page FILE gives, one JSON line per FILE.

    Runs the same extractors as a crawl, without a network or an archive: the way to check an
    extractor after a site changes its markup.
    """
    from archiver.extract import extract_document

    out = utf8_stdout()
    for path in files:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise UserError(f"cannot read {path}: {exc.strerror}") from None
        page_url = url or page_url_from_bytes(raw)
        if not page_url:
            raise UserError(f"cannot tell which address {path} was saved from; give --url")
        if http_host(page_url) is None:
            raise UserError(f"{page_url!r} is not an http(s) address")
        doc = extract_document(raw, page_url)
        row = _doc_as_row(doc)
        row["sha256"] = hashlib.sha256(raw).hexdigest()
        record = export_record(row, fields_for(doc.kind))
        record["file"] = str(path)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _doc_as_row(doc: Any) -> dict[str, Any]:
    from dataclasses import asdict

    row = asdict(doc)
    if "cites" in row:
        row["cites"] = [c["url"] for c in row["cites"]]
    row.setdefault("cited_by", [])
    row["kind"] = doc.kind
    return row


def main() -> None:
    """Entry point of the ``archiver`` script."""
    cli(prog_name="archiver")



# Commands defined in their own modules (they import the helpers above).
from archiver.cli.export import citations, export  # noqa: E402
from archiver.cli.records import diff, history, reparse, show  # noqa: E402

for _command in (export, citations, show, history, diff, reparse):
    cli.add_command(_command)

from archiver.cli.search import search_command  # noqa: E402

cli.add_command(search_command)

from archiver.cli.serve import serve_command  # noqa: E402

cli.add_command(serve_command)
