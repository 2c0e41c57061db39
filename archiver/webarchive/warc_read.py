"""Read captures back from WARC files: one by its reference, or every response in a folder;
and find and cut off the truncated tail a killed crawl leaves.

Every record is flushed as soon as it is written, so a crawl killed with SIGKILL loses at most
the gzip member it was writing: the readers stop at such a truncated tail with a warning, and
:func:`repair` cuts it off.
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_datetime

from archiver.config import FILE_MAX_BYTES
from archiver.webarchive.warc_types import (
    SUFFIX,
    CapturedResponse,
    CaptureMismatch,
    CaptureRef,
    CaptureTooLarge,
    WarcError,
)

# the name from before the split into modules, which a logging filter may name
logger = logging.getLogger("archiver.webarchive.warc")


@dataclass(frozen=True)
class WarcScan:
    """How much of a WARC file is whole: complete gzip members up to ``good_bytes``."""

    path: Path
    records: int
    good_bytes: int
    size: int

    @property
    def truncated(self) -> bool:
        """True when the file ends inside a record (a crawl died while writing it)."""
        return self.good_bytes < self.size


def read_capture(
    folder: Path, ref: CaptureRef | tuple[str, int], *, max_bytes: int = FILE_MAX_BYTES
) -> CapturedResponse:
    """The response record at ``ref``, its digests verified.

    With a :class:`CaptureRef` the payload must also hash to ``ref.payload_sha256``; a
    ``(warc_file, offset)`` pair is checked against the record's own digests only. Raises
    :class:`CaptureMismatch` when the bytes were altered, :class:`WarcError` when there is no
    whole response record at that offset, :class:`CaptureTooLarge` when the payload, or the
    body it decodes to, is over ``max_bytes`` (decoding stops there: a decompression bomb
    costs no more memory than the limit).
    """
    warc_file, offset = (ref.warc_file, ref.offset) if isinstance(ref, CaptureRef) else ref
    if Path(warc_file).name != warc_file:
        raise WarcError(f"{warc_file!r}: expected a file name inside {folder}")
    try:
        with (Path(folder) / warc_file).open("rb") as stream:
            stream.seek(offset)
            records = ArchiveIterator(stream, check_digests=True)
            capture = _next_response(records, warc_file, max_bytes, only_first=True)
    except OSError as exc:
        raise WarcError(f"{warc_file}@{offset}: {exc}") from exc
    if capture is None:
        raise WarcError(f"{warc_file}@{offset}: no response record there")
    if isinstance(ref, CaptureRef) and capture.ref.payload_sha256 != ref.payload_sha256:
        raise CaptureMismatch(
            f"{warc_file}@{offset}: payload sha256 {capture.ref.payload_sha256} "
            f"is not the captured {ref.payload_sha256}"
        )
    return capture


def warc_files(folder: Path) -> list[Path]:
    """The WARC files of ``folder``, oldest first (their names start with the start time)."""
    return sorted(Path(folder).glob(f"*{SUFFIX}"), key=lambda p: (_start_of(p.name), p.name))


def iter_responses(folder: Path, *, max_bytes: int = FILE_MAX_BYTES) -> Iterator[CapturedResponse]:
    """Every response record of every WARC file in ``folder``, in the order written.

    A file that ends inside a record (a killed crawl) yields the records before it and a
    warning. A record whose digests do not match raises :class:`CaptureMismatch`; damage
    anywhere but the tail raises :class:`WarcError`; a record over ``max_bytes``, stored or
    decoded, :class:`CaptureTooLarge`.
    """
    for path in warc_files(folder):
        yield from _file_responses(path, max_bytes)


def _file_responses(path: Path, max_bytes: int) -> Iterator[CapturedResponse]:
    size = path.stat().st_size
    with path.open("rb") as stream:
        records = ArchiveIterator(stream, check_digests=True)
        while True:
            try:
                capture = _next_response(records, path.name, max_bytes)
                # warcio reads a last record whose gzip trailer is missing; repair() would cut
                # it, and its writer never returned a ref for it, so it does not count here.
                if capture and capture.ref.offset + capture.ref.length >= size:
                    _check_last_member(path, capture.ref.offset)
            except _Unreadable as bad:
                if not _in_truncated_tail(path, bad.offset):
                    raise WarcError(f"{path.name}@{bad.offset}: {bad.__cause__ or bad}") from bad
                logger.warning("%s: truncated at offset %d; the rest is lost", path, bad.offset)
                return
            if capture is None:
                return
            yield capture


def _check_last_member(path: Path, offset: int) -> None:
    with path.open("rb") as stream:
        stream.seek(offset)
        inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
        for _chunk in _inflated(inflate, stream.read()):
            pass  # only whether the member ends matters, never its size in memory
    if not inflate.eof:
        raise _Unreadable(offset)


def _inflated(inflate: Any, data: bytes, chunk: int = 1 << 20) -> Iterator[bytes]:
    """What ``inflate`` makes of ``data``, at most ``chunk`` bytes at a time."""
    out = inflate.decompress(data, chunk)
    while out:
        yield out
        if inflate.eof or not inflate.unconsumed_tail:
            return
        out = inflate.decompress(inflate.unconsumed_tail, chunk)


class _Unreadable(WarcError):
    """The record at ``offset`` could not be read whole."""

    def __init__(self, offset: int):
        super().__init__(f"no whole record at offset {offset}")
        self.offset = offset


def _next_response(
    records: ArchiveIterator, warc_file: str, max_bytes: int, only_first: bool = False
) -> CapturedResponse | None:
    """The next response record of ``records`` (or None), read whole and checked."""
    try:
        for record in records:
            if record.rec_type == "response":
                return _capture(record, records, warc_file, max_bytes)
            if only_first:
                return None
    except WarcError:
        raise
    except Exception as exc:  # warcio fails in many ways on a cut-off record
        raise _Unreadable(records.offset) from exc
    return None


def _in_truncated_tail(path: Path, offset: int) -> bool:
    tail = scan(path)
    return tail.truncated and offset >= tail.good_bytes


def _capture(
    record: Any, records: ArchiveIterator, warc_file: str, max_bytes: int
) -> CapturedResponse:
    """Read ``record`` (the current one of ``records``) whole and check it."""
    if record.length and record.length > max_bytes + (64 << 10):  # the HTTP head's allowance
        raise CaptureTooLarge(
            f"{warc_file}@{records.offset}: a record of {record.length:,} bytes, "
            f"over the limit of {max_bytes:,}"
        )
    payload = record.raw_stream.read(max_bytes + 1)
    offset, length = records.get_record_offset(), records.get_record_length()
    if len(payload) > max_bytes:
        raise CaptureTooLarge(f"{warc_file}@{offset}: a payload over the limit of {max_bytes:,}")
    if len(payload) < record.payload_length:
        raise _Unreadable(offset)
    if record.digest_checker.passed is False:
        problems = "; ".join(record.digest_checker.problems)
        raise CaptureMismatch(f"{warc_file}@{offset}: {problems}")
    http = record.http_headers
    status, _, reason = http.statusline.partition(" ")
    date = record.rec_headers.get_header("WARC-Date")
    ref = CaptureRef(
        warc_file=warc_file,
        offset=offset,
        length=length,
        payload_sha256=hashlib.sha256(payload).hexdigest(),
        record_id=record.rec_headers.get_header("WARC-Record-ID"),
        fetched_at=date,
    )
    return CapturedResponse(
        ref=ref,
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=int(status),
        reason=reason,
        headers=list(http.headers),
        payload=payload,
        body=_decoded_body(payload, http.get_header("Content-Encoding"), max_bytes, warc_file),
        date=iso_date_to_datetime(date, tz_aware=True),
    )


def _decoded_body(payload: bytes, header: str | None, max_bytes: int, warc_file: str) -> bytes:
    try:
        return _decode_content(payload, header, max_bytes)
    except _TooLarge:
        raise CaptureTooLarge(
            f"{warc_file}: a body that decodes to more than {max_bytes:,} bytes "
            "(a decompression bomb?)"
        ) from None


class _TooLarge(Exception):
    """Decoding went past the limit."""


def _decode_content(payload: bytes, header: str | None, max_bytes: int = FILE_MAX_BYTES) -> bytes:
    """Undo the content codings of ``header`` (last applied, first undone), as Scrapy does,
    never making more than ``max_bytes`` (:class:`_TooLarge`).

    A coding that cannot be undone leaves the body as it is, with a warning.
    """
    body = payload
    for coding in reversed([c.strip().lower() for c in (header or "").split(",")]):
        if coding in ("", "identity"):
            continue
        try:
            body = _undo(coding, body, max_bytes)
        except _TooLarge:
            raise
        except Exception as exc:  # zlib, brotli and zstd each raise their own errors
            logger.warning("cannot undo content coding %r (%s); body left coded", coding, exc)
            return body
    return body


def _undo(coding: str, data: bytes, max_bytes: int) -> bytes:
    """Decode one content coding: the ones Scrapy asks servers for (gzip, deflate, br, zstd),
    in chunks, stopping past ``max_bytes``."""
    if coding in ("gzip", "x-gzip"):
        return _bounded(_inflate_chunks(data, zlib.MAX_WBITS | 16), max_bytes)
    if coding == "deflate":
        try:
            return _bounded(_inflate_chunks(data, zlib.MAX_WBITS), max_bytes)
        except zlib.error:  # raw deflate, as some servers send it
            return _bounded(_inflate_chunks(data, -zlib.MAX_WBITS), max_bytes)
    if coding == "br":
        return _bounded(_unbrotli_chunks(data), max_bytes)
    if coding == "zstd":
        return _bounded(_unzstd_chunks(data), max_bytes)
    raise ValueError("unknown coding")


def _bounded(chunks: Iterator[bytes], max_bytes: int) -> bytes:
    out = BytesIO()
    for chunk in chunks:
        out.write(chunk)
        if out.tell() > max_bytes:
            raise _TooLarge
    return out.getvalue()


def _inflate_chunks(data: bytes, wbits: int) -> Iterator[bytes]:
    # Several gzip members one after the other are one body (as gzip(1) reads them).
    gzip_members = wbits > zlib.MAX_WBITS
    while data:
        inflate = zlib.decompressobj(wbits)
        yield from _inflated(inflate, data)
        if not inflate.eof:
            raise zlib.error("incomplete or truncated stream")
        data = inflate.unused_data if gzip_members else b""


def _unbrotli_chunks(data: bytes, chunk: int = 1 << 20) -> Iterator[bytes]:
    # warcio's own "br" fails with brotli 1.2: the module Scrapy uses, a chunk at a time.
    try:
        import brotli
    except ImportError:
        import brotlicffi as brotli
    decompressor = brotli.Decompressor()
    out = decompressor.process(data, output_buffer_limit=chunk)
    while out:
        yield out
        if decompressor.is_finished():
            return
        out = decompressor.process(b"", output_buffer_limit=chunk)


def _unzstd_chunks(data: bytes, chunk: int = 1 << 20) -> Iterator[bytes]:
    try:
        from compression import zstd  # Python 3.14+
    except ImportError:
        from backports import zstd
    with zstd.ZstdFile(BytesIO(data)) as reader:
        while out := reader.read(chunk):
            yield out


def _start_of(name: str) -> str:
    """The start time in a file name (``prefix-YYYYmmddTHHMMSSZ-serial``), else ''."""
    parts = name.removesuffix(SUFFIX).rsplit("-", 2)
    return parts[1] if len(parts) == 3 else ""


# -- repair --------------------------------------------------------------------------------


def scan(path: Path) -> WarcScan:
    """Walk the gzip members of ``path``: how many are whole, and where the last one ends.

    Only gzip framing is checked (each record is one member, written and flushed at once),
    so this is fast and finds the one kind of damage a killed crawl leaves: a cut-off tail.
    """
    records = good = consumed = 0
    inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
    with Path(path).open("rb") as stream:
        while chunk := stream.read(1 << 20):
            consumed += len(chunk)
            while chunk:
                try:
                    for _out in _inflated(inflate, chunk):
                        pass  # the members' framing only; never their whole output at once
                except zlib.error:
                    return WarcScan(Path(path), records, good, Path(path).stat().st_size)
                if not inflate.eof:
                    break
                records += 1
                chunk = inflate.unused_data
                good = consumed - len(chunk)
                inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
    return WarcScan(Path(path), records, good, consumed)


def repair(path: Path) -> int:
    """Cut a truncated tail off ``path`` so the file passes ``warcio check``; bytes removed."""
    result = scan(path)
    if result.truncated:
        with Path(path).open("r+b") as stream:
            stream.truncate(result.good_bytes)
        logger.warning(
            "%s: cut %d bytes of a truncated record", path, result.size - result.good_bytes
        )
    return result.size - result.good_bytes
