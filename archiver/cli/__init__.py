"""The ``archiver`` command line: a thin layer over the store, the exporter and the crawl.

Data goes to stdout; logs and progress to stderr. A user error is one line on stderr,
``archiver: error: …``, and exit status 2; nothing is written.

This module is only the group: each family of commands has its module here, the options they
share are in :mod:`archiver.cli.options` and the way they fail in :mod:`archiver.cli.errors`.
No command module imports this one.
"""

from __future__ import annotations

import click

from archiver import __version__
from archiver.cli import crawl, export, parse, records, runs, search, serve, sites, stats, verify
from archiver.cli.errors import ArchiverGroup
from archiver.cli.worker import worker as distributed_worker


@click.group(cls=ArchiverGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archiver")
def cli() -> None:
    """Archive university news and the education-bureau briefs it cites, in SQLite."""


for _command in (
    crawl.crawl,
    stats.stats,
    runs.runs,
    parse.parse,
    export.export,
    export.citations,
    records.show,
    records.history,
    records.diff,
    records.reparse,
    search.search,
    serve.serve,
    sites.sites,
    verify.verify,
):
    cli.add_command(_command)
cli.add_command(distributed_worker)


def main() -> None:
    """Entry point of the ``archiver`` script."""
    cli(prog_name="archiver")
