"""``archiver verify`` over a real crawl of the mock web, then over copies of it damaged the
ways copies get damaged: a flipped byte, a record rewritten, a file cut short, a file gone,
an archive whose recorded digest differs. Verify names exactly the captures affected."""

from __future__ import annotations

import gzip
import json
import sqlite3
import zlib
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.clirunner import run
from tests.crawling import FinishedCrawl

NOT_INTACT = 3


@pytest.fixture
def db(default_crawl: FinishedCrawl, tmp_path: Path) -> Path:
    """A copy of the default crawl's archive and WARC files, for this test to damage."""
    return default_crawl.copy_to(tmp_path / "copy")


def pointers(db: Path) -> list[tuple[str, str, int]]:
    """(url, warc file, offset) of every record and attached file, by offset."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT url, warc_file, warc_offset FROM documents WHERE warc_file IS NOT NULL "
            "UNION SELECT url, warc_file, warc_offset FROM attachment_files "
            "WHERE warc_file IS NOT NULL ORDER BY 3, 1"
        ).fetchall()


def verify_json(db: Path) -> tuple[int, dict[str, Any]]:
    result = run("verify", "--db", str(db), "--json")
    return result.exit_code, json.loads(result.stdout)


def problems(report: dict[str, Any]) -> dict[str, str]:
    """url → status of every capture verify found not intact."""
    return {p["url"]: p["status"] for p in report["problems"]}


def member_lengths(path: Path) -> dict[int, int]:
    """Offset → length on disk of each record (gzip member) of a WARC file."""
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        lengths = {}
        for record in records:
            record.content_stream().read()
            lengths[records.get_record_offset()] = records.get_record_length()
        return lengths


def test_a_fresh_crawl_is_intact(db: Path) -> None:
    result = run("verify", "--db", str(db))
    n = len(pointers(db))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"checked {n} captures in 1 WARC files: {n} intact, 0 missing, 0 altered, 0 unreadable"
    )
    code, report = verify_json(db)
    assert code == 0
    assert report["checked"] == report["intact"] == n
    assert report["problems"] == []
    assert n > 10  # news, briefs and an attachment


def test_a_flipped_byte_names_that_capture_only(db: Path) -> None:
    urls = pointers(db)
    url, warc_file, offset = urls[len(urls) // 2]
    path = db.parent / "warc" / warc_file
    length = member_lengths(path)[offset]
    data = bytearray(path.read_bytes())
    data[offset + length // 2] ^= 0x01
    path.write_bytes(bytes(data))

    code, report = verify_json(db)

    assert code == NOT_INTACT
    assert problems(report) == {url: problems(report).get(url, "none")}
    assert problems(report)[url] in ("altered", "unreadable")
    assert report["intact"] == len(urls) - 1


def test_a_rewritten_record_is_altered(db: Path) -> None:
    """The last capture's body is changed and its gzip member rewritten whole: the file reads
    cleanly, only the digests tell."""
    url, warc_file, offset = pointers(db)[-1]
    path = db.parent / "warc" / warc_file
    data = path.read_bytes()
    inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
    record = inflate.decompress(data[offset:])
    at = record.rindex(b"</")  # inside the HTML body
    record = record[:at] + b"<!" + record[at + 2 :]
    path.write_bytes(data[:offset] + gzip.compress(record) + inflate.unused_data)

    code, report = verify_json(db)

    assert code == NOT_INTACT
    assert problems(report) == {url: "altered"}
    (problem,) = report["problems"]
    assert "digest" in problem["detail"]
    assert (problem["warc_file"], problem["warc_offset"]) == (warc_file, offset)
    human = run("verify", "--db", str(db))
    assert human.exit_code == NOT_INTACT
    assert human.stdout.splitlines()[0].startswith(f"altered    record     {url}  ")
    assert ", 1 altered," in human.stdout.splitlines()[-1]


def test_a_file_cut_short_loses_the_captures_after_the_cut(db: Path) -> None:
    urls = pointers(db)
    cut_at = len(urls) * 2 // 3
    url, warc_file, offset = urls[cut_at]
    path = db.parent / "warc" / warc_file
    with path.open("r+b") as stream:
        stream.truncate(offset + 40)

    code, report = verify_json(db)

    assert code == NOT_INTACT
    after = {u for u, _f, o in urls if o > offset}
    assert problems(report) == {u: "missing" for u in {url} | after}
    details = {p["url"]: p["detail"] for p in report["problems"]}
    assert "cut off" in details[url]
    assert all("beyond the end" in details[u] for u in after)
    assert report["intact"] == cut_at


def test_a_file_gone_is_missing_for_every_capture_in_it(db: Path) -> None:
    urls = pointers(db)
    ((warc_file,),) = {(f,) for _u, f, _o in urls}
    (db.parent / "warc" / warc_file).unlink()

    code, report = verify_json(db)

    assert code == NOT_INTACT
    assert problems(report) == {u: "missing" for u, _f, _o in urls}
    assert {p["detail"] for p in report["problems"]} == {f"{warc_file} is gone"}


def test_an_attachment_whose_recorded_digest_differs_is_altered(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        (url,) = conn.execute("SELECT url FROM attachment_files LIMIT 1").fetchone()
        conn.execute("UPDATE attachment_files SET sha256 = ? WHERE url = ?", ("0" * 64, url))

    code, report = verify_json(db)

    assert code == NOT_INTACT
    assert problems(report) == {url: "altered"}
    (problem,) = report["problems"]
    assert problem["table"] == "attachment"
    assert problem["detail"].endswith(f"the archive recorded {'0' * 64}")


def test_no_archive_is_one_line(tmp_path: Path) -> None:
    result = run("verify", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 2
    assert result.stderr.startswith("archiver: error: ")
    assert len(result.stderr.splitlines()) == 1
