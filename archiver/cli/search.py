"""``archiver search``: full-text search over titles and bodies, a thin layer over
:mod:`archiver.search`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

import click

from archiver.cli.options import (
    db_option,
    filter_options,
    format_option,
    make_filters,
    open_archive,
    pad,
    utf8_stdout,
)
from archiver.cli.terminal import terminal_text
from archiver.export import write_csv_tuples
from archiver.search import Hit, QueryError, Snippet, parse_query
from archiver.search import search as search_archive

SEARCH_FORMATS = ("table", "json", "jsonl", "csv")
CSV_FIELDS = (
    "url", "kind", "title", "published", "department", "source", "score", "snippet",
    "attached_to", "attached_to_title",
)  # fmt: skip

_BOLD, _RESET = "\x1b[1m", "\x1b[0m"
MAX_LIMIT = 1_000_000_000  # (SQLite's integers end at 2**63 - 1)


@click.command()
@db_option
@click.argument("query")
@filter_options
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=MAX_LIMIT),
    default=20,
    show_default=True,
    help="Show at most N hits, the best first.",
)
@format_option(
    SEARCH_FORMATS,
    default="table",
    help="table (for people), json (one array), jsonl (one hit per line) or csv.",
)
def search(db: Path, query: str, limit: int, fmt: str, **filter_params: Any) -> None:
    """Search titles and bodies (and attached documents) for QUERY; print the best hits.

    A term matches wherever it occurs as a substring, one Chinese character or many, case
    aside for ASCII letters: 党, 点评, 工作简报, 3+1, 2011年. Put a phrase holding spaces,
    parentheses or the words AND/OR/NOT in double quotes: "2011年 工作简报". Terms side by
    side must all occur; combine with AND, OR, NOT (uppercase) and parentheses; title: or
    body: limits a term, a phrase or a (group) to that field: title:简报 NOT body:(点评 OR 党).

    Hits are ranked: a term in the title first, then by how often the body has it, then the
    newest. In the snippet each match is marked ⟦like this⟧ (bold on a terminal). The text of
    attached documents is searched too (their title: the document's title and file name): such
    a hit is of kind attachment and names the page it is attached to; --kind attachment
    searches only them, --kind news or brief only those records.
    """
    try:
        parsed = parse_query(query)
    except QueryError as exc:
        raise click.BadParameter(str(exc), param_hint="QUERY") from None
    filters = make_filters(filter_params)
    with open_archive(db, read_only=True) as archive:
        hits = search_archive(archive.db, parsed, filters, limit=limit)
    out = utf8_stdout(raw=fmt == "table")  # the table escapes page text itself
    if fmt == "table":
        color = out.isatty() and "NO_COLOR" not in os.environ
        write_table(hits, out, color=color)
        if not hits:
            click.echo("no hits", err=True)
    elif fmt == "csv":
        write_csv(hits, out)
    elif fmt == "jsonl":
        for hit in hits:
            out.write(json.dumps(hit.as_dict(), ensure_ascii=False) + "\n")
    else:
        out.write(json.dumps([h.as_dict() for h in hits], ensure_ascii=False, indent=2) + "\n")
    out.flush()


def write_table(hits: list[Hit], out: IO[str], *, color: bool) -> None:
    """Each hit as a heading line (rank, score, date, kind, title), its URL and its snippet.

    Page text is shown, never obeyed: its control characters are escaped (only the marks of
    the matches are the terminal's bold)."""
    marks = (_BOLD, _RESET) if color else ("⟦", "⟧")
    for rank, hit in enumerate(hits, 1):
        date = terminal_text((hit.published or "")[:10])
        title = _render(hit.title_highlight, *marks) if hit.title else "(no title)"
        kind = terminal_text(hit.kind)
        out.write(f"{rank:>3}  {hit.score:6.2f}  {pad(date, 10)}  {pad(kind, 5)}  {title}\n")
        out.write(f"{'':13}{terminal_text(hit.url)}\n")
        if hit.attached_to:
            page = f"{hit.attached_to_title}  " if hit.attached_to_title else ""
            out.write(f"{'':13}attached to: {terminal_text(page + hit.attached_to)}\n")
        snippet = _render(hit.snippet, *marks)
        if snippet:
            out.write(f"{'':13}{snippet}\n")


def _render(snippet: Snippet, open_mark: str, close_mark: str) -> str:
    return "".join(
        f"{open_mark}{terminal_text(text)}{close_mark}" if hit else terminal_text(text)
        for text, hit in snippet.parts
    )


def write_csv(hits: list[Hit], out: IO[str]) -> None:
    """One row per hit under a header, CRLF line ends and cells safe for a spreadsheet, like
    ``archiver export``."""
    rows = (tuple(row[name] for name in CSV_FIELDS) for row in map(Hit.as_dict, hits))
    write_csv_tuples(rows, out, CSV_FIELDS)
