"""``export`` and ``citations``: records and the citation graph, streamed in the output
formats of :mod:`archiver.cli.output`."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from archiver.cli.errors import UserError
from archiver.cli.options import (
    check_output,
    db_option,
    filter_options,
    make_filters,
    open_archive,
    writing,
)
from archiver.cli.output import Output, destination, emit, output_options, write_table
from archiver.export import (
    CITATION_FIELDS,
    FORMATS,
    KIND_FIELDS,
    export_record,
    fields_for,
    manifest_path,
    spreadsheet_safe_sql,
    write_manifest,
    write_records,
    write_rows,
    write_safe_csv_tuples,
)
from archiver.export.writers import DELIMITERS, utf8_text_stream, write_csv_utf8
from archiver.records.fields import export_value
from archiver.store.connect import open_current
from archiver.store.selects import Filters, select_tuples

if TYPE_CHECKING:
    from archiver.store import Archive


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


EXPORT_EXAMPLES = """\b
Examples:
  archiver export --csv -o news.csv --kind news --bom      # for Excel
  archiver export --nl --since 2011-01-01 --until 2011-12-31 > 2011.jsonl
  archiver export --json --query 简报 --fields url,title,published_date
  archiver export --tsv --kind brief --status archived -o briefs.tsv --manifest
  archiver export --format jsonl                          # the old spelling of --nl
  archiver export --format wacz -o 2011.wacz --since 2011-01-01 --until 2011-12-31

\b
In pandas:
  df = pd.read_csv("news.csv", parse_dates=["published_date"], date_format="%Y-%m-%d")
