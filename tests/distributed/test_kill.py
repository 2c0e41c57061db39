"""Done means (issue 9): a local web of several sites crawled by one ``archiver crawl --redis``
and two ``archiver worker`` processes, one worker killed with SIGKILL mid-crawl and the writer
killed once and restarted, gives the archive a one-process crawl of the same web gives: the
same URLs, the same body hashes, no duplicates, nothing missing, and valid WARC files that hold
every record's capture."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import redis
from warcio.archiveiterator import ArchiveIterator

from tests.crawling import FAST, crawl, export, stored
from tests.mockweb import MockWeb, World
from tests.mockweb.families import family_world
from tests.redisserver import redis_server

#: A short lease, so that the killed worker's requests come back within the test.
LEASE = ("--set", "ARCHIVER_REDIS_LEASE=3")
#: Settings every process takes from the writer: one request at a time each (so that every
#: process, each worker included, takes its share of the work, however fast the writer, which
#: fetches too, is) and a site's delay (the crawl lasts some seconds).
PACED = ("--set", "CONCURRENT_REQUESTS=1", "--set", "DOWNLOAD_DELAY=0.2")


def start_urls(world: World) -> list[str]:
    sites = world.expected.family_sites.values()
    return [*world.expected.start_urls, *(site.start_url for site in sites)]


def wait_for(what: str, check: Any, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def start(web: MockWeb, args: list[str], cwd: Path, name: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, **web.env()}
    env.pop("ARCHIVER_DB", None)
    out = (cwd / f"{name}.out").open("wb")
    err = (cwd / f"{name}.err").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "archiver", *args], cwd=cwd, env=env, stdout=out, stderr=err
    )


def documents(db: Path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT url, kind, sha256 FROM documents").fetchall()
        files = conn.execute("SELECT url, 'file', sha256 FROM attachment_files").fetchall()
    found = {url: (kind, sha) for url, kind, sha in rows + files}
    assert len(found) == len(rows) + len(files)  # no URL twice
    return found


def captures(db: Path) -> list[tuple[str, str, int, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT url, warc_file, warc_offset, warc_payload_sha256 FROM documents "
            "WHERE warc_file IS NOT NULL UNION ALL "
            "SELECT url, warc_file, warc_offset, warc_payload_sha256 FROM attachment_files "
            "WHERE warc_file IS NOT NULL"
        ).fetchall()


def crawl_with_kills(
    world: World,
    url: str,
    folder: Path,
    writer_args: list[str],
    web: MockWeb,
    workers: list[subprocess.Popen[bytes]],
    writer: subprocess.Popen[bytes],
    expected_code: int,
) -> None:
    """Kill worker a (``workers[0]``) and the writer mid-crawl, restart the writer, let the
    crawl end."""
    db = folder / "archive.db"
    wait_for("some records", lambda: stored(db, "SELECT count(*) FROM documents") >= 8)
    # worker a has done work of its own (a capture), so killing it loses something to recover
    wait_for("worker a's captures", lambda: any((folder / "warc-a").glob("archiver-a-*.warc.gz")))

    # every site stops answering: every process holds requests in flight, none is writing
    hosts = list(world._pages) + list(world._apps)
    for host in hosts:
        world.hold(host)
    server = redis.Redis.from_url(url)
    wait_for("leased requests", lambda: server.zcard("archiver:frontier:leased") >= 3)
    time.sleep(1)
    workers[0].send_signal(signal.SIGKILL)
    writer.send_signal(signal.SIGKILL)
    workers[0].wait(timeout=10)
    writer.wait(timeout=10)
    assert stored(db, "SELECT count(*) FROM crawl_runs WHERE outcome = 'running'") == 1

    writer = start(web, writer_args, folder, "writer-again")
    workers.append(writer)  # stopped by the test if it fails
    time.sleep(2)
    world.release()
    assert writer.wait(timeout=240) == expected_code, (folder / "writer-again.err").read_text()
    assert workers[1].wait(timeout=60) == 0, (folder / "b.err").read_text()[-3000:]


def test_killed_worker_and_writer_lose_nothing_and_store_nothing_twice(tmp_path: Path) -> None:
    world = family_world()
    urls = [arg for url in start_urls(world) for arg in ("--start-url", url)]
    with MockWeb(world) as web, redis_server(tmp_path / "redis") as url:
        reference = tmp_path / "one" / "archive.db"
        reference.parent.mkdir()
        one = crawl(web, reference, *urls)
        assert one.returncode in (0, 3), one.stderr
        expected = documents(reference)
        assert len(expected) > 30

        folder = tmp_path / "many"
        folder.mkdir()
        db = folder / "archive.db"
        writer_args = ["crawl", "--db", str(db), "--redis", url, *FAST, *LEASE, *PACED, *urls,
                       "-v"]  # fmt: skip
        workers = [
            start(web, ["worker", "--redis", url, "--name", name, "--warc-dir",
                        str(folder / f"warc-{name}"), "-v"], folder, name)
            for name in ("a", "b")
        ]  # fmt: skip
        # the sites answer once both workers are fetching, so that both take work
        hosts = list(world._pages) + list(world._apps)
        for host in hosts:
            world.hold(host)
        writer = start(web, writer_args, folder, "writer")
        processes = [*workers, writer]
        try:
            for name in ("a", "b"):
                log = folder / f"{name}.err"
                wait_for(f"worker {name}", lambda log=log: b"Spider opened" in log.read_bytes())
            world.release()
            code = one.returncode
            crawl_with_kills(world, url, folder, writer_args, web, processes, writer, code)
        finally:
            for proc in processes:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()

    # the archive is the one-process crawl's: same URLs, same bytes, each once
    got = documents(db)
    assert sorted(got) == sorted(expected)
    assert got == expected
    with sqlite3.connect(db) as conn:
        runs = conn.execute("SELECT outcome, news_new, briefs_new FROM crawl_runs").fetchall()
    with sqlite3.connect(reference) as conn:
        (ref_run,) = conn.execute("SELECT outcome, news_new, briefs_new FROM crawl_runs").fetchall()
    assert runs == [ref_run]  # one run, resumed by the restarted writer, with the same counts

    # the WARC files of every process are valid, and hold every record's own capture
    folders = [db.parent / "warc", folder / "warc-a", folder / "warc-b"]
    files = {path.name: path for f in folders for path in f.glob("*.warc.gz")}
    assert any(name.startswith("archiver-a-") for name in files)
    assert any(name.startswith("archiver-b-") for name in files)
    for path in files.values():
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, check_digests="raise"):
                record.content_stream().read()
    for page_url, warc_file, offset, payload_sha256 in captures(db):
        with files[warc_file].open("rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)))
            assert record.rec_type == "response", page_url
            payload = record.raw_stream.read()
            assert hashlib.sha256(payload).hexdigest() == payload_sha256, page_url

    # the records export as the one-process crawl's do, but for when they were fetched and
    # the order of their sections (the order the lists listing a page were read in)
    def comparable(records: list[dict[str, Any]]) -> dict[str, str]:
        skip = {"fetched_at", "first_seen_at", "changed_at", "checked_at", "run_id",
                "warc_file", "warc_offset"}  # fmt: skip
        kept = [{k: v for k, v in r.items() if k not in skip} for r in records]
        for r in kept:
            r["sections"] = sorted(r["sections"]) if r.get("sections") else r.get("sections")
        return {r["url"]: json.dumps(r, sort_keys=True) for r in kept}

    assert comparable(export({}, db)) == comparable(export({}, reference))
