"""What the WARC writer returns and the readers give back, and how reading fails."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

SUFFIX = ".warc.gz"

Headers = list[tuple[str, str]]


class WarcError(Exception):
    """A capture that cannot be read: missing, not a response, or damaged."""


class CaptureMismatch(WarcError):
    """The stored bytes are not the bytes that were captured (a digest does not match)."""


class CaptureTooLarge(WarcError):
    """A capture larger than the reader's limit, stored or once its content coding is undone
    (a decompression bomb): not read."""


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
