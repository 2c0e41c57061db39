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
from archiver.webarchive.warc import CaptureRef, WarcWriter, read_capture
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


def answers(process: WriterProcess, calls: list[tuple[str, tuple[object, ...], dict[str, object]]]
            ) -> list[tuple[BaseException | None, object]]:  # fmt: skip
    """Send ``calls``; their outcomes, read from the pipe as an event loop would."""
    got: list[tuple[BaseException | None, object]] = []
    for method, args, kwargs in calls:
        process.call(method, args, kwargs, lambda exc, result: got.append((exc, result)))
    deadline = time.monotonic() + 60
    while len(got) < len(calls) and time.monotonic() < deadline:
        process.read_answers()
        time.sleep(0.01)
    assert len(got) == len(calls), "no answer"
    return got


def test_the_process_writes_what_it_is_given_in_order(tmp_path: Path) -> None:
    process = WriterProcess(WarcWriter(tmp_path, info={"robots": "obey"}, max_bytes=3000))
    calls = [("write_exchange", *exchange_args(i)) for i in range(1, 9)]
    failure = ("write_failure", ("https://xww.bucea.edu.cn/gone", "DNS", WHEN), {})
    *written, (no_error, record_id) = answers(process, [*calls, failure])  # type: ignore[list-item]
    process.close()

    assert no_error is None and str(record_id).startswith("<urn:uuid:")
    assert all(exc is None for exc, _ in written)
    refs = [ref for _, ref in written]

    for i, ref in enumerate(refs, start=1):  # each capture where its reference says
        capture = read_capture(tmp_path, ref)
        assert (capture.url, capture.body) == (f"https://xww.bucea.edu.cn/a/{i}.htm", HTML * i)
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert [ref.warc_file for ref in refs] == sorted(ref.warc_file for ref in refs)
    assert len(files) > 1  # rotated by size, in the process
    assert warcio_cli("check", *map(str, files)).returncode == 0
    for warc in files:  # every file closed, with its index
        assert file_index_path(warc).exists()


def test_calls_go_down_at_a_flush_and_many_are_answered_in_order(tmp_path: Path) -> None:
    process = WriterProcess(WarcWriter(tmp_path, info={}))
    got: list[tuple[BaseException | None, object]] = []
    for i in range(1, 4):
        process.call("write_exchange", *exchange_args(i), lambda e, r: got.append((e, r)))
    time.sleep(0.5)
    assert not list(tmp_path.glob("*.warc.gz"))  # queued, not sent: nothing written yet
    process.flush()
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob("*.warc.gz")) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert list(tmp_path.glob("*.warc.gz"))  # sent by the flush, without a read
    # more calls than one batch holds, sent and answered in several messages: each answer
    # reaches its own call's caller
    calls = [("write_exchange", *exchange_args(i)) for i in range(4, 60)]
    got += answers(process, calls)  # type: ignore[arg-type]
    process.close()
    refs = [ref for exc, ref in got if exc is None]
    assert len(refs) == 59
    for i, ref in enumerate(refs, start=1):
        assert isinstance(ref, CaptureRef)
        assert read_capture(tmp_path, ref).url == f"https://xww.bucea.edu.cn/a/{i}.htm"


def test_the_first_error_is_raised_for_that_call_and_every_later_one(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    process = WriterProcess(WarcWriter(not_a_folder / "warc", info={}))
    call = ("write_exchange", *exchange_args(1))
    (first, _), (again, _) = answers(process, [call, call])  # type: ignore[list-item]
    assert isinstance(first, OSError) and first.errno == errno.ENOTDIR
    assert isinstance(again, OSError) and again.errno == errno.ENOTDIR
    process.close()  # nothing was opened: nothing to close


def test_a_process_that_died_is_an_io_error_of_the_warc_folder(tmp_path: Path) -> None:
    process = WriterProcess(WarcWriter(tmp_path, info={}))
    call = ("write_exchange", *exchange_args(1))
    ((ok, _),) = answers(process, [call])  # type: ignore[list-item]
    assert ok is None
    (writer,) = _children(os.getpid())
    os.kill(writer, signal.SIGKILL)
    time.sleep(0.5)
    assert process.read_answers() is False  # said at once, no call waiting (no busy reader)
    ((later, _),) = answers(process, [call])  # type: ignore[list-item]
    assert isinstance(later, OSError) and later.errno == errno.EIO
    assert "the WARC writer's process stopped" in str(later)
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
            args = (f"https://xww.bucea.edu.cn/{{i}}.htm", "GET", [], b"", 200, "OK", [], body)
            process.call("write_exchange", args, {{"fetched_at": datetime.now(UTC)}},
                         lambda exc, result: None)
            if i == 20:
                print("sending", flush=True)
        time.sleep(60)
    """)
    crawl = subprocess.Popen(
        [sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    assert crawl.stdout is not None
    assert crawl.stdout.readline().strip() == "sending"
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


def test_what_the_process_logs_is_in_the_crawls_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # the writer's "writing WARC" line, made in the other process, reaches this process's
    # logger of the same name at the level it was made, with the answer of the call
    caplog.set_level("INFO", logger="archiver")
    process = WriterProcess(WarcWriter(tmp_path, info={}, max_bytes=3000))
    [(exc, ref)] = answers(process, [("write_exchange", *exchange_args(1))])
    assert exc is None and isinstance(ref, CaptureRef)
    process.close()
    lines = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    assert ("archiver.webarchive.warc", "INFO", f"writing WARC {tmp_path / ref.warc_file}") in lines


def test_the_process_logs_nothing_below_the_crawls_level(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("WARNING", logger="archiver")
    process = WriterProcess(WarcWriter(tmp_path, info={}))
    answers(process, [("write_exchange", *exchange_args(1))])
    process.close()
    assert not [r for r in caplog.records if r.name.startswith("archiver.webarchive")]
