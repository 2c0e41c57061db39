"""``archiver runs``: the crawl runs, and ``runs show N``: what one run changed and saw fail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

import click
from click.core import ParameterSource

from archiver.cli.errors import UserError
from archiver.cli.options import db_option, open_archive, utf8_stdout
from archiver.cli.output import Output, emit, output_options
from archiver.cli.terminal import terminal_text

#: The report's headings, one per kind of change (``archiver.store.failures.CHANGES``).
HEADINGS = {
    "new": "new",
    "changed": "changed",
    "withdrawn": "withdrawn (404/410; the last copy kept)",
    "recovered": "recovered from the web archive",
    "failed": "failed (new failures)",
    "still failing": "still failing (known failures, as in earlier runs)",
    "resolved": "no longer failing",
}


#: The columns of a run (the table ``crawl_runs``), in its order.
RUN_FIELDS = (
    "id", "started_at", "finished_at", "outcome", "tool_version", "start_urls", "news_new",
    "news_updated", "news_unchanged", "briefs_new", "briefs_updated", "briefs_unchanged",
    "briefs_live", "briefs_archived", "briefs_unavailable", "errors", "requests", "bytes",
    "message", "not_modified", "withdrawn", "files", "still_failing",
)  # fmt: skip


@click.group(invoke_without_command=True, epilog="""\b
Examples:
  archiver runs                          every run, one line each
  archiver runs -t --fields id,started_at,outcome,errors
  archiver runs --nl | jq .outcome       one JSON object per run and line
  archiver runs show                     the last run's report: new, changed, withdrawn,
                                         recovered, failed (with reasons), still failing
  archiver runs show 12 --json           run 12's report as one JSON object
""")  # fmt: skip
@db_option
@output_options(RUN_FIELDS, default="text")
@click.pass_context
def runs(ctx: click.Context, db: Path, output: Output) -> None:
    """Past crawl runs, newest first, with their counts and outcome: one line each, or their
    columns with -t, --csv, --tsv, --json (one array) or --nl (one object per line)."""
    ctx.obj = {"db": db, "as_json": output.fmt in ("json", "nl")}
    if ctx.invoked_subcommand is not None:
        return
    with open_archive(db, read_only=True) as archive:
        rows = archive.runs()
    emit(output, rows, RUN_FIELDS, noun="runs", text=_run_lines)


def _run_lines(rows: list[dict[str, Any]], out: IO[str]) -> None:
    for run in rows:
        out.write(terminal_text(run_line(run)) + "\n")


def run_line(run: dict[str, Any]) -> str:
    """A run in one line: number, start, outcome, counts."""
    line = (
        f"{run['id']:>4}  {run['started_at']}  {run['outcome']:<11} "
        f"news +{run['news_new']}/~{run['news_updated']}  "
        f"briefs +{run['briefs_new']}/~{run['briefs_updated']}  "
        f"errors {run['errors']}"
    )
    if run.get("still_failing"):
        line += f" ({run['still_failing']} still failing)"
    return line


@runs.command()
@click.argument("run_id", metavar="[N]", required=False, type=click.IntRange(min=1))
@db_option
@click.option("--json", "as_json", is_flag=True, help="The report as one JSON object.")
@click.pass_context
def show(ctx: click.Context, run_id: int | None, db: Path, as_json: bool) -> None:
    """The report of run N (default: the last run): what was new, changed, withdrawn,
    recovered from the web archive, what failed (each URL with its reason), what is still
    failing and what no longer fails.

    \b
    archiver runs show
    archiver runs show 12 --json
    """
    parent = ctx.obj or {}
    if ctx.get_parameter_source("db") in (ParameterSource.DEFAULT, None) and "db" in parent:
        db = parent["db"]
    as_json = as_json or parent.get("as_json", False)
    with open_archive(db, read_only=True) as archive:
        run_id = run_id or archive.last_run_id()
        if run_id is None:
            raise UserError(f"no crawl has run on {db}")
        if run_id not in {run["id"] for run in archive.runs()}:
            raise UserError(f"no run {run_id} in {db}")
        report = run_report(archive, run_id)
    out = utf8_stdout()
    if as_json:
        out.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(terminal_text(format_report(report)) + "\n")


def run_report(archive: Any, run_id: int) -> dict[str, Any]:
    """Run ``run_id``'s row and its changes (``archiver.store.Archive.run_changes``)."""
    return {"run": archive.run(run_id), **archive.run_changes(run_id)}


def format_report(report: dict[str, Any]) -> str:
    """The report of a run, for people: its outcome, then each kind of change with its URLs."""
    run = report["run"]
    lines = [
        f"crawl run {run['id']}: {run['outcome']}"
        + (f" ({run['message']})" if run["message"] else ""),
        f"  started {run['started_at']}, finished {run['finished_at'] or '-'}, "
        f"archiver {run['tool_version']}",
    ]
    for change, heading in HEADINGS.items():
        entries = report.get(change, [])
        lines.append(f"{heading}: {len(entries)}")
        lines.extend(_entry(change, entry) for entry in entries)
    return "\n".join(lines)


def _entry(change: str, entry: dict[str, Any]) -> str:
    line = f"  {entry['kind']:<6} {entry['url']}"
    if entry.get("title"):
        line += f"  {entry['title']}"
    if change in ("failed", "still failing"):
        line += f"  — {entry['reason']}"
    if change == "still failing":
        line += f" (failing since run {entry['first_run']}, {entry['first_seen']})"
    return line
