"""``archiver stats`` and ``archiver runs``: what the archive holds, and how it was crawled."""

from __future__ import annotations

import json
from pathlib import Path

import click

from archiver.cli.errors import UserError
from archiver.cli.options import db_option, open_archive, pad


@click.command()
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


@click.command()
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
