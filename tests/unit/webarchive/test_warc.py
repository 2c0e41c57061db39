"""WARC captures: the writer and readers of archiver.webarchive.warc, and a crawled capture."""

from __future__ import annotations

import gzip
import http.server
import json
import os
import subprocess
import sys
import textwrap
import threading
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from archiver import __version__
from archiver.crawl.capture import WarcCaptureMiddleware, warc_dir
from archiver.webarchive.warc import (
    CaptureMismatch,
    CaptureRef,
    CaptureTooLarge,
    WarcError,
    WarcWriter,
    iter_responses,
    read_capture,
    repair,
    scan,
    warc_files,
)
from tests.warc_tools import warcio_cli

WHEN = datetime(2026, 11, 28, 18, 3, 1, 123456, tzinfo=UTC)
HTML = "<html><body><p>北京建筑大学 新闻</p></body></html>".encode()
REQUEST_HEADERS = [("Host", "xww.bucea.edu.cn"), ("User-Agent", "edu-news-archiver/test")]


def exchange(
    writer: WarcWriter,
    url: str,
    body: bytes = HTML,
    status: int = 200,
    reason: str = "OK",
    response_headers: list[tuple[str, str]] | None = None,
    **kwargs: Any,
) -> CaptureRef:
    """Write one GET exchange of ``url`` answered with ``body``."""
    headers = [("Content-Type", "text/html; charset=utf-8")]
    return writer.write_exchange(
        url, "GET", REQUEST_HEADERS, b"", status, reason,
        headers if response_headers is None else response_headers, body,
        fetched_at=WHEN, **kwargs,
    )  # fmt: skip


def records(path: Path) -> list[tuple[str, str | None, dict[str, str]]]:
    """(WARC-Type, target URI, WARC headers) of every record of ``path``."""
    with path.open("rb") as stream:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), dict(r.rec_headers.headers))
            for r in ArchiveIterator(stream)
        ]


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[WarcWriter]:
    with WarcWriter(tmp_path / "warc", info={"robots": "obey"}) as w:
        yield w


# -- writing and reading back ----------------------------------------------------------------


def test_read_capture_returns_the_exact_bytes_at_the_returned_offset(writer: WarcWriter) -> None:
    refs = [exchange(writer, f"https://xww.bucea.edu.cn/a/{i}.htm", HTML * i) for i in range(1, 4)]
    for i, ref in enumerate(refs, start=1):
        capture = read_capture(writer.folder, ref)
        assert (capture.url, capture.status, capture.body) == (
            f"https://xww.bucea.edu.cn/a/{i}.htm",
            200,
            HTML * i,
        )
        assert capture.ref == ref
        assert read_capture(writer.folder, (ref.warc_file, ref.offset)).ref == ref
    assert refs[0].fetched_at == "2026-11-28T18:03:01.123456Z"
    assert len({r.offset for r in refs}) == 3 and len(writer.files) == 1


def test_request_and_response_are_linked_and_dated(writer: WarcWriter) -> None:
    ref = exchange(writer, "https://xww.bucea.edu.cn/a.htm", ip="10.0.0.7")
    writer.close()
    info, response, request = records(writer.folder / ref.warc_file)
    assert info[0] == "warcinfo"
    assert (response[0], request[0]) == ("response", "request")
    assert request[2]["WARC-Concurrent-To"] == response[2]["WARC-Record-ID"] == ref.record_id
    for _, url, headers in (response, request):
        assert url == "https://xww.bucea.edu.cn/a.htm"
        assert headers["WARC-Date"] == "2026-11-28T18:03:01.123456Z"
        assert headers["WARC-IP-Address"] == "10.0.0.7"
        assert headers["WARC-Payload-Digest"].startswith("sha1:")
        assert headers["WARC-Block-Digest"].startswith("sha1:")


def test_gzip_body_is_stored_as_sent_and_decoded_on_read(writer: WarcWriter) -> None:
    coded = gzip.compress(HTML)
    headers = [("Content-Encoding", "gzip"), ("Content-Length", str(len(coded)))]
    ref = exchange(writer, "https://x.cn/gz", coded, response_headers=headers)
    capture = read_capture(writer.folder, ref)
    assert (capture.payload, capture.body) == (coded, HTML)
    assert ("Content-Encoding", "gzip") in capture.headers


