"""The WARC writer in a process of its own: the same records, in the order given; its errors
raised in the crawl's process; gone, with whole records, when the crawl's process is killed."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.webarchive.cdxj import file_index_path
from archiver.webarchive.warc import WarcWriter, read_capture
from archiver.webarchive.warc_process import WriterProcess
from tests.warc_tools import warcio_cli

WHEN = datetime(2026, 11, 28, 18, 3, 1, 123456, tzinfo=UTC)
HTML = "<html><body><p>北京建筑大学 新闻</p></body></html>".encode()
REPO = Path(__file__).resolve().parents[3]


def exchange_args(i: int) -> tuple[tuple[object, ...], dict[str, object]]:
    url = f"https://xww.bucea.edu.cn/a/{i}.htm"
    headers = [("Content-Type", "text/html; charset=utf-8")]
    return (url, "GET", [("Host", "xww.bucea.edu.cn")], b"", 200, "OK", headers, HTML * i), {
        "fetched_at": WHEN
    }


def test_the_process_writes_what_it_is_given_in_order(tmp_path: Path) -> None:
    process = WriterProcess(WarcWriter(tmp_path, info={"robots": "obey"}, max_bytes=3000))
    futures = [
        process.submit("write_exchange", *a, **k) for a, k in map(exchange_args, range(1, 9))
    ]
    failed = process.submit("write_failure", "https://xww.bucea.edu.cn/gone", "DNS", WHEN)
    refs = [f.result(timeout=60) for f in futures]
    assert failed.result(timeout=60).startswith("<urn:uuid:")
    process.close()

    for i, ref in enumerate(refs, start=1):  # each capture where its reference says
        capture = read_capture(tmp_path, ref)
        assert (capture.url, capture.body) == (f"https://xww.bucea.edu.cn/a/{i}.htm", HTML * i)
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert [ref.warc_file for ref in refs] == sorted(ref.warc_file for ref in refs)
    assert len(files) > 1  # rotated by size, in the process
    assert warcio_cli("check", *map(str, files)).returncode == 0
    for warc in files:  # every file closed, with its index
        assert file_index_path(warc).exists()


def test_the_first_error_is_raised_for_that_call_and_every_later_one(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    process = WriterProcess(WarcWriter(not_a_folder / "warc", info={}))
    args, kwargs = exchange_args(1)
    first = process.submit("write_exchange", *args, **kwargs)
    with pytest.raises(OSError) as raised:
        first.result(timeout=60)
    assert raised.value.errno == errno.ENOTDIR
    again = process.submit("write_exchange", *args, **kwargs)
    with pytest.raises(OSError) as raised_again:
        again.result(timeout=60)
    assert raised_again.value.errno == errno.ENOTDIR
    process.close()  # nothing was opened: nothing to close


def test_a_process_that_died_is_an_io_error_of_the_warc_folder(tmp_path: Path) -> None:
    process = WriterProcess(WarcWriter(tmp_path, info={}))
    args, kwargs = exchange_args(1)
    process.submit("write_exchange", *args, **kwargs).result(timeout=60)
    (writer,) = _children(os.getpid())
    os.kill(writer, signal.SIGKILL)
    time.sleep(0.5)
    later = process.submit("write_exchange", *args, **kwargs)
    with pytest.raises(OSError) as raised:
        later.result(timeout=60)
    assert raised.value.errno == errno.EIO
    assert "the WARC writer's process stopped" in str(raised.value)
    with pytest.raises(OSError):
        process.close()


def test_killed_with_the_crawl_it_leaves_whole_records(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import os, sys, time
        from datetime import UTC, datetime
        from pathlib import Path
        from archiver.webarchive.warc import WarcWriter
        from archiver.webarchive.warc_process import WriterProcess
        process = WriterProcess(WarcWriter(Path({str(tmp_path)!r}), info={{}}))
        body = os.urandom(200_000)  # gzip gains nothing: the writing takes a while
        for i in range(400):
            process.submit("write_exchange", f"https://xww.bucea.edu.cn/{{i}}.htm", "GET", [],
                           b"", 200, "OK", [], body, fetched_at=datetime.now(UTC))
        print("queued", flush=True)
        time.sleep(60)
    """)
    crawl = subprocess.Popen(
        [sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    assert crawl.stdout is not None
    assert crawl.stdout.readline().strip() == "queued"
    (writer,) = _children(crawl.pid)
    deadline = time.monotonic() + 60
    while _written(tmp_path) < 4_000_000 and time.monotonic() < deadline:  # 20 exchanges
        time.sleep(0.05)
    crawl.send_signal(signal.SIGKILL)
    crawl.wait(timeout=10)

    deadline = time.monotonic() + 10
    while _alive(writer) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(writer), "the writer's process outlived the crawl"
    (warc,) = tmp_path.glob("*.warc.gz")
    with warc.open("rb") as stream:  # whole records only: the file reads to its end
        kinds = [record.rec_type for record in ArchiveIterator(stream)]
    assert kinds[0] == "warcinfo" and 0 < kinds.count("response") < 400
    assert kinds.count("request") == kinds.count("response")
    assert warcio_cli("check", str(warc)).returncode == 0


def _written(folder: Path) -> int:
    return sum(warc.stat().st_size for warc in folder.glob("*.warc.gz"))


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started with multiprocessing's ``spawn`` (not its resource
    tracker)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in map(int, (task / "children").read_text().split()):
            command = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"spawn_main" in command and _alive(child):
                found.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
