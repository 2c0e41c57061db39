"""One output scheme for every command that prints rows, after sqlite-utils' habits.

``--csv``, ``--tsv``, ``--json`` (one array), ``--nl`` (one JSON object per line) and
``-t/--table`` (an aligned text table) choose the format; ``-o FILE`` writes a file (whole, or
not at all) instead of stdout; ``--bom`` starts it with a UTF-8 BOM for Excel; ``--fields
a,b,c`` keeps those columns. :func:`output_options` adds them to a command, which receives
one :class:`Output`; :func:`emit` writes its rows. Naming two formats is one clear error.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import click

from archiver.cli.options import PathType, check_output, utf8_stdout, writing
from archiver.cli.terminal import terminal_text
from archiver.export import atomic_output, write_rows

#: The formats of rows, each with its flag.
FLAGS = {"table": "-t/--table", "csv": "--csv", "tsv": "--tsv", "json": "--json", "nl": "--nl"}
#: The old ``--format`` names of a format (scripts keep working).
ALIASES = {"jsonl": "nl"}

Columns = Sequence[str] | Callable[[dict[str, Any]], Sequence[str]]
TextView = Callable[[list[dict[str, Any]], IO[str]], None]


@dataclass(frozen=True)
class Output:
    """Where and how a command prints its rows.

    ``fmt`` is one of :data:`FLAGS`, the command's own view (``text``) or another format its
    ``--format`` names (e.g. ``export --format wacz``); ``fields`` the columns asked for, in
    the command's order (None: all).
    """

    fmt: str
    path: Path | None = None
    bom: bool = False
    fields: tuple[str, ...] | None = None

    def columns(self, available: Sequence[str]) -> tuple[str, ...]:
        """The columns to print of ``available``."""
        return tuple(self.fields) if self.fields is not None else tuple(available)

    @property
    def for_people(self) -> bool:
        """Whether the output is the command's own view or a table, read by a person."""
        return self.fmt in ("text", "table")


def output_options(
    columns: Columns,
    *,
    default: str = "table",
    formats: Sequence[str] = (),
    format_help: str | None = None,
    aliases: dict[str, str] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add the output options to a command; it receives ``output: Output``.

    ``columns``: the command's columns, or a function of its parameters giving them (export's
    depend on ``--kind``). ``default``: the format without a flag (``text``: the command's own
    view, described in its help). ``formats``: the names ``--format`` accepts (an old
    spelling kept for scripts; none: no ``--format``); ``aliases``: what an old name means
    for this command, besides :data:`ALIASES` (search's ``--format table`` is its own view).
    """
    names = {**ALIASES, **(aliases or {})}

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(f)
        def command(**params: Any) -> Any:
            chosen = [fmt for fmt in FLAGS if params.pop(f"as_{fmt}")]
            named = params.pop("format_name", None)
            if named is not None:
                named = names.get(named, named)
                if named not in chosen:
                    chosen.insert(0, named)
            if len(chosen) > 1:
                raise click.UsageError(
                    "choose one output format: "
                    + " or ".join(FLAGS.get(fmt, f"--format {fmt}") for fmt in chosen)
                )
            output = Output(
                fmt=chosen[0] if chosen else default,
                path=params.pop("output_path"),
                bom=params.pop("bom"),
            )
            wanted = params.pop("field_names")
            if wanted is not None:
                allowed = columns(params) if callable(columns) else columns
                output = replace(output, fields=_fields(wanted, tuple(allowed)))
            if output.path is not None and "db" in params:
                check_output(output.path, params["db"], "-o")
            return f(output=output, **params)

        options = [
            click.option("-t", "--table", "as_table", is_flag=True,
                         help="An aligned text table" + (" (the default)." if default == "table"
                                                         else ".")),
            click.option("--csv", "as_csv", is_flag=True,
                         help="CSV (cells safe for a spreadsheet)."),
            click.option("--tsv", "as_tsv", is_flag=True, help="Tab-separated values."),
            click.option("--json", "as_json", is_flag=True, help="One JSON array."),
            click.option("--nl", "as_nl", is_flag=True,
                         help="Newline-delimited JSON: one object per line."),
            click.option("-o", "--output", "output_path",
                         type=PathType(dir_okay=False, writable=True, path_type=Path),
                         help="Write to FILE (replaced whole, only on success) instead of stdout."),
            click.option("--bom", is_flag=True,
                         help="Start the output with a UTF-8 BOM, for Excel."),
            click.option("--fields", "field_names", metavar="A,B,…",
                         help="Only these columns (comma-separated), in the command's order."),
        ]  # fmt: skip
        if formats:
            options.insert(0, click.option(
                "--format", "format_name", type=click.Choice(list(formats)),
                help=format_help or "The format by name: " + ", ".join(formats) + ".",
            ))  # fmt: skip
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _fields(value: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    wanted = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in allowed]
    if unknown or not wanted:
        raise click.BadParameter(
            f"unknown field {', '.join(unknown) or '(none given)'}; fields: {', '.join(allowed)}",
            param_hint="'--fields'",
        )
    # the command's order, whatever order they were named in: the same set, the same columns
    return tuple(name for name in allowed if name in wanted)


@contextmanager
def destination(output: Output, *, raw: bool = False) -> Iterator[IO[str]]:
    """The stream to write to: stdout (UTF-8; on a terminal, control characters shown as
    escapes unless ``raw``), or a file that appears only whole at ``output.path``."""
    if output.path is None:
        out = utf8_stdout(raw=raw)
        if output.bom:
            out.write("\ufeff")
        yield out
        out.flush()
        return
    with writing(output.path), atomic_output(output.path, bom=output.bom) as f:
        yield f


def emit(
    output: Output,
    rows: Iterable[dict[str, Any]],
    columns: Sequence[str],
    *,
    noun: str = "rows",
    text: TextView | None = None,
) -> int:
    """Write ``rows`` (dicts holding ``columns``) as ``output`` says; return how many.

    ``text`` is the command's own view (``fmt == "text"``), given every row; with ``--fields``
    the view is a table of those columns. With ``-o``, says
    on stderr how many ``noun`` it wrote where.
    """
    names = output.columns(columns)
    records = ({name: row.get(name) for name in names} for row in rows)
    with destination(output) as out:
        if output.fmt == "text" and text is not None and output.fields is None:
            listed = list(records)
            text(listed, out)
            count = len(listed)
        elif output.fmt in ("table", "text"):
            count = write_table(records, out, names)
        else:
            count = write_rows(records, out, output.fmt, names)
    if output.path is not None:
        click.echo(f"wrote {count} {noun} to {output.path}", err=True)
    return count


def write_table(records: Iterable[dict[str, Any]], out: IO[str], names: Sequence[str]) -> int:
    """An aligned text table (tabulate's ``simple``; a CJK character is two columns wide).

    A cell is one line: a list of texts joined by commas, another list or an object as compact
    JSON, a line break as a space; page text is shown, never obeyed."""
    from tabulate import tabulate

    rows = [[_cell(record[name]) for name in names] for record in records]
    if rows:
        # numbers right-aligned; text never read as a number ("1e5", "2011" as a title)
        texts = [i for i in range(len(names)) if any(type(row[i]) is str for row in rows)]
        table = tabulate(
            rows, list(names), tablefmt="simple", disable_numparse=texts, floatfmt=".2f"
        )
        out.write(table + "\n")
    return len(rows)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        value = ", ".join(value)
    elif isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, str):
        return terminal_text(" ".join(value.splitlines()))
    return value
