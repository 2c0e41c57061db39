"""The ``archiver`` command line: a thin layer over the store, the exporter and the crawl.

Data goes to stdout; logs and progress to stderr. A user error is one line on stderr,
``archiver: error: …``, and exit status 2; nothing is written.

This module is only the group: each family of commands has its module here, the options they
share are in :mod:`archiver.cli.options` and the way they fail in :mod:`archiver.cli.errors`.
No command module imports this one.

The group loads a command's module only when that command runs (click's "lazy group"), so
``archiver export`` never pays for Scrapy, Datasette or matplotlib: :data:`COMMANDS` names
each command's module and its one-line help, which ``archiver --help`` lists without
importing anything (a test checks the table against each command's own help).
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from archiver.cli.errors import ArchiverGroup
from archiver.cli.options import load_sqlite_utils as _import_sqlite_utils

#: name -> (module in archiver.cli, attribute, the command's short help as click makes it)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "citations": ("export", "citations", "Export the citation graph: one row per news "
                  "article, cited brief and way it was found."),
    "crawl": ("crawl", "crawl", "Crawl the news sites and the briefs they cite into the archive."),
    "diff": ("records", "diff", "Show how the body of URL changed between two versions "
             "(default: the last two)."),
    "export": ("export", "export", "Export records, streaming: JSON (the default), --nl, "
               "--csv, --tsv or -t."),
    "history": ("records", "history", "List the stored versions of URL with their dates and "
                "the fields that changed."),
    "parse": ("parse", "parse", "Print the record each saved page FILE gives, one JSON line "
              "per FILE."),
    "reparse": ("records", "reparse", "Rebuild every record from its stored capture with the "
                "current extractors."),
    "runs": ("runs", "runs", "Past crawl runs, newest first, with their counts and outcome: "
             "one line each, or their columns with -t, --csv, --tsv, --json (one array) or "
             "--nl (one object per line)."),
    "search": ("search", "search", "Search titles and bodies (and attached documents) for "
               "QUERY; print the best hits."),
    "serve": ("serve", "serve", "Open the archive in Datasette, read-only, until Ctrl-C."),
    "show": ("records", "show", "Print the record of URL with its provenance: where each "
             "value and the bytes came from."),
    "sites": ("sites", "sites", "Site profiles: what the crawl knows of each news site (list, "
              "show, add, check)."),
    "stats": ("stats", "stats", "Counts of the archive by kind, section, year and brief "
              "status."),
    "verify": ("verify", "verify", "Re-read every capture and check it is the bytes that "
               "were captured."),
    "worker": ("worker", "worker", "Join the distributed crawl in Redis: fetch, extract, "
               "write WARC files, hand records to the writer (`archiver crawl --redis URL`), "
               "until the writer ends the crawl."),
}  # fmt: skip


#: The command modules that import sqlite-utils only when a command needs it (through
#: :func:`archiver.cli.options.open_archive`): ``export --csv`` reads without it.
LOADS_SQLITE_UTILS_ITSELF = frozenset({"export"})


class LazyGroup(ArchiverGroup):
    """A group whose commands are imported when they are invoked (or their help asked for);
    its own ``--help`` lists them from :data:`COMMANDS` without importing them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            module, attribute, _ = COMMANDS[cmd_name]
            if module not in LOADS_SQLITE_UTILS_ITSELF:
                _import_sqlite_utils()
            command = getattr(importlib.import_module(f"archiver.cli.{module}"), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(map(len, names))
        rows = []
        for name in names:
            if name in COMMANDS and name not in self.commands:
                # shortened by click's own rule, as the command itself would be
                short = click.Command(name, help=COMMANDS[name][2]).get_short_help_str(limit)
            else:
                command = self.get_command(ctx, name)
                if command is None or command.hidden:
                    continue
                short = command.get_short_help_str(limit)
            rows.append((name, short))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    # read from the installed package's metadata only when asked (importlib.metadata is slow)
    if value and not ctx.resilient_parsing:
        from archiver import __version__

        click.echo(f"archiver, version {__version__}")
        ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_version,
    help="Show the version and exit.",
)
def cli(**_: Any) -> None:
    """Archive university news and the education-bureau briefs it cites, in SQLite."""


def main() -> None:
    """Entry point of the ``archiver`` script."""
    cli(prog_name="archiver")
