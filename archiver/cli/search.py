"""``archiver search``: full-text search over titles and bodies, a thin layer over
:mod:`archiver.search`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

import click
from click.core import ParameterSource

from archiver.cli.options import db_option, filter_options, make_filters, open_archive, pad
from archiver.cli.output import Output, destination, emit, output_options
from archiver.cli.terminal import terminal_text
from archiver.search import Hit, QueryError, Snippet, parse_query
from archiver.search import search as search_archive
from archiver.search.count import count_hits

CSV_FIELDS = (
    "url", "kind", "title", "published", "department", "source", "score", "snippet",
    "attached_to", "attached_to_title",
)  # fmt: skip

_BOLD, _RESET = "\x1b[1m", "\x1b[0m"
MAX_LIMIT = 1_000_000_000  # (SQLite's integers end at 2**63 - 1)


SEARCH_EXAMPLES = """\b
Examples:
  archiver search 会议                       # the best 20, and how many there are
  archiver search 会议 --all --csv -o hits.csv --bom
  archiver search '"工作简报" NOT 点评' --kind news --since 2011-01-01 --nl
  archiver search title:简报 -t --fields url,title,published,score
"""


@click.command(epilog=SEARCH_EXAMPLES)
@db_option
@click.argument("query")
@filter_options
@click.option(
    "--limit",
    type=click.IntRange(min=0, max=MAX_LIMIT),
    default=20,
    show_default=True,
    help="Show at most N hits, the best first; 0: all of them.",
)
@click.option("--all", "all_hits", is_flag=True, help="Show every hit (--limit 0).")
@output_options(
    CSV_FIELDS,
    default="text",
    formats=("table", "json", "jsonl", "csv"),
    aliases={"table": "text"},
    format_help="The format by name (the older spelling): table (the default view), json, "
    "jsonl (--nl) or csv.",
)
def search(
    db: Path, query: str, limit: int, all_hits: bool, output: Output, **filter_params: Any
) -> None:
    """Search titles and bodies (and attached documents) for QUERY; print the best hits.

    A term matches wherever it occurs as a substring, one Chinese character or many, case
    aside for ASCII letters: 党, 点评, 工作简报, 3+1, 2011年. Put a phrase holding spaces,
    parentheses or the words AND/OR/NOT in double quotes: "2011年 工作简报". Terms side by
    side must all occur; combine with AND, OR, NOT (uppercase) and parentheses; title: or
    body: limits a term, a phrase or a (group) to that field: title:简报 NOT body:(点评 OR 党).

    Hits are ranked: a term in the title first, then by how often the body has it, then the
    newest. By default each hit is shown as its heading, address and snippet, where each match
    is marked ⟦like this⟧ (bold on a terminal), and stderr says how many hits there are ("20
    of 117 hits; --all or --limit 0 for all"); -t, --csv, --tsv, --json and --nl print the
    hits' fields instead. The text of attached documents is searched too (their title: the
    document's title and file name): such a hit is of kind attachment and names the page it is
    attached to; --kind attachment searches only them, --kind news or brief only those records.
    """
    try:
        parsed = parse_query(query)
    except QueryError as exc:
        raise click.BadParameter(str(exc), param_hint="QUERY") from None
    ctx = click.get_current_context()
    if all_hits and ctx.get_parameter_source("limit") is ParameterSource.COMMANDLINE:
        raise click.UsageError(f"--all or --limit {limit}: choose one")
    wanted = None if all_hits or limit == 0 else limit
    filters = make_filters(filter_params)
    with open_archive(db, read_only=True) as archive:
        hits = search_archive(archive.db, parsed, filters, limit=wanted)
        total = len(hits)
        if wanted is not None and total == wanted:  # there may be more
            total = count_hits(archive.db, parsed, filters)
    if output.fmt == "text":
        with destination(output, raw=True) as out:  # the view escapes page text itself
            color = output.path is None and out.isatty() and "NO_COLOR" not in os.environ
            write_table(hits, out, color=color)
        if output.path is not None:
            click.echo(f"wrote {len(hits)} hits to {output.path}", err=True)
    else:
        emit(output, (hit.as_dict() for hit in hits), CSV_FIELDS, noun="hits")
    if total > len(hits):
        click.echo(f"{len(hits)} of {total} hits; --all or --limit 0 for all", err=True)
    elif output.for_people:
        click.echo(f"{total} hit{'' if total == 1 else 's'}" if total else "no hits", err=True)


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
