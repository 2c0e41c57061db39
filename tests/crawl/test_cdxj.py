"""The CDXJ index a crawl keeps beside its WARC files (``warc/index.cdxj``).

After a real crawl of the mock web, the index has one line per response record of every WARC
file, and each line says what the record says (url, timestamp, offset, length on disk,
payload digest, file); pywb replays from that very index, without indexing anything itself;
a second crawl's file joins the index and the first file's own index is not made again.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_timestamp

from archiver.webarchive.warc import read_capture, warc_files
from tests.crawling import FinishedCrawl, crawl
from tests.mockweb import MockWeb
from tests.pywb_support import Wayback


def index_lines(folder: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """(SURT key, timestamp, fields) of each line of ``folder/index.cdxj``, in order."""
    lines = (folder / "index.cdxj").read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        key, ts, fields = line.split(" ", 2)
        out.append((key, ts, json.loads(fields)))
    return out


def response_records(warc: Path) -> list[dict[str, str]]:
    """What a CDXJ line of each response record of ``warc`` should say."""
    found = []
    with warc.open("rb") as stream:
        records = ArchiveIterator(stream)
        for record in records:
            record.content_stream().read()
            if record.rec_type != "response":
                continue
            found.append(
                {
                    "url": record.rec_headers.get_header("WARC-Target-URI"),
                    "ts": iso_date_to_timestamp(record.rec_headers.get_header("WARC-Date")),
                    "digest": record.rec_headers.get_header("WARC-Payload-Digest"),
                    "offset": str(records.get_record_offset()),
                    "length": str(records.get_record_length()),
                    "filename": warc.name,
                    "status": record.http_headers.get_statuscode(),
                }
            )
    return found


def as_records(lines: list[tuple[str, str, dict[str, Any]]]) -> list[dict[str, str]]:
    keys = ("url", "digest", "offset", "length", "filename", "status")
    return [{"ts": ts, **{k: fields[k] for k in keys}} for _key, ts, fields in lines]


def stored(db: Path) -> list[tuple[str, str, str, str, int]]:
    """(url, kind, title, warc file, offset) of every record with a capture."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT url, kind, title, warc_file, warc_offset FROM documents "
            "WHERE warc_file IS NOT NULL ORDER BY url"
        ).fetchall()


def by_place(records: list[dict[str, str]]) -> list[dict[str, str]]:
    return sorted(records, key=lambda r: (r["filename"], int(r["offset"])))


def test_the_index_has_a_line_per_response_that_matches_it(
    default_crawl: FinishedCrawl, tmp_path: Path
) -> None:
    db = default_crawl.copy_to(tmp_path / "crawl")
    folder = db.parent / "warc"
    lines = index_lines(folder)
    (warc,) = warc_files(folder)

    assert by_place(as_records(lines)) == by_place(response_records(warc))
    assert [(key, ts) for key, ts, _ in lines] == sorted((key, ts) for key, ts, _ in lines)
    # every record of the archive is found through the index where the database says it is
    places = {(f["filename"], int(f["offset"])) for _k, _t, f in lines}
    records = stored(db)
    assert len(records) > 10
    for url, _kind, _title, warc_file, offset in records:
        assert (warc_file, offset) in places, url


def test_pywb_replays_from_the_index_as_it_is(default_crawl: FinishedCrawl, tmp_path: Path) -> None:
    """A pywb collection made of the WARC folder as it is, index included: nothing reindexed."""
    db = default_crawl.copy_to(tmp_path / "crawl")
    collection = tmp_path / "pywb" / "collections" / "crawl"
    (collection / "indexes").mkdir(parents=True)
    shutil.copy(db.parent / "warc" / "index.cdxj", collection / "indexes" / "index.cdxj")
    shutil.copytree(
        db.parent / "warc", collection / "archive", ignore=shutil.ignore_patterns("index*")
    )
    url, _kind, title, warc_file, offset = next(r for r in stored(db) if r[1] == "news")
    capture = read_capture(db.parent / "warc", (warc_file, offset))
    ts = f"{capture.date:%Y%m%d%H%M%S}"

    with Wayback(tmp_path / "pywb") as wayback:
        original = wayback.get(f"/crawl/{ts}id_/{url}")
        page = wayback.get(f"/crawl/{ts}mp_/{url}")

    assert original.status == 200
    assert original.body == capture.payload
    assert page.status == 200
    assert title in page.text()


def test_a_second_crawl_joins_the_index(mockweb: MockWeb, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    assert crawl(mockweb, db).returncode == 0
    folder = db.parent / "warc"
    (first,) = warc_files(folder)
    first_index = folder / "indexes" / f"{first.name}.cdxj"
    made = first_index.stat().st_mtime_ns

    assert crawl(mockweb, db, "--full").returncode == 0

    warcs = warc_files(folder)
    assert len(warcs) == 2
    expected = [r for warc in warcs for r in response_records(warc)]
    assert by_place(as_records(index_lines(folder))) == by_place(expected)
    assert first_index.stat().st_mtime_ns == made  # indexed once
