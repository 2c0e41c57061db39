"""``archiver stats`` and ``archiver runs``: what the archive holds, and how it was crawled."""

from __future__ import annotations

import json
from pathlib import Path

import click

from archiver.cli.errors import UserError
from archiver.cli.options import (
    PathType,
    check_output,
    db_option,
    open_archive,
    pad,
    utf8_stdout,
    writing,
)
from archiver.cli.terminal import terminal_text


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
@click.option(
    "--plot",
    type=PathType(dir_okay=False, writable=True, path_type=Path),
    metavar="FILE.png",
    help="Also draw articles per month and briefs by status to FILE.png (coverage gaps).",
)
def stats(db: Path, as_json: bool, plot: Path | None) -> None:
    """Counts of the archive by kind, section, year and brief status."""
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
    out = utf8_stdout()
    if as_json:
        out.write(json.dumps(counts, ensure_ascii=False, indent=2) + "\n")
        return
    for heading, key in (
        ("records by kind", "kind"),
        ("news by section", "section"),
        ("news by year", "year"),
        ("briefs by status", "brief_status"),
    ):
        click.echo(heading)
        for name, n in counts[key].items():  # a section's name is a page's text
            click.echo(f"  {pad(terminal_text(name), 24)}{n:>8}")
        if not counts[key]:
            click.echo("  (none)")
    click.echo(f"citations {counts['citations']}, crawl runs {counts['runs']}")


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per run and line.")
def runs(db: Path, as_json: bool) -> None:
    """Past crawl runs, newest first, with their counts and outcome."""
    with open_archive(db, read_only=True) as archive:
        rows = archive.runs()
    out = utf8_stdout()
    for run in rows:
        if as_json:
            out.write(json.dumps(run, ensure_ascii=False) + "\n")
        else:
            line = (
                f"{run['id']:>4}  {run['started_at']}  {run['outcome']:<11} "
                f"news +{run['news_new']}/~{run['news_updated']}  "
                f"briefs +{run['briefs_new']}/~{run['briefs_updated']}  "
                f"errors {run['errors']}"
            )
            out.write(terminal_text(line) + "\n")
