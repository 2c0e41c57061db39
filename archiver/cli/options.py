"""What the commands share: their options (``--db``, ``--format``, the record filters), the
checks of their input, and how they open the archive and write to stdout."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from archiver import config
from archiver.cli.errors import UserError
from archiver.store import Archive, ArchiveError, Filters

F = TypeVar("F", bound=Callable[..., Any])


class IsoDate(click.ParamType):
    """A calendar date written ``YYYY-MM-DD``."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


def http_host(value: str) -> str | None:
    """The host of an http(s) URL, or None when ``value`` is not one (never raises)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        return None
    return host if parts.scheme in ("http", "https") and host else None


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


def format_option(
    choices: Sequence[str], *, help: str, default: str | None = None
) -> Callable[[F], F]:
    """``--format`` (the parameter ``fmt``), one of ``choices``; required without a default."""
    if default is None:
        return click.option("--format", "fmt", type=click.Choice(choices), required=True, help=help)
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=default, show_default=True, help=help
    )


def filter_options(f: F) -> F:
    """The record filters shared by ``export`` and ``search``."""
    options = [
        click.option("--kind", type=click.Choice(["news", "brief", "attachment"]),
                     is_eager=True,
                     help="Only this kind of record (attachment: attached documents' text)."),
        click.option("--since", type=IsoDate(), help="Published on or after DATE (YYYY-MM-DD)."),
        click.option("--until", type=IsoDate(), help="Published on or before DATE (YYYY-MM-DD)."),
        click.option("--section", "sections", multiple=True, metavar="LABEL",
                     help="Listed under this section, e.g. 头条新闻 (repeatable: any of them)."),
        click.option("--department", "departments", multiple=True, metavar="NAME",
                     help="This department (部门), exactly (repeatable)."),
        click.option("--site", "sites", multiple=True, metavar="HOST",
                     help="From this host, e.g. jw.beijing.gov.cn (repeatable)."),
        click.option("--status", "statuses", multiple=True,
                     type=click.Choice(["live", "archived", "unavailable"]),
                     help="Briefs with this status (repeatable)."),
        click.option("--withdrawn", type=click.Choice(["include", "exclude", "only"]),
                     default="include", show_default=True,
                     help="Pages since withdrawn from their site (their withdrawn_at is set)."),
    ]  # fmt: skip
    for option in reversed(options):
        f = option(f)
    return f


def make_filters(params: dict[str, Any]) -> Filters:
    """Filters from the options of :func:`filter_options`; checks the date range."""
    since, until = params.get("since"), params.get("until")
    if since and until and since > until:
        raise UserError(f"--since {since} is after --until {until}")
    return Filters(
        kind=params.get("kind"),
        since=since,
        until=until,
        sections=tuple(params.get("sections", ())),
        departments=tuple(params.get("departments", ())),
        sites=tuple(params.get("sites", ())),
        statuses=tuple(params.get("statuses", ())),
        withdrawn=params.get("withdrawn", "include"),
    )


def open_archive(path: Path, *, create: bool = False) -> Archive:
    """Open the archive or exit with one line."""
    try:
        return Archive.open(path, create=create)
    except ArchiveError as exc:
        raise UserError(str(exc)) from None


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