"""


@click.command(epilog=EXPORT_EXAMPLES)
@db_option
@output_options(
    lambda params: fields_for(params.get("kind")),
    default="json",
    formats=(*FORMATS, "wacz"),
    format_help="The format by name (the older spelling): csv, tsv, json, jsonl (--nl), nl; "
    "wacz: the records' captures as a web archive package (-o FILE.wacz).",
)
@filter_options
@click.option(
    "--query",
    metavar="QUERY",
    help="Only records matching this full-text query (the syntax of `archiver search`).",
)
@click.option(
    "--manifest",
    is_flag=True,
    help="Also write FILE.manifest.json: command, filters, record count, time, tool version "
    "and the export's sha256 (needs -o).",
)
def export(
    db: Path, output: Output, query: str | None, manifest: bool, **filter_params: Any
) -> None:
    """Export records, streaming: JSON (the default), --nl, --csv, --tsv or -t.

    Fields are listed in the README ("The export record"), always in its order; with --kind
    only that kind's fields. published_date is the date of published as printed on the page
    (YYYY-MM-DD, for pandas and spreadsheets); version and extractor_version are numbers.
    --kind attachment exports the text of attached documents instead, with fields of their own
    (the file, the page that links it, the text, its status); the other filters apply to the
    page.
    In CSV and TSV, list fields (sections, cites, attachments, images, cited_by,
    parse_warnings) and provenance are written as JSON text, e.g. ["头条新闻", "综合新闻"]; an
    empty value is an empty cell. Dates are ISO 8601.

    In CSV and TSV, a text cell starting with = + - @, a tab or a carriage return (which
    Excel, LibreOffice or Google Sheets would run as a formula) gets an apostrophe in front,
    and so does one starting with an apostrophe: '=HYPERLINK(…). For the raw value, drop the
    first character of every cell that starts with an apostrophe, or export --json or --nl,
    which hold every value as it is.
    """
    filters = make_filters(filter_params)
    fmt, path = output.fmt, output.path
    if manifest and path is None:
        raise UserError("--manifest needs -o FILE: the manifest is written beside it")
    if manifest and path is not None:
        if path.exists() and not path.is_file():
            raise UserError(f"--manifest needs -o to name a file, not {path}")
        check_output(manifest_path(path), db, "--manifest")
    columns = output.columns(fields_for(filters.kind))
    # CSV and TSV of an up-to-date archive: straight from SQL, without sqlite-utils
    plain = fmt in DELIMITERS and filters.kind != "attachment" and query is None
    conn = open_current(db) if plain else None
    if conn is not None:
        with closing(conn), destination(output) as out:
            count = write_delimited(conn, filters, columns, out, fmt)
    else:
        with open_archive(db, read_only=True) as archive:
            written = export_from(archive, db, output, filters, columns, query, manifest)
        if written is None:  # a web archive package, which says what it wrote
            return
        count = written
    if path is None:
        return
    click.echo(f"wrote {count} records to {path}", err=True)
    if manifest:
        with writing(manifest_path(path)):
            described = write_manifest(
                path, db=db, fmt=fmt, fields=columns, filters=filters, count=count, query=query
            )
        click.echo(f"wrote {described}", err=True)


def write_delimited(
    conn: sqlite3.Connection, filters: Filters, columns: tuple[str, ...], out: IO[str], fmt: str
) -> int:
    """Write the selected records as CSV or TSV (``fmt``), each text cell spreadsheet-safe:
    to a UTF-8 file or stdout, the bytes SQLite holds; return how many."""
    delimiter = DELIMITERS[fmt]
    if not utf8_text_stream(out):  # a terminal: text, made spreadsheet-safe in SQL
        tuples = select_tuples(conn, filters, columns, KIND_FIELDS, text_cell=spreadsheet_safe_sql)
        with closing(tuples):  # its cursor closed before the archive, even on EPIPE
            return write_safe_csv_tuples(tuples, out, columns, delimiter=delimiter)
    conn.text_factory = bytes
    try:
        tuples = select_tuples(conn, filters, columns, KIND_FIELDS)
        with closing(tuples):
            return write_csv_utf8(tuples, out, columns, delimiter=delimiter)
    finally:
        conn.text_factory = str


def export_from(
    archive: Archive,
    db: Path,
    output: Output,
    filters: Filters,
    columns: tuple[str, ...],
    query: str | None,
    manifest: bool,
) -> int | None:
    """Export from the open ``archive`` as ``output`` says; return how many records, or None
    for a web archive package (``--format wacz``)."""
    fmt = output.fmt
    files = None
    if query is not None and filters.kind == "attachment":
        files = attachment_query(archive, filters, query)
    elif query is not None:
        filters = with_query(archive, filters, query)
    if fmt == "wacz":  # the records' captures, packaged: archiver/cli/wacz.py
        from archiver.cli.wacz import export_wacz

        export_wacz(archive, db, output, filters, files=files, manifest=manifest)
        return None

    def write(out: Any) -> int:
        if filters.kind == "attachment":  # attached documents' text: fields of their own
            rows = archive.attachment_records(filters, urls=files)
            records = ({c: export_value(c, r) for c in columns} for r in rows)
            if fmt == "table":
                return write_table(records, out, columns)
            return write_rows(records, out, fmt, columns)
        if fmt in DELIMITERS:
            return write_delimited(archive.db.conn, filters, columns, out, fmt)
        if fmt == "table":
            records = (export_record(r, columns) for r in archive.records(filters))
            return write_table(records, out, columns)
        return write_records(archive.records(filters), out, fmt, columns)

    with destination(output) as out:
        return write(out)


CITATIONS_EXAMPLES = """\b
Examples:
  archiver citations -o citations.csv --bom          # CSV, the default
  archiver citations -t --fields news_title,brief_title,how
  archiver citations --nl | jq .brief_url
"""


@click.command(epilog=CITATIONS_EXAMPLES)
@db_option
@output_options(CITATION_FIELDS, default="csv", formats=FORMATS)
def citations(db: Path, output: Output) -> None:
    """Export the citation graph: one row per news article, cited brief and way it was found.

    Columns: news_url, news_title, news_published, brief_url, brief_title, brief_status,
    how (link: an <a href> in the body; text: an address written as plain text), position
    (the citation's order in the article). CSV unless another format is named.
    """  # fmt: skip
    with open_archive(db, read_only=True) as archive:
        emit(output, archive.citation_rows(), CITATION_FIELDS, noun="citations")
