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

The writer is :mod:`~archiver.webarchive.warc_write`, the readers and the repair
:mod:`~archiver.webarchive.warc_read`, what they share :mod:`~archiver.webarchive.warc_types`;
this module gathers their public names.
"""

from __future__ import annotations

from archiver.webarchive.warc_read import (
    WarcScan,
    iter_responses,
    read_capture,
    repair,
    scan,
    warc_files,
)
from archiver.webarchive.warc_types import (
    SUFFIX,
    CapturedResponse,
    CaptureMismatch,
    CaptureRef,
    CaptureTooLarge,
    Headers,
    WarcError,
)
from archiver.webarchive.warc_write import (
    ORIGINAL,
    SOFTWARE,
    WARC_CONFORMS_TO,
    WARC_FORMAT,
    WarcWriter,
)

__all__ = [
    "ORIGINAL",
    "SOFTWARE",
    "SUFFIX",
    "WARC_CONFORMS_TO",
    "WARC_FORMAT",
    "CaptureMismatch",
    "CaptureRef",
    "CaptureTooLarge",
    "CapturedResponse",
    "Headers",
    "WarcError",
    "WarcScan",
    "WarcWriter",
    "iter_responses",
    "read_capture",
    "repair",
    "scan",
    "warc_files",
]
