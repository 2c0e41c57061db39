"""``export`` and ``citations``: records and the citation graph, streamed as CSV or JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from archiver.cli.errors import UserError
from archiver.cli.options import (
    PathType,
    check_output,
    db_option,
    filter_options,
    format_option,
    make_filters,
    open_archive,
    utf8_stdout,
    writing,
)
from archiver.export import (
    CITATION_FIELDS,
    FORMATS,
    KIND_FIELDS,
    atomic_output,
    fields_for,
    manifest_path,
    spreadsheet_safe_sql,
    write_manifest,
    write_records,
    write_rows,
    write_safe_csv_tuples,
)
from archiver.store import Archive, Filters


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


def attachment_query(archive: Archive, filters: Filters, query: str) -> list[str]:
    """The attached files whose text matches the full-text ``query`` (their page ``filters``)."""
    from archiver.search import QueryError, search

    try:
        hits = search(archive.db, query, filters, limit=None)
    except QueryError as exc:
        raise click.BadParameter(str(exc), param_hint="'--query'") from None
    return [hit.url for hit in hits]


@click.command()
@db_option
@format_option(FORMATS, help="csv, json (one array) or jsonl (one record per line).")
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
    type=PathType(dir_okay=False, writable=True, path_type=Path),
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
    --kind attachment exports the text of attached documents instead, with fields of their own
    (the file, the page that links it, the text, its status); the other filters apply to the
    page.
    In CSV, list fields (sections, cites, attachments, images, cited_by, parse_warnings) and
    provenance are written as JSON text, e.g. ["头条新闻", "综合新闻"]; an empty value is an
    empty cell. Dates are ISO 8601.

    In CSV, a text cell starting with = + - @, a tab or a carriage return (which Excel,
    LibreOffice or Google Sheets would run as a formula) gets an apostrophe in front, and so
    does one starting with an apostrophe: '=HYPERLINK(…). For the raw value, drop the first
    character of every cell that starts with an apostrophe, or export --format json or
    jsonl, which hold every value as it is.
    """
    filters = make_filters(filter_params)
    if manifest and output is None:
        raise UserError("--manifest needs -o FILE: the manifest is written beside it")
    check_output(output, db, "-o")
    if manifest and output is not None:
        if output.exists() and not output.is_file():
            raise UserError(f"--manifest needs -o to name a file, not {output}")
        check_output(manifest_path(output), db, "--manifest")
    columns = fields or fields_for(filters.kind)
    with open_archive(db, read_only=True) as archive:
        files = None
        if query is not None and filters.kind == "attachment":
            files = attachment_query(archive, filters, query)
        elif query is not None:
            filters = with_query(archive, filters, query)

        def write(out: Any) -> int:
            if filters.kind == "attachment":  # attached documents' text: fields of their own
                rows = archive.attachment_records(filters, urls=files)
                return write_rows(({c: r[c] for c in columns} for r in rows), out, fmt, columns)
            if fmt == "csv":  # values straight from SQL, made spreadsheet-safe there
                tuples = archive.record_tuples(
                    filters, columns, KIND_FIELDS, text_cell=spreadsheet_safe_sql
                )
                return write_safe_csv_tuples(tuples, out, columns)
            return write_records(archive.records(filters), out, fmt, columns)

        if output is None:
            out = utf8_stdout()
            if bom:
                out.write("\ufeff")
            write(out)
            out.flush()
            return
        with writing(output), atomic_output(output, bom=bom) as f:
            count = write(f)
    click.echo(f"wrote {count} records to {output}", err=True)
    if manifest:
        with writing(manifest_path(output)):
            path = write_manifest(
                output, db=db, fmt=fmt, fields=columns, filters=filters, count=count, query=query
            )
        click.echo(f"wrote {path}", err=True)


@click.command()
@db_option
@format_option(FORMATS, default="csv", help="csv, json or jsonl.")
@click.option("-o", "--output", type=PathType(dir_okay=False, writable=True, path_type=Path),
              help="Write to FILE instead of stdout.")
@click.option("--bom", is_flag=True, help="Start the output with a UTF-8 BOM, for Excel.")
def citations(db: Path, fmt: str, output: Path | None, bom: bool) -> None:
    """Export the citation graph: one row per news article, cited brief and way it was found.

    Columns: news_url, news_title, news_published, brief_url, brief_title, brief_status,
    how (link: an <a href> in the body; text: an address written as plain text), position
    (the citation's order in the article).
    """  # fmt: skip
    check_output(output, db, "-o")
    with open_archive(db, read_only=True) as archive:
        rows = archive.citation_rows()
        if output is None:
            out = utf8_stdout()
            if bom:
                out.write("\ufeff")
            write_rows(rows, out, fmt, CITATION_FIELDS)
            return
        with writing(output), atomic_output(output, bom=bom) as f:
            count = write_rows(rows, f, fmt, CITATION_FIELDS)
    click.echo(f"wrote {count} citations to {output}", err=True)
