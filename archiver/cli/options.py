"""What the commands share: their options (``--db``, ``--format``, the record filters), the
checks of their input, and how they open the archive and write to stdout."""

from __future__ import annotations

import errno
import importlib
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from archiver import config
from archiver.cli.errors import EXIT_FAILED, EXIT_USAGE, UserError, fail
from archiver.cli.terminal import TerminalStream
from archiver.store.connect import ArchiveError
from archiver.store.files import archive_part
from archiver.store.selects import Filters

if TYPE_CHECKING:
    from archiver.store import Archive

F = TypeVar("F", bound=Callable[..., Any])


class PathType(click.Path):
    """:class:`click.Path` that refuses a name holding a NUL character in one line (the
    file system calls would raise ValueError)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and "\0" in value:
            self.fail(f"{value!r} holds a NUL character: no file has that name", param, ctx)
        return super().convert(value, param, ctx)


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
        parts.port  # noqa: B018 - raises for a port out of range (99999) or not a number
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        return None
    return host if parts.scheme in ("http", "https") and host else None


def url_problem(value: str) -> str:
    """What is wrong with the address ``value`` besides its scheme, as ``": …"`` (its port out
    of range or not a number, an unclosed bracket), or ``""``."""
    from urllib.parse import urlsplit

    try:
        urlsplit(value).port  # noqa: B018 - raises for what is wrong
    except ValueError as exc:
        return f": {exc}"
    return ""


def host_patterns(values: Sequence[str], where: str) -> tuple[str, ...]:
    """``values`` lower-cased, each checked to be a host name or ``*.domain`` (``where``
    names the option or variable in the one-line error)."""
    from archiver.sites import is_host_pattern

    patterns = tuple(value.strip().lower() for value in values)
    for pattern in patterns:
        if not is_host_pattern(pattern):
            raise UserError(
                f"{where}: {pattern!r} is not a host name or '*.domain' pattern "
                "(e.g. jw.beijing.gov.cn, *.bjedu.gov.cn)"
            )
    return patterns


def cited_hosts_override() -> tuple[str, ...] | None:
    """``$ARCHIVER_BUREAU_HOSTS``, checked; None when it is not set."""
    raw = os.environ.get(config.ENV_BUREAU_HOSTS)
    if raw is None or not raw.strip():
        return None
    return host_patterns(raw.split(","), f"${config.ENV_BUREAU_HOSTS}")


def sites_dir_option(f: F) -> F:
    """``--sites-dir DIR``: the folder of the archivist's own site profiles."""
    return click.option(
        "--sites-dir",
        type=PathType(file_okay=False, path_type=Path),
        envvar=config.ENV_SITES_DIR,
        help="The folder of your own site profiles (default: sites/ beside the archive; "
        f"or ${config.ENV_SITES_DIR}).",
    )(f)


def db_option(f: F) -> F:
    """``--db PATH``, shared by every command."""
    return click.option(
        "--db",
        "db",
        type=PathType(dir_okay=False, path_type=Path),
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


def open_archive(path: Path, *, create: bool = False, read_only: bool = False) -> Archive:
    """Open the archive or exit with one line; ``read_only`` for the commands that only read
    (they never write the archive, and read one on read-only media)."""
    load_sqlite_utils()
    from archiver.store.archive import Archive

    try:
        return Archive.open(path, create=create, read_only=read_only)
    except ArchiveError as exc:
        raise UserError(str(exc)) from None


def load_sqlite_utils() -> None:
    """Import sqlite-utils without letting it import pandas and numpy (2 s on a busy machine).

    It imports them only to map their types to column types when inserting: the archive
    never inserts them. One that is already imported is left to it; they stay importable."""
    if "sqlite_utils.db" in sys.modules:
        return
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        importlib.import_module("sqlite_utils.db")
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


def check_output(path: Path | None, db: Path, option: str, *, folder_made: bool = False) -> None:
    """Refuse, in one line and before anything is written, an output ``path`` (of ``option``)
    that is one of the files of the archive ``db``, a folder, or a file that cannot be written
    there (``folder_made``: a missing folder will be made)."""
    if path is None:
        return
    if "\0" in str(path) or not str(path):
        raise UserError(f"{option} {str(path)!r} is no file name")
    part = archive_part(path, db)
    if part is not None:
        raise UserError(f"{option} {path} is {part} {db}: nothing written")
    if path.is_dir():
        raise UserError(f"{option} {path} is a folder, not a file")
    if path.exists() and not path.is_file():  # a device or a pipe: written in place
        if not os.access(path, os.W_OK):
            raise UserError(f"cannot write {path}: permission denied")
        return
    folder = Path(os.path.realpath(path)).parent
    if folder_made and not folder.exists():
        return
    if not folder.is_dir():
        raise UserError(f"cannot write {path}: no folder {path.parent}")
    if path.exists() and not os.access(path, os.W_OK):
        raise UserError(f"cannot write {path}: permission denied")
    try:  # the one sure test, also for root (whom access() lets write anywhere but /proc)
        fd, probe = tempfile.mkstemp(prefix=".archiver-", suffix=".probe", dir=folder)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
    os.close(fd)
    os.unlink(probe)


#: Errors of creating a file: the user's to fix (exit 2); others (a full disk) are failures.
_CANNOT_CREATE = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT, errno.ENOTDIR,
                  errno.EISDIR, errno.ENAMETOOLONG}  # fmt: skip


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """An :class:`OSError` of writing ``path`` in the block as one line: exit 2 when the file
    cannot be created, 1 when writing it failed (a full disk)."""
    try:
        yield
    except OSError as exc:
        code = EXIT_USAGE if exc.errno in _CANNOT_CREATE else EXIT_FAILED
        fail(f"cannot write {path}: {exc.strerror or exc}", code)


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


def read_page(path: Path) -> bytes:
    """The bytes of a saved page, or one line: a device or a pipe (``/dev/zero``) is no
    saved page, and one larger than a crawl would fetch is refused before it is read."""
    try:
        if not path.is_file():
            raise UserError(f"cannot read {path}: it is not a file (a saved page is)")
        with path.open("rb") as f:
            raw = f.read(config.PAGE_MAX_BYTES + 1)
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > config.PAGE_MAX_BYTES:
        raise UserError(
            f"cannot read {path}: larger than {config.PAGE_MAX_BYTES // 2**20} MiB, the most a "
            "crawl fetches of a page"
        )
    return raw


def utf8_stdout(*, raw: bool = False) -> Any:
    """stdout, writing UTF-8 whatever the locale says (exports are UTF-8 by contract).

    On a terminal, control characters written are shown as escapes, never obeyed
    (:mod:`archiver.cli.terminal`); ``raw``: the caller escapes page text itself, to add
    colours of its own.
    """
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    if not raw and sys.stdout.isatty():
        return TerminalStream(sys.stdout)
    return sys.stdout


def pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a CJK character takes two)."""
    from unicodedata import east_asian_width

    used = sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)