def _brotli(data: bytes) -> bytes:
    import brotli

    return bytes(brotli.compress(data))


def _zstd(data: bytes) -> bytes:
    try:
        from compression import zstd  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        from backports import zstd  # type: ignore[no-redef,unused-ignore]
    return bytes(zstd.compress(data))


@pytest.mark.parametrize(
    ("coding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("br", _brotli),
        ("zstd", _zstd),
        ("deflate, gzip", lambda b: gzip.compress(zlib.compress(b))),
        ("x-unknown", lambda b: b"\x00" + b),  # cannot be undone: left as stored
    ],
)
def test_content_codings_are_undone_on_read(writer: WarcWriter, coding: str, encode) -> None:  # type: ignore[no-untyped-def]
    coded = encode(HTML)
    ref = exchange(writer, "https://x.cn/c", coded, response_headers=[("Content-Encoding", coding)])
    capture = read_capture(writer.folder, ref)
    assert capture.payload == coded
    assert capture.body == (coded if coding == "x-unknown" else HTML)


@pytest.mark.parametrize(
    ("headers", "decoded", "expected"),
    [
        # de-chunked by the client: Transfer-Encoding moved aside, Content-Length set
        ([("Transfer-Encoding", "chunked")], False,
         [("X-Archiver-Original-Transfer-Encoding", "chunked"), ("Content-Length", "LEN")]),
        # the caller only has the decoded body: the coding is no longer claimed
        ([("Content-Encoding", "gzip"), ("Content-Length", "20")], True,
         [("X-Archiver-Original-Content-Encoding", "gzip"), ("Content-Length", "LEN"),
          ("X-Archiver-Original-Content-Length", "20")]),
        # a truncated download keeps the length the server announced
        ([("Content-Length", "99999")], False,
         [("Content-Length", "LEN"), ("X-Archiver-Original-Content-Length", "99999")]),
        ([("Content-Length", "LEN")], False, [("Content-Length", "LEN")]),
    ],
)  # fmt: skip
def test_response_headers_describe_the_stored_body(
    writer: WarcWriter,
    headers: list[tuple[str, str]],
    decoded: bool,
    expected: list[tuple[str, str]],
) -> None:
    size = str(len(HTML))
    headers = [(n, v.replace("LEN", size)) for n, v in headers]
    ref = exchange(writer, "https://x.cn/", response_headers=headers, content_decoded=decoded)
    stored = read_capture(writer.folder, ref).headers
    assert stored == [(n, v.replace("LEN", size)) for n, v in expected]


def test_head_response_keeps_its_content_length(writer: WarcWriter) -> None:
    ref = writer.write_exchange(
        "https://x.cn/", "HEAD", REQUEST_HEADERS, b"", 200, "OK",
        [("Content-Length", "5120")], b"", fetched_at=WHEN,
    )  # fmt: skip
    assert read_capture(writer.folder, ref).headers == [("Content-Length", "5120")]


def test_non_ascii_header_bytes_are_kept(writer: WarcWriter) -> None:
    disposition = 'attachment; filename="通知.doc"'.encode("gbk").decode("latin-1")
    ref = exchange(
        writer, "https://x.cn/f", response_headers=[("Content-Disposition", disposition)]
    )
    raw = gzip.decompress((writer.folder / ref.warc_file).read_bytes()[ref.offset :][: ref.length])
    assert 'filename="通知.doc"'.encode("gbk") in raw


def test_failure_is_a_metadata_record(writer: WarcWriter) -> None:
    record_id = writer.write_failure("https://dead.bjedu.gov.cn/", "DNSLookupError:\n no", WHEN)
    writer.close()
    [(_, _, _), (kind, url, headers)] = records(writer.folder / writer.files[0])
    assert (kind, url, headers["WARC-Record-ID"]) == (
        "metadata",
        "https://dead.bjedu.gov.cn/",
        record_id,
    )


# -- rotation ------------------------------------------------------------------------------


