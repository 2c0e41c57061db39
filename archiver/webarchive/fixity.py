"""Fixity: are the captures still the bytes that were captured?

Each capture is re-read from its WARC file at the offset the archive recorded: warcio checks
the record's own digests (``WARC-Block-Digest``, ``WARC-Payload-Digest``) as it reads, and the
payload's sha256 and the decoded body's sha256 are compared with the ones the archive stored.
A capture is then

- ``intact``: every digest matches;
- ``missing``: its WARC file is gone, the offset lies beyond the file's end, or the file ends
  inside the record (cut off);
- ``altered``: a digest does not match (the bytes were changed);
- ``unreadable``: no response record can be read there (a damaged gzip member, a header
  that is no WARC header, another kind of record).

Memory stays bounded: payloads are hashed a chunk at a time, and an identity or gzip body is
decoded a chunk at a time too; a body of another coding (``br``, ``zstd``, ``deflate``) is
decoded whole, up to the crawl's own limit on what it stores.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Generic, Literal, Protocol, TypeVar

from warcio.archiveiterator import ArchiveIterator

from archiver.config import FILE_MAX_BYTES
from archiver.webarchive.warc_read import _decode_content

Status = Literal["intact", "missing", "altered", "unreadable"]
STATUSES: tuple[Status, ...] = ("intact", "missing", "altered", "unreadable")
_CHUNK = 1 << 20


class Expected(Protocol):
    """What the archive says of a capture (:class:`archiver.store.captures.CapturePointer`)."""

    @property
    def warc_file(self) -> str: ...
    @property
    def warc_offset(self) -> int: ...
    @property
    def payload_sha256(self) -> str | None: ...
    @property
    def sha256(self) -> str | None: ...


@dataclass(frozen=True)
class Found:
    """What is at a WARC file and offset: the digests of its payload and body, or a problem."""

    status: Status  # "intact" when the record was read whole and its own digests match
    detail: str = ""
    payload_sha256: str | None = None
    body_sha256: str | None = None


E = TypeVar("E", bound=Expected)


@dataclass(frozen=True)
class Finding(Generic[E]):
    """A capture the archive points at, and how it was found."""

    expected: E
    status: Status
    detail: str


def check_captures(
    folder: Path, expected: Iterable[E], *, max_bytes: int = FILE_MAX_BYTES
) -> Iterator[Finding[E]]:
    """Check each of ``expected`` against its WARC record in ``folder``.

    Pointers at the same place in a row (a record and an attachment sharing one capture) read
    it once; give them ordered by file and offset.
    """
    last: tuple[tuple[str, int], Found] | None = None
    for item in expected:
        place = (item.warc_file, item.warc_offset)
        if last is None or last[0] != place:
            last = (place, read_digests(folder, *place, max_bytes=max_bytes))
        yield judge(item, last[1])


def judge(item: E, found: Found) -> Finding[E]:
    """How ``item`` fares against what was ``found`` at its place."""
    if found.status != "intact":
        return Finding(item, found.status, found.detail)
    if item.payload_sha256 and item.payload_sha256 != found.payload_sha256:
        return Finding(
            item,
            "altered",
            f"payload sha256 {found.payload_sha256}, the archive recorded {item.payload_sha256}",
        )
    body = found.body_sha256 or found.payload_sha256  # a coding not undone: body as stored
    if item.sha256 and item.sha256 != body:
        return Finding(item, "altered", f"body sha256 {body}, the archive recorded {item.sha256}")
    return Finding(item, "intact", "")


def read_digests(folder: Path, warc_file: str, offset: int, *, max_bytes: int) -> Found:
    """Read the response record at ``warc_file``@``offset`` whole; its digests, or why not."""
    if Path(warc_file).name != warc_file or warc_file in ("", ".", ".."):
        return Found("unreadable", f"{warc_file!r} is no file name inside the WARC folder")
    path = Path(folder) / warc_file
    try:
        size = path.stat().st_size
        if not path.is_file():
            return Found("unreadable", f"{warc_file} is not a file")
        if offset >= size:
            return Found("missing", f"offset {offset} is beyond the end of {warc_file} "
                                    f"({size} bytes)")  # fmt: skip
        with path.open("rb") as stream:
            return _read_record(stream, size, warc_file, offset, max_bytes)
    except FileNotFoundError:
        return Found("missing", f"{warc_file} is gone")
    except OSError as exc:
        return Found("unreadable", f"{warc_file}: {exc.strerror or exc}")


def _read_record(stream: IO[bytes], size: int, warc_file: str, offset: int,
                 max_bytes: int) -> Found:  # fmt: skip
    stream.seek(offset)
    where = f"{warc_file}@{offset}"
    if stream.read(2) != b"\x1f\x8b":  # each record is a gzip member of its own
        return Found("unreadable", f"{where}: no WARC record starts there")
    stream.seek(offset)
    try:
        record = next(iter(ArchiveIterator(stream, check_digests=True)), None)
        if record is None:
            if stream.tell() >= size:
                return Found("missing", f"{where}: the file ends inside the record (cut off)")
            return Found("unreadable", f"{where}: no WARC record there")
        if record.rec_type != "response":
            return Found("unreadable", f"{where}: a {record.rec_type} record, not a response")
        payload, body, length = _hash_payload(record, max_bytes)
    except _TooLarge as exc:
        return Found("unreadable", f"{where}: {exc}")
    except Exception as exc:  # warcio and zlib fail in many ways on damaged bytes
        if stream.tell() >= size:
            return Found("missing", f"{where}: the file ends inside the record (cut off)")
        return Found("unreadable", f"{where}: damaged ({type(exc).__name__}: {exc})")
    if length < (record.payload_length or 0):
        return Found("missing", f"{where}: the file ends inside the record (cut off)")
    if record.digest_checker.passed is False:
        return Found("altered", f"{where}: " + "; ".join(record.digest_checker.problems))
    return Found("intact", "", payload, body)


class _TooLarge(Exception):
    """A payload, or the body it decodes to, over the limit."""


def _hash_payload(record: Any, max_bytes: int) -> tuple[str, str | None, int]:
    """sha256 of the record's payload and of its decoded body, and the payload's length."""
    coding = (record.http_headers.get_header("Content-Encoding") or "").strip().lower()
    body = _BodyHash(coding, max_bytes)
    payload = hashlib.sha256()
    length = 0
    while chunk := record.raw_stream.read(_CHUNK):
        length += len(chunk)
        if length > max_bytes:
            raise _TooLarge(f"a payload over the limit of {max_bytes:,} bytes")
        payload.update(chunk)
        body.feed(chunk)
    return payload.hexdigest(), body.hexdigest(), length


class _BodyHash:
    """sha256 of a body as the crawl saw it (content coding undone), fed a chunk at a time.

    As the reader of captures does, a coding that cannot be undone leaves the body coded:
    its digest is then None (the payload's).
    """

    def __init__(self, coding: str, max_bytes: int):
        self.coding = coding
        self.max_bytes = max_bytes
        self.digest = hashlib.sha256()
        self.decoded = 0
        self.whole = bytearray()  # a coding not decoded as a stream: kept, up to the limit
        gzip = coding in ("gzip", "x-gzip")
        self.inflate: Any = zlib.decompressobj(zlib.MAX_WBITS | 16) if gzip else None
        self.inside = False  # inside a gzip member (fed, not at its end)
        self.undone = True

    def feed(self, chunk: bytes) -> None:
        if self.coding in ("", "identity"):
            self._add(chunk)
        elif self.inflate is None:
            self.whole += chunk
        elif self.undone:
            try:
                self._inflate(chunk)
            except zlib.error:
                self.undone = False

    def _inflate(self, data: bytes) -> None:
        # several gzip members one after the other are one body (as gzip(1) and Scrapy read it)
        while data:
            self.inside = True
            self._add(self.inflate.decompress(data, _CHUNK))
            while self.inflate.unconsumed_tail and not self.inflate.eof:
                self._add(self.inflate.decompress(self.inflate.unconsumed_tail, _CHUNK))
            if not self.inflate.eof:
                return
            data = self.inflate.unused_data
            self.inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
            self.inside = False

    def _add(self, data: bytes) -> None:
        self.decoded += len(data)
        if self.decoded > self.max_bytes:
            raise _TooLarge(f"a body that decodes to more than {self.max_bytes:,} bytes")
        self.digest.update(data)

    def hexdigest(self) -> str | None:
        """The body's sha256; None when its coding cannot be undone."""
        if self.inflate is not None and (not self.undone or self.inside):
            return None
        if self.whole:
            self._add(_decode_content(bytes(self.whole), self.coding, self.max_bytes))
            self.whole = bytearray()
        return self.digest.hexdigest()
