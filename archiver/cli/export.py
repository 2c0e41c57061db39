"""``export`` and ``citations``: records and the citation graph, streamed as CSV or JSON,
with the filters that ``search`` shares."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from archiver.cli import IsoDate, UserError, db_option, open_archive, utf8_stdout
from archiver.export import (
    CITATION_FIELDS,
    FORMATS,
    KIND_FIELDS,
    atomic_output,
    fields_for,
    write_csv_tuples,
    write_manifest,
    write_records,
    write_rows,
)
from archiver.store import Archive, Filters

F = TypeVar("F", bound=Callable[..., Any])


def _fields(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[str, ...] | None:
    if value is None:
        return None
    kind = ctx.params.get("kind")
    allowed = fields_for(kind)
    wanted = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in allowed]
    if unknown or not wanted:
        raise click.BadParameter(
            f"unknown field {', '.join(unknown) or '(none given)'}; "
            f"fields{' of ' + kind if kind else ''}: {', '.join(allowed)}",
            ctx,
            param,
        )
    # the contract's order, whatever order they were named in: the same set, the same columns
    return tuple(name for name in allowed if name in wanted)


def filter_options(f: F) -> F:
    """The record filters shared by ``export`` and ``search``."""
    options = [
        click.option("--kind", type=click.Choice(["news", "brief"]), is_eager=True,
                     help="Only this kind of record."),
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


def with_query(archive: Archive, filters: Filters, query: str) -> Filters:
    """``filters`` narrowed to the records matching the full-text ``query``."""
    from dataclasses import replace

    from archiver.search import QueryError, search

    try:
        hits = search(archive.db, query, filters, limit=None)
    except QueryError as exc:
        raise click.BadParameter(str(exc), param_hint="'--query'") from None
    urls = json.dumps([hit.url for hit in hits], ensure_ascii=False)
    return replace(filters, extra=("d.url IN (SELECT value FROM json_each(?))", (urls,)))


@click.command()
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    required=True,
    help="csv, json (one array) or jsonl (one record per line).",
)
@filter_options
@click.option(
    "--query",
    metavar="QUERY",
    help="Only records matching this full-text query (the syntax of `archiver search`).",
)
@click.option(
    "--fields",
    callback=_fields,
    metavar="A,B,…",
    help="Only these fields (comma-separated), always in the order of the README's contract.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to FILE (replaced whole, only when the export succeeds) instead of stdout.",
)
@click.option("--bom", is_flag=True, help="Start the output with a UTF-8 BOM, for Excel.")
@click.option(
    "--manifest",
    is_flag=True,
    help="Also write FILE.manifest.json: command, filters, record count, time, tool version "
    "and the export's sha256 (needs -o).",
)
def export(
    db: Path,
    fmt: str,
    query: str | None,
    fields: tuple[str, ...] | None,
    output: Path | None,
    bom: bool,
    manifest: bool,
    **filter_params: Any,
) -> None:
    """Export records, streaming, as CSV, JSON or JSON Lines.

    Fields are listed in the README ("The export record"); with --kind only that kind's fields.
    In CSV, list fields (sections, cites, attachments, images, cited_by, parse_warnings) and
    provenance are written as JSON text, e.g. ["头条新闻", "综合新闻"]; an empty value is an
    empty cell. Dates are ISO 8601.
    """
    filters = make_filters(filter_params)
    if output is not None and not output.parent.is_dir():
        raise UserError(f"cannot write {output}: no folder {output.parent}")
    if manifest and output is None:
        raise UserError("--manifest needs -o FILE: the manifest is written beside it")
    columns = fields or fields_for(filters.kind)
    with open_archive(db) as archive:
        if query is not None:
            filters = with_query(archive, filters, query)

        def write(out: Any) -> int:
            if fmt == "csv":  # values straight from SQL: no Python work per value
                tuples = archive.record_tuples(filters, columns, KIND_FIELDS)
                return write_csv_tuples(tuples, out, columns)
            return write_records(archive.records(filters), out, fmt, columns)

        if output is None:
            out = utf8_stdout()
            if bom:
                out.write("\ufeff")
            write(out)
            out.flush()
            return
        with atomic_output(output, bom=bom) as f:
            count = write(f)
    click.echo(f"wrote {count} records to {output}", err=True)
    if manifest:
        path = write_manifest(
            output, db=db, fmt=fmt, fields=columns, filters=filters, count=count, query=query
        )
        click.echo(f"wrote {path}", err=True)


@click.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="csv, json or jsonl.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to FILE instead of stdout.")
@click.option("--bom", is_flag=True, help="Start the output with a UTF-8 BOM, for Excel.")
def citations(db: Path, fmt: str, output: Path | None, bom: bool) -> None:
    """Export the citation graph: one row per news article, cited brief and way it was found.

    Columns: news_url, news_title, news_published, brief_url, brief_title, brief_status,
    how (link: an <a href> in the body; text: an address written as plain text), position
    (the citation's order in the article).
    """  # fmt: skip
    if output is not None and not output.parent.is_dir():
        raise UserError(f"cannot write {output}: no folder {output.parent}")
    with open_archive(db) as archive:
        rows = archive.citation_rows()
        if output is None:
            out = utf8_stdout()
            if bom:
                out.write("\ufeff")
            write_rows(rows, out, fmt, CITATION_FIELDS)
            return
        with atomic_output(output, bom=bom) as f:
            count = write_rows(rows, f, fmt, CITATION_FIELDS)
    click.echo(f"wrote {count} citations to {output}", err=True)
