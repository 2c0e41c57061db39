"""``archiver serve``: the archive in Datasette, read-only, a thin layer over
:mod:`archiver.serve`."""

from __future__ import annotations

from pathlib import Path

import click

from archiver.cli.errors import UserError
from archiver.cli.options import PathType, db_option, open_archive


@click.command()
@db_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 lets every machine that can reach this one read the "
    "archive.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8001,
    show_default=True,
    help="Port to listen on (0: any free port; the address is printed).",
)
@click.option(
    "--warc-dir",
    type=PathType(file_okay=False, path_type=Path),
    help="Folder of the WARC files whose captures the record pages offer (default: warc/ "
    "beside the archive).",
)
def serve(db: Path, host: str, port: int, warc_dir: Path | None) -> None:
    """Open the archive in Datasette, read-only, until Ctrl-C.

    Each record has a page that reads like the article (title, date, department, the body
    as paragraphs), with its citations and versions linked, its capture (the page as
    captured, its WARC record) and where each value came from. Tables and views (news and
    briefs, with facets on section, department, year and status; years newest first) are
    titled and their columns described; their CSV downloads start with a UTF-8 byte-order
    mark, so Excel shows the Chinese. /-/search searches titles and bodies exactly as
    `archiver search` does, Chinese terms of any length, with highlighted snippets linking
    to each record; /-/search.json gives the hits as JSON. Datasette's connections to the
    archive are read-only: nothing served can change it.

    \b
    Examples:
      archiver serve                      # http://127.0.0.1:8001/
      archiver serve --port 0             # any free port (the address is printed)
      archiver serve --db /media/dvd/archive.db --warc-dir /media/dvd/warc
    """
    # a missing, foreign or newer archive fails here, in one line; an older one is migrated
    # where it can be written
    open_archive(db, read_only=True).close()
    from archiver.serve import bind_socket, build_datasette, serve_forever

    try:
        sock = bind_socket(host, port)
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    click.echo(f"serving {db} read-only at http://{shown}:{bound_port}/ (Ctrl-C stops)", err=True)
    try:
        serve_forever(build_datasette(db, warc_dir=warc_dir), sock)
    except KeyboardInterrupt:  # the usual way to stop a server: not an error
        pass
    finally:
        sock.close()
