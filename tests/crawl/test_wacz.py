"""``archiver export --format wacz`` over a real crawl of the mock web: the package passes the
format's own validator (py-wacz's ``wacz validate``), pywb replays a page from it, and a
filtered export holds exactly the selected records' captures, byte for byte."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.webarchive.warc import read_capture
from tests.clirunner import run
from tests.crawling import FinishedCrawl
from tests.pywb_support import PYWB_PYTHON, Wayback, pywb_env

# wb-manager init COLL, then add the package's WARC and its index (pywb reads a WACZ unpacked)
_ADD_WACZ = """
import sys
from pywb.manager.manager import main
coll, wacz = sys.argv[1:]
main(["init", coll])
main(["add", "--unpack-wacz", coll, wacz])
"""


@pytest.fixture
def db(default_crawl: FinishedCrawl, tmp_path: Path) -> Path:
    return default_crawl.copy_to(tmp_path / "crawl")


def validate(wacz: Path) -> subprocess.CompletedProcess[str]:
    """py-wacz's validator, as a user runs it: ``wacz validate -f FILE``."""
    return subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(wacz)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def rows(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def package_responses(wacz: Path) -> dict[str, bytes]:
    """WARC-Target-URI → payload of every response record in the package's WARC files."""
    found = {}
    with zipfile.ZipFile(wacz) as package:
        for name in package.namelist():
            if name.startswith("archive/"):
                for record in ArchiveIterator(BytesIO(package.read(name)), check_digests=True):
                    if record.rec_type == "response":
                        found[record.rec_headers.get_header("WARC-Target-URI")] = (
                            record.raw_stream.read()
                        )
                        assert record.digest_checker.passed is not False
    return found


def pages(wacz: Path) -> list[dict[str, str]]:
    with zipfile.ZipFile(wacz) as package:
        lines = package.read("pages/pages.jsonl").decode().splitlines()
    header, *entries = map(json.loads, lines)
    assert header["format"] == "json-pages-1.0"
    return entries


def test_the_whole_archive_packaged_is_a_valid_wacz(db: Path, tmp_path: Path) -> None:
    wacz = tmp_path / "archive.wacz"
    result = run("export", "--db", str(db), "--format", "wacz", "-o", str(wacz))
    assert result.exit_code == 0, result.output

    checked = validate(wacz)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Validation succeeded, the passed WACZ is valid" in checked.stdout
    with zipfile.ZipFile(wacz) as package:
        names = set(package.namelist())
        datapackage = json.loads(package.read("datapackage.json"))
    assert {"pages/pages.jsonl", "datapackage.json", "datapackage-digest.json",
            "indexes/index.cdx.gz"} <= names  # fmt: skip
    assert datapackage["wacz_version"] == "1.1.1"
    records = rows(db, "SELECT url, title, warc_file, warc_offset, archived_url FROM documents "
                       "WHERE warc_file IS NOT NULL")  # fmt: skip
    assert {(p["title"]) for p in pages(wacz)} == {title for _u, title, *_ in records}
    assert len(pages(wacz)) == len(records)
    files = rows(db, "SELECT url FROM attachment_files WHERE warc_file IS NOT NULL")
    responses = package_responses(wacz)
    assert len(responses) == len(records) + len(files)
    for _url, _title, warc_file, offset, _archived in records:
        capture = read_capture(db.parent / "warc", (str(warc_file), int(str(offset))))
        assert responses[capture.url] == capture.payload  # copied byte for byte
    assert f"wrote {len(responses)} captures of {len(records)} records to {wacz}" in result.stderr


def test_pywb_replays_a_page_from_the_package(db: Path, tmp_path: Path) -> None:
    wacz = tmp_path / "news.wacz"
    assert run("export", "--db", str(db), "--format", "wacz", "-o", str(wacz)).exit_code == 0
    root = tmp_path / "pywb"
    root.mkdir()
    added = subprocess.run([PYWB_PYTHON, "-c", _ADD_WACZ, "pkg", str(wacz)], cwd=root,
                           env=pywb_env(), capture_output=True, text=True, timeout=120)  # fmt: skip
    assert added.returncode == 0, added.stderr
    ((url, title, warc_file, offset),) = rows(
        db, "SELECT url, title, warc_file, warc_offset FROM documents WHERE kind = 'news' "
            "AND warc_file IS NOT NULL ORDER BY url LIMIT 1")  # fmt: skip
    capture = read_capture(db.parent / "warc", (str(warc_file), int(str(offset))))
    ts = f"{capture.date:%Y%m%d%H%M%S}"

    with Wayback(root) as wayback:
        original = wayback.get(f"/pkg/{ts}id_/{url}")
        page = wayback.get(f"/pkg/{ts}mp_/{url}")

    assert original.status == 200
    assert original.body == capture.payload
    assert page.status == 200
    assert str(title) in page.text()


def test_a_filtered_export_holds_the_selected_records_and_their_files_only(
    db: Path, tmp_path: Path
) -> None:
    news = "kind = 'news' AND warc_file IS NOT NULL"
    dates = sorted(
        str(d)[:10] for (d,) in rows(db, f"SELECT published FROM documents WHERE {news}")
    )
    since = dates[len(dates) // 2]
    chosen = rows(
        db,
        f"SELECT url, title FROM documents WHERE {news} AND substr(published, 1, 10) >= ?",
        since,
    )
    files = rows(
        db,
        "SELECT f.url FROM attachment_files f JOIN documents d ON d.url = f.news_url "
        "WHERE d.kind = 'news' AND substr(d.published, 1, 10) >= ?",
        since,
    )
    assert 0 < len(chosen) < len(dates)
    wacz = tmp_path / "some.wacz"

    result = run("export", "--db", str(db), "--format", "wacz", "-o", str(wacz),
                 "--kind", "news", "--since", since)  # fmt: skip

    assert result.exit_code == 0, result.output
    assert validate(wacz).returncode == 0
    assert set(package_responses(wacz)) == {url for url, _ in chosen} | {url for (url,) in files}
    assert sorted((p["url"], p["title"]) for p in pages(wacz)) == sorted(chosen)


def test_a_damaged_capture_is_left_out_and_named(db: Path, tmp_path: Path) -> None:
    ((url, warc_file, offset),) = rows(
        db, "SELECT url, warc_file, warc_offset FROM documents WHERE kind = 'news' "
            "AND warc_file IS NOT NULL ORDER BY url LIMIT 1")  # fmt: skip
    path = db.parent / "warc" / str(warc_file)
    data = bytearray(path.read_bytes())
    data[int(str(offset)) + 60] ^= 0xFF
    path.write_bytes(bytes(data))
    wacz = tmp_path / "rest.wacz"

    result = run("export", "--db", str(db), "--format", "wacz", "-o", str(wacz))

    assert result.exit_code == 3, result.output
    assert f"archiver: left out: {url}: " in result.stderr
    assert validate(wacz).returncode == 0
    assert url not in package_responses(wacz)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ((), "name it with -o FILE.wacz"),
        (("-o", "/dev/null"), "needs -o to name a file"),
        (("-o", "{tmp}/x.wacz", "--fields", "url"), "--fields, --bom and --manifest are for rows"),
        (("-o", "{tmp}/x.wacz", "--since", "2099-01-01"), "nothing to package"),
    ],
)
def test_what_cannot_be_packaged_is_one_line(
    db: Path, tmp_path: Path, extra: tuple[str, ...], message: str
) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in extra]
    result = run("export", "--db", str(db), "--format", "wacz", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("archiver: error: ")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "x.wacz").exists()
    assert not list(tmp_path.glob(".wacz-*")) and not list(tmp_path.glob(".x.wacz.*"))


def test_kind_attachment_packages_the_attached_files_only(db: Path, tmp_path: Path) -> None:
    files = {
        url for (url,) in rows(db, "SELECT url FROM attachment_files WHERE warc_file IS NOT NULL")
    }
    assert files
    wacz = tmp_path / "files.wacz"

    result = run("export", "--db", str(db), "--format", "wacz", "-o", str(wacz),
                 "--kind", "attachment")  # fmt: skip

    assert result.exit_code == 0, result.output
    assert validate(wacz).returncode == 0
    assert set(package_responses(wacz)) == files
    assert pages(wacz) == []
