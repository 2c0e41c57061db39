"""A CDXJ index of the WARC files, beside them, kept current: ``warc/index.cdxj``.

Webrecorder's ``cdxj-indexer`` writes the lines (the format pywb, ReplayWeb.page and
``wacz`` read): one per response, resource and revisit record, sorted by SURT key and
timestamp, each with the record's ``url``, ``mime``, ``status``, ``digest`` (its
WARC-Payload-Digest), ``length`` and ``offset`` on disk and ``filename`` (the WARC file's
name, relative to the folder).

Each WARC file gets an index of its own, in ``warc/indexes/NAME.cdxj``, made once the file is
closed and remade only if the file changes; ``warc/index.cdxj`` merges them all (a sorted
merge, streamed). So a crawl indexes only the files it wrote, and a file a killed crawl left
unindexed is indexed by the next one. Every index is written to a temporary file and renamed
into place: a reader never sees half an index.
"""

from __future__ import annotations

import heapq
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

import surt
from warcio.timeutils import iso_date_to_timestamp

from archiver.webarchive.warc_read import warc_files

logger = logging.getLogger(__name__)

INDEX_NAME = "index.cdxj"
PER_FILE_FOLDER = "indexes"


def index_path(folder: Path) -> Path:
    """The merged index of the WARC files in ``folder``."""
    return Path(folder) / INDEX_NAME


def file_index_path(warc: Path) -> Path:
    """The index of one WARC file."""
    return warc.parent / PER_FILE_FOLDER / (warc.name + ".cdxj")


def update_index(folder: Path) -> Path | None:
    """Index every WARC file of ``folder`` not yet indexed (or changed since), then merge all
    the files' indexes into ``folder/index.cdxj``; return it (None when there is no WARC).

    A file that cannot be indexed (damaged) is named in the log and left out of the merged
    index; it is tried again next time.
    """
    warcs = warc_files(folder)
    if not warcs:
        return None
    indexes = []
    for warc in warcs:
        index = file_index_path(warc)
        if _stale(index, warc):
            try:
                index_warc(warc, index)
            except Exception as exc:  # a damaged file: cdxj-indexer and warcio fail many ways
                logger.warning("cannot index %s (%s); left out of %s", warc, exc, INDEX_NAME)
                continue
        indexes.append(index)
    merged = index_path(folder)
    with ExitStack() as stack, _atomic(merged) as out:
        sources = [stack.enter_context(index.open(encoding="utf-8")) for index in indexes]
        out.writelines(heapq.merge(*sources))
    return merged


#: The records indexed: what a replay tool looks up (never requests, metadata or warcinfo).
INDEXED_RECORDS = ("response", "revisit", "resource")


def index_warc(warc: Path, index: Path) -> None:
    """Write the sorted CDXJ index of one WARC file to ``index``."""
    from cdxj_indexer.main import CDXJIndexer

    class Indexer(CDXJIndexer):  # type: ignore[misc]
        # By its own list, not the class's default, which py-wacz changes when imported.
        def filter_record(self, record: Any) -> bool:
            return record.rec_type in INDEXED_RECORDS

    with _atomic(index) as out:
        Indexer(output=out, inputs=[str(warc)], sort=True).process_all()


def cdxj_line(
    url: str,
    warc_date: str,
    status: int,
    content_type: str | None,
    digest: str,
    offset: int,
    length: int,
    filename: str,
) -> str:
    """The index line of a response record, as ``cdxj-indexer`` writes it on reading the
    record back (the same key, fields, order and JSON), made from what the writer knows.

    The writer keeps these lines as it writes and saves them, sorted, when the file closes
    (:func:`write_file_index`): a crawl never reads its own WARC files back to index them.
    """
    fields: dict[str, str] = {"url": url}
    if content_type is not None:  # as cdxj-indexer: the type without parameters
        fields["mime"] = _PARAMETERS.split(content_type, 1)[0].strip() if content_type else ""
    fields |= {
        "status": str(status),
        "digest": digest,
        "length": str(length),
        "offset": str(offset),
        "filename": filename,
    }
    return f"{_surt(url)} {_timestamp(warc_date)} {json.dumps(fields)}\n"


_PARAMETERS = re.compile(r"[;\s]")
_NOT_DIGITS = re.compile(r"\D")


def _timestamp(warc_date: str) -> str:
    """The 14-digit timestamp of a WARC-Date as warcio makes it, read straight off a full
    date such as the writer's (``2026-11-28T18:03:01.123456Z``), without parsing it."""
    digits = _NOT_DIGITS.sub("", warc_date[:19])
    return digits if len(digits) == 14 else str(iso_date_to_timestamp(warc_date))


def _surt(url: str) -> str:
    try:
        return str(surt.surt(url))
    except Exception:  # as cdxj-indexer: a URL surt cannot read is its own key
        return url


def write_file_index(warc: Path, lines: Iterable[str]) -> None:
    """Save the index of the closed file ``warc`` from its lines (:func:`cdxj_line`), sorted
    as ``cdxj-indexer --sort`` sorts them. Made after the file is closed, the index is newer
    than the file, so :func:`update_index` takes it as current."""
    with _atomic(file_index_path(warc)) as out:
        out.writelines(sorted(lines))


def _stale(index: Path, warc: Path) -> bool:
    try:
        return index.stat().st_mtime_ns < warc.stat().st_mtime_ns
    except FileNotFoundError:
        return True


@contextmanager
def _atomic(path: Path) -> Iterator[IO[str]]:
    """A text file that appears at ``path`` whole, or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    umask = os.umask(0)  # mkstemp makes the file private; an index is shared like the WARCs
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
