"""``archiver stats``: what the archive holds (``archiver runs``, how it was crawled, is in
:mod:`archiver.cli.runs`)."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import click

from archiver.cli.errors import UserError
from archiver.cli.options import (
    PathType,
    check_output,
    db_option,
    open_archive,
    pad,
    writing,
)
from archiver.cli.output import Output, emit, output_options
from archiver.cli.terminal import terminal_text

#: The groups of counts, each with its heading in the default view.
GROUPS = {
    "kind": "records by kind",
    "section": "news by section",
    "year": "news by year",
    "brief_status": "briefs by status",
}
STATS_FIELDS = ("group", "value", "count")


@click.command(
    epilog="""\b
Examples:
  archiver stats
  archiver stats --csv -o counts.csv             # group,value,count: one row per count
  archiver stats --json | jq '.[] | select(.group == "year")'
  archiver stats --plot coverage.png
"""
)
@db_option
@output_options(STATS_FIELDS, default="text")
@click.option(
    "--plot",
    type=PathType(dir_okay=False, writable=True, path_type=Path),
    metavar="FILE.png",
    help="Also draw articles per month and briefs by status to FILE.png (coverage gaps).",
)
def stats(db: Path, output: Output, plot: Path | None) -> None:
    """Counts of the archive by kind, section, year and brief status.

    The default view groups them under headings; -t, --csv, --tsv, --json and --nl print one
    row per count: group (kind, section, year, brief_status or total), value (e.g. news,
    综合新闻, 2011; for total: citations or crawl runs) and count.
    """
    if plot is not None:
        if plot.suffix.lower() != ".png":
            raise UserError(f"--plot writes PNG: {plot} should end in .png")
        check_output(plot, db, "--plot")
    with open_archive(db, read_only=True) as archive:
        counts = archive.stats()
        if plot is not None:
            from archiver.export.plot import plot_coverage

            with writing(plot):
                months, briefs = plot_coverage(archive, plot)
            click.echo(f"wrote {plot} ({months} months, {briefs} briefs)", err=True)
    rows = [
        {"group": group, "value": value, "count": n}
        for group in GROUPS
        for value, n in counts[group].items()
    ]
    rows += [
        {"group": "total", "value": "citations", "count": counts["citations"]},
        {"group": "total", "value": "crawl runs", "count": counts["runs"]},
    ]
    emit(output, rows, STATS_FIELDS, noun="counts", text=_stats_text)


def _stats_text(rows: list[dict[str, Any]], out: IO[str]) -> None:
    for group, heading in GROUPS.items():
        out.write(heading + "\n")
        counts = [row for row in rows if row["group"] == group]
        for row in counts:  # a section's name is a page's text
            out.write(f"  {pad(terminal_text(row['value']), 24)}{row['count']:>8}\n")
        if not counts:
            out.write("  (none)\n")
    totals = {row["value"]: row["count"] for row in rows if row["group"] == "total"}
    out.write(f"citations {totals['citations']}, crawl runs {totals['crawl runs']}\n")