def test_rotation_starts_each_file_with_warcinfo(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, max_bytes=1, info={"start-urls": '["https://x.cn/"]'}) as writer:
        refs = [exchange(writer, f"https://x.cn/{i}") for i in range(3)]
    names = [p.name for p in warc_files(tmp_path)]
    assert names == writer.files == [r.warc_file for r in refs]
    assert names[0].startswith(f"archiver-{writer.started:%Y%m%dT%H%M%SZ}-00000.warc.gz")
    for path in warc_files(tmp_path):
        kinds = [kind for kind, _, _ in records(path)]
        assert kinds == ["warcinfo", "response", "request"]
        with path.open("rb") as stream:
            info = next(iter(ArchiveIterator(stream))).content_stream().read().decode()
        assert f"software: edu-news-archiver/{__version__}\r\n" in info
        assert "format: WARC File Format 1.1\r\n" in info
        assert 'start-urls: ["https://x.cn/"]\r\n' in info


def test_a_writer_that_writes_nothing_leaves_no_file(tmp_path: Path) -> None:
    WarcWriter(tmp_path / "warc", info={}).close()
    assert not (tmp_path / "warc").exists()


# -- damage --------------------------------------------------------------------------------


def tamper(path: Path, ref: CaptureRef) -> None:
    """Change one byte of the body at ``ref``, re-gzipped so only the digests can tell."""
    data = path.read_bytes()
    member = gzip.decompress(data[ref.offset : ref.offset + ref.length])
    forged = gzip.compress(member.replace(b"</p>", b"</P>"))
    path.write_bytes(data[: ref.offset] + forged + data[ref.offset + ref.length :])


def test_tampering_is_detected(writer: WarcWriter) -> None:
    ref = exchange(writer, "https://x.cn/a")
    writer.close()
    tamper(writer.folder / ref.warc_file, ref)
    with pytest.raises(CaptureMismatch, match="digest"):
        read_capture(writer.folder, ref)
    with pytest.raises(CaptureMismatch):
        list(iter_responses(writer.folder))


def test_a_wrong_sha256_in_the_ref_is_detected(writer: WarcWriter) -> None:
    ref = exchange(writer, "https://x.cn/a")
    forged = CaptureRef(**(vars(ref) | {"payload_sha256": "0" * 64}))
    with pytest.raises(CaptureMismatch, match="is not the captured"):
        read_capture(writer.folder, forged)


@pytest.mark.parametrize("where", ["../etc/passwd", "nope.warc.gz"])
def test_bad_file_names_are_clear_errors(writer: WarcWriter, where: str) -> None:
    with pytest.raises(WarcError):
        read_capture(writer.folder, (where, 0))


def test_an_offset_that_is_not_a_response_is_an_error(writer: WarcWriter) -> None:
    ref = exchange(writer, "https://x.cn/a")
    with pytest.raises(WarcError, match="no response record"):
        read_capture(writer.folder, (ref.warc_file, 0))  # the warcinfo record


