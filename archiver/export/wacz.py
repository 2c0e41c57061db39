"""Package the captures of selected records as a WACZ file (Web Archive Collection Zipped,
1.1.1): what ReplayWeb.page, pywb and other web-archive tools open.

The package is made by Webrecorder's own tool, py-wacz (``wacz`` on PyPI), from a WARC file
of just the selected records' captures: for each record its current capture and those of its
older versions, and the files attached to it, each response record copied byte for byte (the
gzip member as stored, so its digests hold) with the request record written with it. py-wacz
indexes that WARC (CDXJ, ``indexes/index.cdx.gz``), adds the page list we give it
(``pages/pages.jsonl``: each record's address as captured, its capture time and its title)
and writes ``datapackage.json`` (every file's sha256) and ``datapackage-digest.json``.

A capture that cannot be read back whole, or whose digests no longer match, is left out and
named: ``archiver verify`` says more.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from archiver.store.captures import CapturePointer
from archiver.webarchive.warc import SOFTWARE, WARC_FORMAT

logger = logging.getLogger(__name__)

PACKAGE_WARC = "edu-news-archiver-export.warc.gz"
_CHUNK = 1 << 20


class WaczError(Exception):
    """The package could not be made."""


@dataclass
class WaczReport:
    """What went into a package."""

    captures: int = 0  # response records copied
    pages: int = 0  # records listed in pages/pages.jsonl
    left_out: list[str] = field(default_factory=list)  # "url: why"


@dataclass(frozen=True)
class _Copied:
    """A response record copied into the package's WARC."""

    url: str  # WARC-Target-URI
    date: str  # WARC-Date


def write_wacz(
    pointers: Iterable[CapturePointer],
    warc_dir: Path,
    out: IO[bytes],
    *,
    title: str,
    description: str,
    workdir: Path | None = None,
) -> WaczReport:
    """Write to ``out`` (a seekable binary file) the WACZ of the captures ``pointers`` name
    (ordered by WARC file and offset, as :func:`archiver.store.captures.selected_captures`
    gives them). ``workdir``: where the package's WARC is put together (beside the output).

    Raises :class:`WaczError` when no capture could be packaged, or py-wacz fails.
    """
    report = WaczReport()
    with tempfile.TemporaryDirectory(prefix=".wacz-", dir=workdir) as tmp:
        warc = Path(tmp) / PACKAGE_WARC
        pages = Path(tmp) / "pages.jsonl"
        with warc.open("wb") as warc_out, pages.open("w", encoding="utf-8") as pages_out:
            pages_out.write(json.dumps({"format": "json-pages-1.0", "id": "pages",
                                        "title": title}, ensure_ascii=False) + "\n")  # fmt: skip
            _write_warcinfo(warc_out, description)
            for pointer, copied in _copy_captures(pointers, warc_dir, warc_out, report):
                if pointer.table == "record":
                    page = {"url": copied.url, "ts": copied.date, "title": pointer.title or ""}
                    pages_out.write(json.dumps(page, ensure_ascii=False) + "\n")
                    report.pages += 1
        if not report.captures:
            raise WaczError("no capture of the records selected could be read; nothing to package")
        package = Path(tmp) / "package.wacz"  # py-wacz reads its zip back: a file of its own
        _package(warc, pages, package, title, description)
        with package.open("rb") as made:
            shutil.copyfileobj(made, out, _CHUNK)
    return report


def _write_warcinfo(out: IO[bytes], description: str) -> None:
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    info = {"software": SOFTWARE, "format": WARC_FORMAT, "description": description}
    writer.write_record(writer.create_warcinfo_record(PACKAGE_WARC, info))


