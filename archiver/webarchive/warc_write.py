"""Write every HTTP exchange of a crawl to size-rotated, gzipped WARC 1.1 files.

warcio builds and writes every record; this module decides what goes in them, and how the
response headers are made to describe the stored body (see :mod:`archiver.webarchive.warc`).
It hands warcio the records' SHA-1 digests, taken over the bytes in hand, which spares warcio
reading each body back through its streams to take them (``warcio check`` verifies them).
"""

from __future__ import annotations

import base64
import hashlib
import logging
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from archiver import __version__
from archiver.webarchive.cdxj import cdxj_line, write_file_index
from archiver.webarchive.warc_types import SUFFIX, CaptureRef, Headers

# the name from before the split into modules, which a logging filter may name
logger = logging.getLogger("archiver.webarchive.warc")

SOFTWARE = f"edu-news-archiver/{__version__}"
WARC_FORMAT = "WARC File Format 1.1"
WARC_CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
ORIGINAL = "X-Archiver-Original-"  # prefix of the headers that keep rewritten values


class _RawHttpHeaders(StatusAndHeaders):  # type: ignore[misc]
    """HTTP headers serialised byte for byte.

    warcio percent-encodes non-ASCII header values (RFC 8187); header bytes decoded as
    latin-1 are written back as the same bytes instead, so a GBK ``Content-Disposition``
    file name is stored as the server sent it.
    """

    #: set once the record's digest is taken over ``headers_buff``: warcio computes it again
    #: when it writes the record, to the same bytes (nothing changes the headers between)
    final = False

    def compute_headers_buffer(self, header_filter: Any = None) -> None:
        if self.final and header_filter is None:
            return
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
        self._index: list[str] = []  # the open file's CDXJ lines, saved when it closes

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
        See :mod:`archiver.webarchive.warc` for how the response headers are made to match
        the body.
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
        self._index.append(
            cdxj_line(
                url, date, status, http.get_header("Content-Type"),
                response.rec_headers.get_header("WARC-Payload-Digest"),
                offset, length, self.files[-1],
            )
        )  # fmt: skip
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
        """Close the current file and save its CDXJ index; a later write opens a new one.

        An index that cannot be saved is named in the log: the file is indexed from its
        records by the next :func:`~archiver.webarchive.cdxj.update_index`.
        """
        if self._out is not None:
            self._out.close()
            self._out = None
            self._warc = None
            lines, self._index = self._index, []
            warc = self.folder / self.files[-1]
            try:
                write_file_index(warc, lines)
            except OSError as exc:
                logger.warning("CDXJ index of %s not saved (%s): indexed again later", warc, exc)

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
        http.compute_headers_buffer()  # the bytes warcio writes, and the block digest covers
        http.final = True
        block = hashlib.sha1(http.headers_buff)
        block.update(body)
        digests = {
            "WARC-Payload-Digest": _sha1(hashlib.sha1(body).digest()),
            "WARC-Block-Digest": _sha1(block.digest()),
        }
        return self._warc.create_warc_record(
            url,
            kind,
            payload=BytesIO(body),
            length=len(body),
            http_headers=http,
            # WARC-Type first, by convention
            warc_headers_dict={"WARC-Type": kind} | extra | digests,
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


def _sha1(digest: bytes) -> str:
    """A SHA-1 digest as warcio writes it in a WARC header: ``sha1:`` and base 32."""
    return "sha1:" + base64.b32encode(digest).decode("ascii")


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
