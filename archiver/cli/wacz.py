"""``export --format wacz``: the selected records' captures as a WACZ package, for
ReplayWeb.page, pywb and other web-archive tools (the package: :mod:`archiver.export.wacz`)."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import click

from archiver.cli.errors import EXIT_PARTIAL, UserError, fail
from archiver.cli.options import writing
from archiver.cli.output import Output
from archiver.export import atomic_output
from archiver.export.wacz import WaczError, write_wacz
from archiver.store import Archive, Filters
from archiver.store.captures import selected_captures
from archiver.store.files import CAPTURES_FOLDER


def export_wacz(archive: Archive, db: Path, output: Output, filters: Filters, *,
                files: list[str] | None = None, manifest: bool) -> None:  # fmt: skip
    """Write the WACZ of the records ``filters`` selects to ``output.path`` (with ``--kind
    attachment``, of their attached files, only ``files`` when given: a query's); exit
    status 3 when a capture had to be left out (named on stderr)."""
    path = output.path
    if path is None:
        raise UserError("--format wacz writes a zip package: name it with -o FILE.wacz "
                        "(it cannot go to stdout)")  # fmt: skip
    if path.exists() and not path.is_file():
        raise UserError(
            f"--format wacz needs -o to name a file (a zip is not a stream), not {path}"
        )
    if output.fields is not None or output.bom or manifest:
        raise UserError("--fields, --bom and --manifest are for rows; a WACZ package lists its "
                        "files' digests itself (datapackage.json)")  # fmt: skip
    chosen = _described(filters)
    title = f"edu-news-archiver: {db.name}"
    description = f"Captures of the records of {db.name}" + (f" ({chosen})" if chosen else "")
    pointers = selected_captures(archive.db, filters)
    if files is not None:
        wanted = set(files)
        pointers = (p for p in pointers if p.url in wanted)
    try:
        with writing(path), atomic_output(path, binary=True) as out:
            report = write_wacz(pointers, db.parent / CAPTURES_FOLDER, out, title=title,
                                description=description, workdir=path.resolve().parent)  # fmt: skip
    except WaczError as exc:
        fail(str(exc))
    for left_out in report.left_out:
        click.echo(f"archiver: left out: {left_out}", err=True)
    click.echo(f"wrote {report.captures} captures of {report.pages} records to {path}", err=True)
    if report.left_out:
        sys.exit(EXIT_PARTIAL)


def _described(filters: Filters) -> str:
    """The filters given, as ``name=value`` text (the full-text match left as ``query``)."""
    given = {
        f.name: getattr(filters, f.name)
        for f in dataclasses.fields(filters)
        if getattr(filters, f.name) not in (None, (), "include")
    }
    if "extra" in given:
        given["extra"] = "a full-text query"
    return ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in given.items())
