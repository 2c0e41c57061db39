"""The CDXJ index kept beside the WARC files, and the fixity check of one capture, over real
WARC files written by the archive's own writer."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archiver.webarchive.cdxj import file_index_path, index_path, update_index
from archiver.webarchive.fixity import read_digests
from archiver.webarchive.warc import CaptureRef, WarcWriter

WHEN = datetime(2026, 11, 28, 18, 3, 1, 123456, tzinfo=UTC)
HTML = "<html><body><p>北京建筑大学 新闻</p></body></html>".encode()
LIMIT = 1 << 20


def write(folder: Path, prefix: str, urls: list[str], **kwargs: object) -> list[CaptureRef]:
    """One WARC file in ``folder`` with a GET exchange of each of ``urls``."""
    with WarcWriter(folder, prefix=prefix, info={}) as writer:
        return [
            writer.write_exchange(
                url, "GET", [("Host", "example.edu.cn")], b"", 200, "OK",
                [("Content-Type", "text/html; charset=utf-8"), *kwargs.get("headers", [])],  # type: ignore[list-item]
                kwargs.get("body", HTML),  # type: ignore[arg-type]
                fetched_at=WHEN,
            )
            for url in urls
        ]  # fmt: skip


def urls_in(index: Path) -> list[str]:
    return [json.loads(line.split(" ", 2)[2])["url"] for line in index.read_text().splitlines()]


def test_no_warc_no_index(tmp_path: Path) -> None:
    assert update_index(tmp_path / "warc") is None
    assert not (tmp_path / "warc").exists()


def test_new_files_join_and_old_ones_are_not_indexed_again(tmp_path: Path) -> None:
    write(tmp_path, "a", ["https://example.edu.cn/b", "https://example.edu.cn/a"])
    assert update_index(tmp_path) == index_path(tmp_path)
    (first,) = tmp_path.glob("a-*.warc.gz")
    made = file_index_path(first).stat().st_mtime_ns

    write(tmp_path, "b", ["https://example.edu.cn/c"])
    update_index(tmp_path)

    assert urls_in(index_path(tmp_path)) == [f"https://example.edu.cn/{c}" for c in "abc"]
    assert file_index_path(first).stat().st_mtime_ns == made


def test_a_damaged_file_is_left_out_and_tried_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path, "a", ["https://example.edu.cn/a"])
    bad = tmp_path / "b-20261128T000000Z-00000.warc.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00garbage-after-a-gzip-header")

    update_index(tmp_path)

    assert urls_in(index_path(tmp_path)) == ["https://example.edu.cn/a"]
    assert not file_index_path(bad).exists()
    assert f"cannot index {bad}" in caplog.text


def test_an_intact_gzip_coded_capture_has_its_decoded_body_digest(tmp_path: Path) -> None:
    coded = gzip.compress(HTML[:20]) + gzip.compress(HTML[20:])  # two members: one body
    (ref,) = write(tmp_path, "a", ["https://example.edu.cn/a"], body=coded,
                   headers=[("Content-Encoding", "gzip")])  # fmt: skip

    found = read_digests(tmp_path, ref.warc_file, ref.offset, max_bytes=LIMIT)

    assert found.status == "intact"
    assert found.payload_sha256 == ref.payload_sha256
    assert found.body_sha256 == hashlib.sha256(HTML).hexdigest()


def test_a_body_whose_coding_cannot_be_undone_is_kept_coded(tmp_path: Path) -> None:
    (ref,) = write(tmp_path, "a", ["https://example.edu.cn/a"], body=b"not gzip at all",
                   headers=[("Content-Encoding", "gzip")])  # fmt: skip

    found = read_digests(tmp_path, ref.warc_file, ref.offset, max_bytes=LIMIT)

    assert (found.status, found.body_sha256) == ("intact", None)


@pytest.mark.parametrize(
    ("offset", "status", "detail"),
    [
        (0, "unreadable", "a warcinfo record, not a response"),
        (10**9, "missing", "is beyond the end"),
        (3, "unreadable", "no WARC record starts there"),
    ],
)
def test_a_place_with_no_response(tmp_path: Path, offset: int, status: str, detail: str) -> None:
    (ref,) = write(tmp_path, "a", ["https://example.edu.cn/a"])

    found = read_digests(tmp_path, ref.warc_file, offset, max_bytes=LIMIT)

    assert found.status == status
    assert detail in found.detail


def test_a_name_outside_the_folder_is_refused(tmp_path: Path) -> None:
    found = read_digests(tmp_path, "../archive.db", 0, max_bytes=LIMIT)
    assert found.status == "unreadable"


def test_the_index_is_the_same_once_py_wacz_is_imported(tmp_path: Path) -> None:
    """py-wacz adds warcinfo to cdxj-indexer's default records when imported: not to ours."""
    import wacz.waczindexer  # noqa: F401

    write(tmp_path, "a", ["https://example.edu.cn/a"])
    update_index(tmp_path)
    assert urls_in(index_path(tmp_path)) == ["https://example.edu.cn/a"]
