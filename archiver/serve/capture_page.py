"""``/-/capture``: a record's raw capture, read back from its WARC file.

``?url=URL`` (and ``&version=N`` for an older version) serves the page as it was captured,
with the Content-Type it was sent with, under a Content-Security-Policy that runs none of its
scripts and loads nothing (not even its images from the live site): the page is archived
bytes, not part of this site. ``&as=warc`` gives the WARC record itself (its gzip member, a
WARC file of one record that any WARC tool reads). The record's digests are checked on every
read; an altered capture is a 409 and is never served.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datasette import Request, Response

from archiver.serve.readonly import ReadOnlyArchive
from archiver.store.tables import DOCUMENTS, VERSIONS
from archiver.webarchive import warc_read
from archiver.webarchive.warc_types import CaptureMismatch, CaptureRef, CaptureTooLarge, WarcError

if TYPE_CHECKING:
    from datasette.app import Datasette

#: What a captured page may do when shown: nothing but its own inline styles.
SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _text(message: str, status: int) -> Response:
    return Response.text(message + "\n", status=status)


async def capture_view(datasette: Datasette, request: Request) -> Response:
    """Serve the capture a record (or one of its versions) was read from."""
    from archiver.serve.metadata import DB_NAME

    archive = datasette.databases.get(DB_NAME)
    url = request.args.get("url")
    version = request.args.get("version")
    if not isinstance(archive, ReadOnlyArchive) or archive.warc_dir is None:
        return _text("this server keeps no captures", 404)
    if not url:
        return _text("which capture? add ?url=ADDRESS", 400)
    if version is not None and not re.fullmatch("[0-9]{1,9}", version):
        return _text("version must be a whole number", 400)

    def where(conn: sqlite3.Connection) -> Any:
        columns = "warc_file, warc_offset, warc_payload_sha256"
        if version is None:
            sql = f"SELECT {columns} FROM {DOCUMENTS} WHERE url = ?"
            return conn.execute(sql, [url]).fetchone()
        sql = f"SELECT {columns} FROM {VERSIONS} WHERE url = ? AND version = ?"
        return conn.execute(sql, [url, int(version)]).fetchone()

    found = await archive.execute_fn(where)
    if found is None or not found[0]:
        return _text("the archive holds no capture of that page", 404)
    warc_file, offset, payload_sha256 = found
    folder = archive.warc_dir
    try:
        capture = await asyncio.to_thread(_read, folder, warc_file, offset, payload_sha256)
    except CaptureMismatch as exc:
        return _text(f"the capture was altered: {exc}", 409)
    except CaptureTooLarge as exc:
        return _text(f"the capture is too large to serve: {exc}", 413)
    except WarcError as exc:
        return _text(f"the capture cannot be read: {exc}", 404)
    if request.args.get("as") == "warc":
        data = await asyncio.to_thread(_member, folder / warc_file, capture.ref)
        name = f"{capture.ref.payload_sha256[:16]}.warc.gz"
        return Response(
            data,
            content_type="application/warc",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    content_type = _header(capture.headers, "content-type") or "application/octet-stream"
    return Response(
        capture.body,
        content_type=content_type,
        headers={
            "Content-Security-Policy": SANDBOX,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def _read(folder: Path, warc_file: str, offset: int, payload_sha256: str | None) -> Any:
    if payload_sha256:  # the stored digest must match, not only the record's own
        ref = CaptureRef(warc_file, offset, 0, payload_sha256, "", "")
        return warc_read.read_capture(folder, ref)
    return warc_read.read_capture(folder, (warc_file, offset))


def _member(path: Path, ref: CaptureRef) -> bytes:
    with path.open("rb") as stream:
        stream.seek(ref.offset)
        return stream.read(ref.length)


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)
