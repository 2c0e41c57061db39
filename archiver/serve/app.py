"""Serving the archive: a Datasette with our metadata and search plugin, on a socket."""

from __future__ import annotations

import asyncio
import copy
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archiver.serve.metadata import DB_NAME, build_metadata
from archiver.serve.plugin import ArchivePlugin
from archiver.serve.readonly import ReadOnlyArchive

if TYPE_CHECKING:
    from datasette.app import Datasette

_DATASETTE_SETTINGS = {
    "truncate_cells_html": 300,  # bodies and body HTML would make the table pages unreadable
    "facet_time_limit_ms": 1000,  # the news view computes sections per row
    "suggest_facets": False,  # the facets are chosen; suggesting more costs ~1 s a page
}


#: The record page's template (``row-archive-documents.html``), packaged with the module.
TEMPLATES = Path(__file__).parent / "templates"


def build_datasette(
    path: Path, settings: dict[str, Any] | None = None, *, warc_dir: Path | None = None
) -> Datasette:
    """A Datasette serving the archive at ``path`` read-only, with our metadata, search and
    record pages; the raw captures are read from ``warc_dir`` (default: ``warc/`` beside it).

    The archive should already be open-able (``archiver serve`` checks it with
    :func:`archiver.cli.open_archive`, which also brings its schema up to date).
    """
    from datasette.app import Datasette
    from datasette.plugins import pm

    settings = {**_DATASETTE_SETTINGS, **(settings or {})}
    if not pm.has_plugin(ArchivePlugin.name):
        pm.register(ArchivePlugin(), name=ArchivePlugin.name)
    ds = Datasette(
        metadata=build_metadata(settings.get("base_url", "/")),
        settings=settings,
        template_dir=str(TEMPLATES),
    )
    ds.remove_database("_memory")  # Datasette adds it when started without files
    folder = warc_dir if warc_dir is not None else Path(path).parent / "warc"
    archive = ReadOnlyArchive(ds, path=str(path), is_mutable=True, warc_dir=folder)
    ds.add_database(archive, name=DB_NAME)
    return ds


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (port 0: any free one); OSError if taken."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def serve_forever(ds: Datasette, sock: socket.socket) -> None:
    """Serve ``ds`` on ``sock`` with uvicorn until interrupted; logs (access too) to stderr."""
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    log_config = copy.deepcopy(LOGGING_CONFIG)
    log_config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    server = uvicorn.Server(uvicorn.Config(ds.app(), log_config=log_config))

    async def run() -> None:
        await ds.invoke_startup()
        await server.serve(sockets=[sock])

    asyncio.run(run())
