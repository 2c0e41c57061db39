"""Raw captures as WARC 1.1 files: write every HTTP exchange of a crawl, read captures back.

The files live in one folder (``data/warc/`` by default), named
``<prefix>-<start, UTC>-<serial>.warc.gz``: each record is its own gzip member, each file
opens with a ``warcinfo`` record, and a new file starts once the current one has reached
``max_bytes``. warcio builds every record and computes every digest; this module only decides
what goes in them.

What is stored is the HTTP response as it came off the wire, as far as the HTTP client
exposes it:

- the body keeps its content coding: a gzip-encoded page is stored gzip-encoded, with its
  ``Content-Encoding`` header, so the payload digest is the digest of what the server sent.
  A caller that only has the decoded body says so (``content_decoded=True``); the header is
  then moved to ``X-Archiver-Original-Content-Encoding`` so the record never claims a coding
  its payload does not have (replay tools would try to gunzip plain bytes);
- the transfer coding is gone (HTTP clients de-chunk), so ``Transfer-Encoding`` is moved to
  ``X-Archiver-Original-Transfer-Encoding`` and ``Content-Length`` set to the stored body,
  keeping a differing original value in ``X-Archiver-Original-Content-Length`` (a truncated
  download shows there).

Every record is flushed as soon as it is written, so a crawl killed with SIGKILL loses at most
the gzip member it was writing: readers here stop at such a truncated tail with a warning, and
:func:`repair` cuts it off.
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.warcwriter import WARCWriter

from archiver import __version__

logger = logging.getLogger(__name__)

SOFTWARE = f"edu-news-archiver/{__version__}"
WARC_FORMAT = "WARC File Format 1.1"
WARC_CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
SUFFIX = ".warc.gz"
ORIGINAL = "X-Archiver-Original-"  # prefix of the headers that keep rewritten values

Headers = list[tuple[str, str]]


class WarcError(Exception):
    """A capture that cannot be read: missing, not a response, or damaged."""


class CaptureMismatch(WarcError):
    """The stored bytes are not the bytes that were captured (a digest does not match)."""


@dataclass(frozen=True)
class CaptureRef:
    """Where a response record lives: enough to read it back and prove it unchanged."""

    warc_file: str  # file name, relative to the WARC folder
    offset: int  # byte offset of the response record's gzip member
    length: int  # bytes of that member on disk
    payload_sha256: str  # hex sha256 of the stored HTTP payload (the body as sent)
    record_id: str  # WARC-Record-ID, e.g. <urn:uuid:...>
    fetched_at: str  # the record's WARC-Date, ISO 8601 UTC with microseconds


@dataclass(frozen=True)
class CapturedResponse:
    """A response read back from a WARC file.

    (Not :class:`archiver.records.Capture`, the summary a record keeps of its capture.)
    """

    ref: CaptureRef
    url: str
    status: int
    reason: str
    headers: Headers
    payload: bytes  # as stored: still content-coded when ``Content-Encoding`` says so
    body: bytes  # content coding undone: the bytes a crawl callback saw
    date: datetime  # WARC-Date, aware UTC


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


class _RawHttpHeaders(StatusAndHeaders):  # type: ignore[misc]
    """HTTP headers serialised byte for byte.

    warcio percent-encodes non-ASCII header values (RFC 8187); header bytes decoded as
    latin-1 are written back as the same bytes instead, so a GBK ``Content-Disposition``
    file name is stored as the server sent it.
    """

    def compute_headers_buffer(self, header_filter: Any = None) -> None:
        try:
            self.headers_buff = self.to_str(header_filter).encode("latin-1") + b"\r\n"
        except UnicodeEncodeError:  # text that never came from bytes: let warcio encode it
            super().compute_headers_buffer(header_filter)


class WarcWriter:
    """Write HTTP exchanges to size-rotated, gzipped WARC 1.1 files in ``folder``.

    ``info`` is added to the ``warcinfo`` record that opens every file, after ``software``
    and ``format``. Files are opened lazily: a writer that writes nothing leaves no file.
    """

    def __init__(
        self,
        folder: Path,
        *,
        prefix: str = "archiver",
        max_bytes: int = 1_000_000_000,
        info: dict[str, str],
    ):
        self.folder = Path(folder)
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.info = {
            "software": SOFTWARE,
            "format": WARC_FORMAT,
            "conformsTo": WARC_CONFORMS_TO,
        } | info
        self.started = datetime.now(UTC)
        self.files: list[str] = []  # names of the files written, in order
        self._serial = 0
        self._out: IO[bytes] | None = None
        self._warc: Any = None  # warcio's WARCWriter over ``_out``

    def write_exchange(
        self,
        url: str,
        request_method: str,
        request_headers: Headers,
        request_body: bytes,
        status: int,
        reason: str,
        response_headers: Headers,
        response_body: bytes,
        *,
        fetched_at: datetime,
        ip: str | None = None,
        protocol: str = "HTTP/1.1",
        request_target: str | None = None,
        content_decoded: bool = False,
    ) -> CaptureRef:
        """Write a ``response`` record and its ``request`` record; return where the response is.

        ``fetched_at`` (aware) becomes the WARC-Date of both, with microseconds.
        ``request_target`` is the request line's target (default: path and query of ``url``).
        See the module docstring for how the response headers are made to match the body.
        """
        date = _warc_date(fetched_at)
        common = {"WARC-Date": date} | ({"WARC-IP-Address": ip} if ip else {})
        headers = _consistent_headers(
            response_headers, response_body, request_method, status, content_decoded
        )
        http = _RawHttpHeaders(f"{status} {reason}".rstrip(), headers, protocol=protocol)
        target = request_target or _origin_form(url)
        request_line = f"{request_method} {target} {protocol}"
        request_http = _RawHttpHeaders(request_line, request_headers, is_http_request=True)

        self._rotate_if_full()
        response = self._record(url, "response", response_body, http, common)
        offset, length = self._write(response)
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        request = self._record(
            url,
            "request",
            request_body,
            request_http,
            {"WARC-Concurrent-To": record_id} | common,
        )
        self._write(request)
        return CaptureRef(
            warc_file=self.files[-1],
            offset=offset,
            length=length,
            payload_sha256=hashlib.sha256(response_body).hexdigest(),
            record_id=record_id,
            fetched_at=date,
        )

    def write_failure(self, url: str, reason: str, fetched_at: datetime) -> str:
        """Record a request that got no response (DNS failure, refused, timeout...).

        Writes a ``metadata`` record for ``url`` and returns its WARC-Record-ID.
        """
        one_line = " ".join(reason.split())
        fields = f"fetch-error: {one_line}\r\n".encode()
        self._rotate_if_full()
        record = self._warc.create_warc_record(
            url,
            "metadata",
            payload=BytesIO(fields),
            length=len(fields),
            warc_headers_dict={"WARC-Type": "metadata", "WARC-Date": _warc_date(fetched_at)},
        )
        self._write(record)
        return str(record.rec_headers.get_header("WARC-Record-ID"))

    def close(self) -> None:
        """Close the current file; a later write opens a new one."""
        if self._out is not None:
            self._out.close()
            self._out = None
            self._warc = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- internals ---------------------------------------------------------------------------

    def _record(
        self, url: str, kind: str, body: bytes, http: StatusAndHeaders, extra: dict[str, str]
    ) -> Any:
        return self._warc.create_warc_record(
            url,
            kind,
            payload=BytesIO(body),
            length=len(body),
            http_headers=http,
            warc_headers_dict={"WARC-Type": kind} | extra,  # WARC-Type first, by convention
        )

    def _write(self, record: Any) -> tuple[int, int]:
        """Write one record (warcio flushes it); return its offset and length on disk."""
        assert self._out is not None
        offset = self._out.tell()
        self._warc.write_record(record)
        return offset, self._out.tell() - offset

    def _rotate_if_full(self) -> None:
        # Checked before an exchange, not between its records, so a request always sits in
        # the file of its response; a file may overshoot max_bytes by one exchange.
        if self._out is None or self._out.tell() >= self.max_bytes:
            self.close()
            self._open_next()

    def _open_next(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        while True:
            name = f"{self.prefix}-{self.started:%Y%m%dT%H%M%SZ}-{self._serial:05d}{SUFFIX}"
            self._serial += 1
            try:
                # "x": never append to, or clobber, a file of another writer or crawl.
                self._out = (self.folder / name).open("xb")
            except FileExistsError:
                continue
            break
        self._warc = WARCWriter(self._out, gzip=True, warc_version="1.1")
        self._warc.write_record(self._warc.create_warcinfo_record(name, self.info))
        self.files.append(name)
        logger.info("writing WARC %s", self.folder / name)


def _warc_date(moment: datetime) -> str:
    """WARC-Date of an aware datetime: UTC, with microseconds (allowed since WARC 1.1)."""
    naive_utc = moment.astimezone(UTC).replace(tzinfo=None)
    return str(datetime_to_iso_date(naive_utc, use_micros=True))


def _origin_form(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _consistent_headers(
    headers: Headers, body: bytes, method: str, status: int, content_decoded: bool
) -> Headers:
    """Response headers that describe the stored body; rewritten values kept as X-headers."""
    moved = {"transfer-encoding"} | ({"content-encoding"} if content_decoded else set())
    out: Headers = []
    for name, value in headers:
        out.append((ORIGINAL + name, value) if name.lower() in moved else (name, value))
    if method.upper() == "HEAD" or status in (204, 304):
        return out  # no body by definition: Content-Length describes the resource
    lengths = [v for n, v in out if n.lower() == "content-length"]
    actual = str(len(body))
    out = [(n, v) for n, v in out if n.lower() != "content-length"]
    out.append(("Content-Length", actual))
    if lengths and lengths != [actual]:
        out.append((ORIGINAL + "Content-Length", ", ".join(lengths)))
    return out


# -- reading -------------------------------------------------------------------------------


def read_capture(folder: Path, ref: CaptureRef | tuple[str, int]) -> CapturedResponse:
    """The response record at ``ref``, its digests verified.

    With a :class:`CaptureRef` the payload must also hash to ``ref.payload_sha256``; a
    ``(warc_file, offset)`` pair is checked against the record's own digests only. Raises
    :class:`CaptureMismatch` when the bytes were altered, :class:`WarcError` when there is no
    whole response record at that offset.
    """
    warc_file, offset = (ref.warc_file, ref.offset) if isinstance(ref, CaptureRef) else ref
    if Path(warc_file).name != warc_file:
        raise WarcError(f"{warc_file!r}: expected a file name inside {folder}")
    try:
        with (Path(folder) / warc_file).open("rb") as stream:
            stream.seek(offset)
            records = ArchiveIterator(stream, check_digests=True)
            capture = _next_response(records, warc_file, only_first=True)
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


def iter_responses(folder: Path) -> Iterator[CapturedResponse]:
    """Every response record of every WARC file in ``folder``, in the order written.

    A file that ends inside a record (a killed crawl) yields the records before it and a
    warning. A record whose digests do not match raises :class:`CaptureMismatch`; damage
    anywhere but the tail raises :class:`WarcError`.
    """
    for path in warc_files(folder):
        yield from _file_responses(path)


def _file_responses(path: Path) -> Iterator[CapturedResponse]:
    size = path.stat().st_size
    with path.open("rb") as stream:
        records = ArchiveIterator(stream, check_digests=True)
        while True:
            try:
                capture = _next_response(records, path.name)
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
        inflate.decompress(stream.read())
    if not inflate.eof:
        raise _Unreadable(offset)


class _Unreadable(WarcError):
    """The record at ``offset`` could not be read whole."""

    def __init__(self, offset: int):
        super().__init__(f"no whole record at offset {offset}")
        self.offset = offset


def _next_response(
    records: ArchiveIterator, warc_file: str, only_first: bool = False
) -> CapturedResponse | None:
    """The next response record of ``records`` (or None), read whole and checked."""
    try:
        for record in records:
            if record.rec_type == "response":
                return _capture(record, records, warc_file)
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


def _capture(record: Any, records: ArchiveIterator, warc_file: str) -> CapturedResponse:
    """Read ``record`` (the current one of ``records``) whole and check it."""
    payload = record.raw_stream.read()
    offset, length = records.get_record_offset(), records.get_record_length()
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
        body=_decode_content(payload, http.get_header("Content-Encoding")),
        date=iso_date_to_datetime(date, tz_aware=True),
    )


def _decode_content(payload: bytes, header: str | None) -> bytes:
    """Undo the content codings of ``header`` (last applied, first undone), as Scrapy does.

    A coding that cannot be undone leaves the body as it is, with a warning.
    """
    body = payload
    for coding in reversed([c.strip().lower() for c in (header or "").split(",")]):
        if coding in ("", "identity"):
            continue
        try:
            body = _undo(coding, body)
        except Exception as exc:  # zlib, brotli and zstd each raise their own errors
            logger.warning("cannot undo content coding %r (%s); body left coded", coding, exc)
            return body
    return body


def _undo(coding: str, data: bytes) -> bytes:
    """Decode one content coding: the ones Scrapy asks servers for (gzip, deflate, br, zstd)."""
    if coding in ("gzip", "x-gzip", "deflate"):
        # warcio's reader also takes raw deflate, and passes through data not coded at all.
        reader = BufferedReader(BytesIO(data), decomp_type=coding.removeprefix("x-"))
        return bytes(reader.read())
    # warcio's own "br" fails with brotli 1.2, and it has no zstd: use the modules Scrapy uses.
    if coding == "br":
        try:
            import brotli
        except ImportError:
            import brotlicffi as brotli

        return bytes(brotli.decompress(data))
    if coding == "zstd":
        try:
            from compression import zstd  # Python 3.14+
        except ImportError:
            from backports import zstd
        return bytes(zstd.decompress(data))
    raise ValueError("unknown coding")


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
                    inflate.decompress(chunk)
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
