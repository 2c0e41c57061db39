"""The CDXJ lines the writer keeps as it writes are those ``cdxj-indexer`` writes when it
reads the file back: the crawl saves each file's index on closing it and never re-reads it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from archiver.webarchive.cdxj import file_index_path, index_path, index_warc, update_index
from archiver.webarchive.warc import WarcWriter

WHEN = datetime(2026, 11, 28, 18, 3, 1, 123456, tzinfo=UTC)
HTML = "<html><body><p>北京建筑大学 新闻</p></body></html>".encode()

#: (url, status, reason, response headers, body): the cases an index line depends on
EXCHANGES = [
    ("https://xww.bucea.edu.cn/ttxw/1.htm", 200, "OK",
     [("Content-Type", "text/html; charset=utf-8")], HTML),
    ("https://XWW.bucea.edu.cn:443/ttxw/index.htm?page=2&a=b#top", 200, "OK",
     [("content-type", "TEXT/HTML;charset=GBK")], HTML),
    ("https://xww.bucea.edu.cn/files/%E9%80%9A%E7%9F%A5.pdf", 200, "OK",
     [("Content-Type", "application/pdf")], b"%PDF-1.4 " * 50),
    ("http://jw.beijing.gov.cn/no-type", 200, "OK", [], HTML),
    ("http://jw.beijing.gov.cn/empty-type", 200, "OK", [("Content-Type", "")], HTML),
    ("http://jw.beijing.gov.cn/odd-type", 200, "OK", [("Content-Type", " ; charset=x")], HTML),
    ("http://jw.beijing.gov.cn/gone", 404, "Not Found", [("Content-Type", "text/html")], b"gone"),
    ("http://jw.beijing.gov.cn/same", 304, "Not Modified", [], b""),
    ("http://jw.beijing.gov.cn/a%20b?q=%E4%B8%AD", 200, "OK", [("Content-Type", "text/plain")],
     b"x"),
]  # fmt: skip


def write(folder: Path, max_bytes: int = 1 << 30) -> list[str]:
    with WarcWriter(folder, info={}, max_bytes=max_bytes) as writer:
        for url, status, reason, headers, body in EXCHANGES:
            writer.write_exchange(
                url, "GET", [("Host", "example.edu.cn")], b"", status, reason, headers, body,
                fetched_at=WHEN,
            )  # fmt: skip
            writer.write_failure(url + "-failed", "DNSLookupError", WHEN)
        return writer.files


def test_the_writers_lines_are_cdxj_indexers(tmp_path: Path) -> None:
    (name,) = write(tmp_path)
    warc = tmp_path / name
    read_back = tmp_path / "read-back.cdxj"
    index_warc(warc, read_back)

    kept = file_index_path(warc).read_text(encoding="utf-8")

    assert kept == read_back.read_text(encoding="utf-8")
    assert len(kept.splitlines()) == len(EXCHANGES)
    assert file_index_path(warc).stat().st_mtime_ns >= warc.stat().st_mtime_ns


def test_each_rotated_file_has_its_index_and_none_is_read_again(tmp_path: Path) -> None:
    names = write(tmp_path, max_bytes=1)  # a new file for every exchange and every failure
    assert len(names) == 2 * len(EXCHANGES)
    made = {name: file_index_path(tmp_path / name).stat().st_mtime_ns for name in names}

    update_index(tmp_path)

    for name in names:  # current already: kept as written
        assert file_index_path(tmp_path / name).stat().st_mtime_ns == made[name]
        read_back = tmp_path / f"{name}.read-back"
        index_warc(tmp_path / name, read_back)
        assert file_index_path(tmp_path / name).read_text() == read_back.read_text()
    merged = index_path(tmp_path).read_text().splitlines()
    assert merged == sorted(merged) and len(merged) == len(EXCHANGES)