def _copy_captures(
    pointers: Iterable[CapturePointer], warc_dir: Path, out: IO[bytes], report: WaczReport
) -> Iterator[tuple[CapturePointer, _Copied]]:
    """Copy each pointer's response record (and its request) to ``out``, once per place."""
    last: tuple[tuple[str, int], _Copied | None] | None = None
    for pointer in pointers:
        place = (pointer.warc_file, pointer.warc_offset)
        if last is None or last[0] != place:
            try:
                copied: _Copied | None = _copy_exchange(warc_dir, *place, out)
                report.captures += 1
            except (OSError, _Unusable) as exc:
                copied = None
                report.left_out.append(f"{pointer.url}: {exc}")
                logger.debug("left out of the package: %s: %s", pointer.url, exc)
            last = (place, copied)
        if last[1] is not None:
            yield pointer, last[1]


class _Unusable(Exception):
    """No whole, intact response record at a place."""


def _copy_exchange(warc_dir: Path, warc_file: str, offset: int, out: IO[bytes]) -> _Copied:
    if Path(warc_file).name != warc_file:
        raise _Unusable(f"{warc_file!r} is no file name inside the WARC folder")
    with (warc_dir / warc_file).open("rb") as stream:
        stream.seek(offset)
        spans, copied = _exchange_spans(stream, f"{warc_file}@{offset}")
        for start, length in spans:
            stream.seek(start)
            _copy_bytes(stream, out, length)
    return copied


def _exchange_spans(stream: IO[bytes], where: str) -> tuple[list[tuple[int, int]], _Copied]:
    """Where the response record at the stream's position lies, and its request's after it;
    each record read whole, its digests checked."""
    records = ArchiveIterator(stream, check_digests=True)
    spans: list[tuple[int, int]] = []
    response: Any = None
    try:
        for record in records:
            while record.raw_stream.read(_CHUNK):
                pass
            if record.digest_checker.passed is False:
                raise _Unusable(f"{where}: altered ({'; '.join(record.digest_checker.problems)})")
            if response is None and record.rec_type != "response":
                raise _Unusable(f"{where}: no response record there")
            if response is not None and not _request_of(record, response):
                break
            spans.append((records.get_record_offset(), records.get_record_length()))
            if response is not None:
                break
            response = record
    except _Unusable:
        raise
    except Exception as exc:  # warcio and zlib fail in many ways on damaged bytes
        raise _Unusable(f"{where}: unreadable ({type(exc).__name__})") from exc
    if response is None:
        raise _Unusable(f"{where}: no whole record there")
    headers = response.rec_headers
    return spans, _Copied(headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Date"))


def _request_of(record: Any, response: Any) -> bool:
    return bool(
        record.rec_type == "request"
        and record.rec_headers.get_header("WARC-Concurrent-To")
        == response.rec_headers.get_header("WARC-Record-ID")
    )


def _copy_bytes(source: IO[bytes], out: IO[bytes], length: int) -> None:
    while length > 0:
        chunk = source.read(min(_CHUNK, length))
        if not chunk:
            raise _Unusable("the file ended inside a record")
        out.write(chunk)
        length -= len(chunk)


def _package(warc: Path, pages: Path, out: Path, title: str, description: str) -> None:
    """py-wacz's ``wacz create`` of ``warc`` with our page list, into ``out``."""
    from wacz.main import create_wacz

    args = argparse.Namespace(
        inputs=[str(warc)], output=str(out), pages=str(pages), copy_pages=True, extra_pages=None,
        detect_pages=False, text=False, hash_type="sha256", log_directory=None,
        split_seeds=False, ts=None, url=None, date=None, title=title, desc=description,
        signing_url=None, signing_token=None,
    )  # fmt: skip
    said = io.StringIO()  # py-wacz prints its progress on stdout, where data goes
    with contextlib.redirect_stdout(said):
        code = create_wacz(args)
    for line in said.getvalue().splitlines():
        logger.debug("py-wacz: %s", line)
    if code:
        last = (said.getvalue().strip().splitlines() or ["(no message)"])[-1]
        raise WaczError(f"py-wacz could not make the package: {last}")