def test_truncated_tail_is_tolerated_and_repaired(writer: WarcWriter) -> None:
    refs = [exchange(writer, f"https://x.cn/{i}", HTML * 500) for i in range(3)]
    writer.close()
    path = writer.folder / refs[0].warc_file
    whole = path.read_bytes()
    last = refs[-1]
    # Every cut inside the last response record: as a SIGKILL mid-write would leave it.
    for cut in range(last.offset + 1, last.offset + last.length, max(1, last.length // 40)):
        path.write_bytes(whole[:cut])
        assert [c.url for c in iter_responses(writer.folder)] == [
            "https://x.cn/0",
            "https://x.cn/1",
        ]
        assert scan(path).truncated
    cut_size = path.stat().st_size
    assert repair(path) == cut_size - last.offset
    assert path.stat().st_size == last.offset and not scan(path).truncated
    assert warcio_cli("check", str(path)).returncode == 0
    assert scan(path).records == 1 + 2 * 2  # warcinfo, then a response and a request each


def test_scan_of_a_whole_file(writer: WarcWriter) -> None:
    exchange(writer, "https://x.cn/a")
    writer.close()
    path = writer.folder / writer.files[0]
    assert scan(path).truncated is False and scan(path).good_bytes == path.stat().st_size
    assert repair(path) == 0


# -- warcio's own tools ----------------------------------------------------------------------


def test_files_pass_warcio_check_and_index(tmp_path: Path) -> None:
    urls = [f"https://xww.bucea.edu.cn/zhxw/{i}.htm" for i in range(4)]
    with WarcWriter(tmp_path, max_bytes=2000, info={}) as writer:
        exchange(
            writer, urls[0], gzip.compress(HTML), response_headers=[("Content-Encoding", "gzip")]
        )
        exchange(writer, urls[1], response_headers=[("Transfer-Encoding", "chunked")])
        exchange(writer, urls[2], b"not found", status=404, reason="Not Found")
        exchange(writer, urls[3], HTML * 50)
        writer.write_failure("https://dead.example.cn/", "TimeoutError", WHEN)
    files = [str(p) for p in warc_files(tmp_path)]
    assert len(files) > 1
    check = warcio_cli("check", "-v", *files)
    assert check.returncode == 0, check.stdout
    assert "digest pass" in check.stdout
    index = warcio_cli("index", "-f", "warc-type,warc-target-uri,http:status", *files)
    assert index.returncode == 0, index.stderr
    rows = [json.loads(line) for line in index.stdout.splitlines()]
    responses = {
        r["warc-target-uri"]: r["http:status"] for r in rows if r["warc-type"] == "response"
    }
    assert responses == {urls[0]: "200", urls[1]: "200", urls[2]: "404", urls[3]: "200"}
    assert sum(r["warc-type"] == "warcinfo" for r in rows) == len(files)


# -- a real crawl through the middleware -------------------------------------------------------

PAGE = "<html><body><p>页面 {}</p></body></html>"

CRAWL_SCRIPT = textwrap.dedent(
    """
    import json, sys, warnings
    from scrapy import Request, Spider
    from scrapy.crawler import CrawlerProcess
    from scrapy.exceptions import ScrapyDeprecationWarning

    warnings.simplefilter("error", ScrapyDeprecationWarning)
    base, warc_dir, out = sys.argv[1:4]
    seen = {}

    class Probe(Spider):
        name = "probe"
        start_urls = [base + p for p in ("/page", "/gz", "/missing", "/old", "/flaky")]

        async def start(self):
            for url in self.start_urls:
                yield Request(url, meta={"handle_httpstatus_list": [404]})
            yield Request("http://127.0.0.1:9/refused", errback=self.failed)

        def parse(self, response):
            ref = response.meta["warc_capture"]
            seen[response.url] = {"ref": vars(ref), "body": response.text}

        def failed(self, failure):
            seen["refused"] = {"ref": failure.request.meta.get("warc_capture")}

    process = CrawlerProcess({
        "DOWNLOADER_MIDDLEWARES": {"archiver.crawl.capture.WarcCaptureMiddleware": 950},
        "ARCHIVER_WARC_DIR": warc_dir,
        "ROBOTSTXT_OBEY": True,
        "USER_AGENT": "edu-news-archiver/test",
        "RETRY_TIMES": 1,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
    })
    process.crawl(Probe)
    process.start()
    with open(out, "w") as f:
        json.dump(seen, f)
    """
)


class Handler(http.server.BaseHTTPRequestHandler):
    """robots.txt, a page, a gzip page, a 404, a redirect, and a 503 that works on retry."""

    protocol_version = "HTTP/1.1"
    flaky_calls = 0

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/robots.txt":
            self.reply(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        elif self.path in ("/page", "/gz", "/new"):
            body = PAGE.format(self.path).encode()
            coded = self.path == "/gz" and "gzip" in (self.headers["Accept-Encoding"] or "")
            self.reply(200, gzip.compress(body) if coded else body, gzip=coded)
        elif self.path == "/old":
            self.send_response(301)
            self.send_header("Location", "/new")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/flaky":
            Handler.flaky_calls += 1
            status = 503 if Handler.flaky_calls == 1 else 200
            self.reply(status, PAGE.format(status).encode())
        else:
            self.reply(404, b"not here", "text/plain")

    def reply(self, status: int, body: bytes, kind: str = "text/html", gzip: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        if gzip:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Handler.flaky_calls = 0
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def without_proxy() -> dict[str, str]:
    """This environment without the proxy variables: the crawl asks 127.0.0.1 itself."""
    proxies = {"http_proxy", "https_proxy", "all_proxy"}
    return {k: v for k, v in os.environ.items() if k.lower() not in proxies}


def test_crawl_writes_every_exchange(site: str, tmp_path: Path) -> None:
    warc_dir, out = tmp_path / "warc", tmp_path / "seen.json"
    done = subprocess.run(
        [sys.executable, "-c", CRAWL_SCRIPT, site, str(warc_dir), str(out)],
        capture_output=True, text=True, timeout=60, env=without_proxy(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    seen = json.loads(out.read_text())

    captures = list(iter_responses(warc_dir))
    got = [(c.url.removeprefix(site), c.status) for c in captures]
    assert sorted(got) == sorted([
        ("/robots.txt", 200), ("/page", 200), ("/gz", 200), ("/missing", 404),
        ("/old", 301), ("/new", 200), ("/flaky", 503), ("/flaky", 200),
    ])  # fmt: skip

    # what the callback saw is what the WARC holds, at the ref it was given
    for url, entry in seen.items():
        if url == "refused":
            continue
        capture = read_capture(warc_dir, CaptureRef(**entry["ref"]))
        assert capture.url == url and capture.body.decode() == entry["body"]
    assert seen["refused"]["ref"] is None

    gz = next(c for c in captures if c.url.endswith("/gz"))
    assert ("Content-Encoding", "gzip") in gz.headers
    assert gzip.decompress(gz.payload) == gz.body == PAGE.format("/gz").encode()
    assert zlib.decompress(gz.payload, 31) == gz.body

    files = warc_files(warc_dir)
    kinds = [(kind, url) for path in files for kind, url, _ in records(path)]
    requests = sorted(url.removeprefix(site) for kind, url in kinds if kind == "request" and url)
    assert requests == sorted(u for u, _ in got)
    assert ("metadata", "http://127.0.0.1:9/refused") in kinds
    with files[0].open("rb") as stream:
        robots = next(
            r.http_headers
            for r in ArchiveIterator(stream)
            if r.rec_type == "request"
            and r.rec_headers.get_header("WARC-Target-URI").endswith("/robots.txt")
        )
    # warcio reads a request line as protocol = method, statusline = the rest
    assert f"{robots.protocol} {robots.statusline}" == "GET /robots.txt HTTP/1.1"
    assert robots.get_header("User-Agent") == "edu-news-archiver/test"
    assert robots.get_header("Host") == site.removeprefix("http://")
    assert warcio_cli("check", *map(str, files)).returncode == 0


def test_capture_body_is_readable_from_bytes(tmp_path: Path) -> None:
    """A ref's offset works on the file's bytes alone: no index, no state of the writer."""
    with WarcWriter(tmp_path, info={}) as writer:
        exchange(writer, "https://x.cn/0")
        ref = exchange(writer, "https://x.cn/1", b"second")
    data = (tmp_path / ref.warc_file).read_bytes()[ref.offset :]
    record = next(iter(ArchiveIterator(BytesIO(data))))
    assert record.content_stream().read() == b"second"


# -- the middleware's settings -------------------------------------------------------------


def test_warc_dir_defaults_to_beside_the_database() -> None:
    assert warc_dir(Settings({"ARCHIVER_DB": "/srv/a/archive.db"})) == Path("/srv/a/warc")
    assert warc_dir(Settings({"ARCHIVER_WARC_DIR": "/srv/w"})) == Path("/srv/w")


def test_middleware_is_off_when_disabled() -> None:
    crawler = get_crawler(settings_dict={"ARCHIVER_WARC_ENABLED": False})
    with pytest.raises(NotConfigured):
        WarcCaptureMiddleware.from_crawler(crawler)


def test_middleware_settings(tmp_path: Path) -> None:
    crawler = get_crawler(
        settings_dict={
            "ARCHIVER_WARC_DIR": str(tmp_path),
            "ARCHIVER_WARC_MAX_BYTES": 5000,
            "ARCHIVER_BUREAU_HOSTS": ["*.bjedu.gov.cn"],
            "USER_AGENT": "edu-news-archiver/test",
        }
    )
    writer = WarcCaptureMiddleware.from_crawler(crawler).writer
    assert (writer.folder, writer.max_bytes) == (tmp_path, 5000)
    assert writer.info["bureau-hosts"] == '["*.bjedu.gov.cn"]'
    assert writer.info["http-header-user-agent"] == "edu-news-archiver/test"
    assert writer.info["robots"] == "ignore"


# -- decompression bombs ----------------------------------------------------------------------


def test_a_stored_bomb_is_never_decoded_past_the_limit(writer: WarcWriter) -> None:
    from tests.mockweb.hostile import gzip_bomb

    bomb = gzip_bomb(900)  # 0.9 MB that would be 900 MiB
    coded = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    ref = exchange(writer, "https://xww.bucea.edu.cn/bomb.htm", bomb, response_headers=coded)
    small = exchange(writer, "https://xww.bucea.edu.cn/ok.htm", gzip.compress(HTML),
                     response_headers=coded)  # fmt: skip
    writer.close()
    with pytest.raises(CaptureTooLarge, match="decodes to more than 4,194,304 bytes"):
        read_capture(writer.folder, ref, max_bytes=4 << 20)
    with pytest.raises(CaptureTooLarge):
        list(iter_responses(writer.folder, max_bytes=4 << 20))
    assert read_capture(writer.folder, small, max_bytes=4 << 20).body == HTML
    with pytest.raises(CaptureTooLarge, match="a record of .* over the limit of 1,000"):
        read_capture(writer.folder, ref, max_bytes=1000)  # stored bytes over the limit


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd"])
def test_every_coding_is_decoded_in_bounded_steps(writer: WarcWriter, coding: str) -> None:
    plain = b"<p>" + b"x" * (2 << 20) + b"</p>"
    body = _encode(coding, plain)
    coded = [("Content-Type", "text/html"), ("Content-Encoding", coding)]
    ref = exchange(writer, f"https://xww.bucea.edu.cn/{coding}.htm", body, response_headers=coded)
    writer.close()
    assert read_capture(writer.folder, ref, max_bytes=3 << 20).body == plain
    with pytest.raises(CaptureTooLarge):
        read_capture(writer.folder, ref, max_bytes=1 << 20)


def _encode(coding: str, data: bytes) -> bytes:
    if coding == "gzip":
        return gzip.compress(data)
    if coding == "deflate":
        return zlib.compress(data)
    if coding == "br":
        import brotli

        return bytes(brotli.compress(data))
    try:
        from compression import zstd  # type: ignore[import-not-found]
    except ImportError:
        from backports import zstd
    return bytes(zstd.compress(data))


def test_reparse_reads_no_bomb(tmp_path: Path) -> None:
    from archiver.records import Capture
    from archiver.reparse import reparse_archive
    from archiver.store import Archive
    from tests.factories import make_news
    from tests.mockweb.hostile import gzip_bomb

    with WarcWriter(tmp_path / "warc", info={"robots": "obey"}) as writer:
        coded = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
        ref = exchange(writer, make_news().url, gzip_bomb(900), response_headers=coded)
    with Archive.open(tmp_path / "archive.db", create=True) as archive:
        where = {"warc_file": ref.warc_file, "warc_offset": ref.offset,
                 "warc_payload_sha256": ref.payload_sha256}  # fmt: skip
        capture = Capture("2026-11-28T10:00:00Z", 200, "ab" * 32, "text/html", **where)
        archive.save_document(make_news(capture=capture))
        report = reparse_archive(archive, tmp_path / "warc")
        (row,) = archive.records()
    assert report.changed == 0 and len(report.failed) == 1
    assert "decodes to more than 4,194,304 bytes" in report.failed[0]
    assert row["body"] == make_news().body  # the record stays as it was
