"""End to end: a crawl killed at the wrong moment is completed by the next incremental run;
the lock covers the archive actually written, whatever names it; a full disk stops the crawl
in one line (issue 10, classes 4 and 10)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.crawling import FAST, archiver, crawl, export, stored
from tests.fixtures import REPO
from tests.mockweb import MockWeb, World, catalog, make_world
from tests.mockweb.archive import AVAILABILITY_HOST, WAYBACK_HOST
from tests.mockweb.bureau import JW_HOST
from tests.mockweb.world import build_world

# -- killed while the cited briefs were in flight -------------------------------------------------

#: One list, two articles a page, the articles citing briefs all after the first page: an
#: incremental run that stops after two known items never sees them again.
_PAGED = (
    ("zhxw", "综合新闻", (
        (catalog.A_TEACHING.url, catalog.A_SCIENCE.url),
        (catalog.A_SPORTS.url, catalog.A_PHOTO.url),
        (catalog.A_INTEGRITY.url, catalog.A_CONTEST.url),
        (catalog.A_TEACHERS.url, catalog.A_PARTY.url),
        (catalog.A_ORG.url, catalog.A_REVIEW.url),
        (catalog.A_SEED.url, catalog.A_JUBILEE.url),
    )),
)  # fmt: skip
STOP_AFTER_TWO = ("--set", "ARCHIVER_KNOWN_RUN=2",
                  "--start-url", "https://xww.bucea.edu.cn/zhxw/index.htm")  # fmt: skip


def paged_world() -> World:
    return build_world(catalog.ARTICLES, _PAGED, catalog.BRIEFS)


def test_briefs_in_flight_when_killed_are_fetched_by_the_next_incremental_run(
    tmp_path: Path,
) -> None:
    world = paged_world()
    with MockWeb(world) as web:
        reference = tmp_path / "reference.db"
        assert crawl(web, reference, *STOP_AFTER_TWO).returncode == 0
        expected = {r["url"]: r for r in export(web, reference)}

        for host in (JW_HOST, AVAILABILITY_HOST, WAYBACK_HOST):
            world.hold(host)  # every brief's request waits, unanswered
        db = tmp_path / "killed.db"
        proc = subprocess.Popen(
            [sys.executable, "-m", "archiver", "crawl", "--db", str(db), *FAST, *STOP_AFTER_TWO],
            env={**os.environ, **web.env()}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
            stored(db, "SELECT count(*) FROM documents WHERE kind = 'news'") == 12
            and stored(db, "SELECT count(*) FROM list_walks") == 1
        ):
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert stored(db, "SELECT count(*) FROM list_walks") == 1, "the list was walked"
        assert stored(db, "SELECT count(*) FROM documents WHERE kind = 'brief'") == 0
        world.release()

        web.clear_log()
        rerun = crawl(web, db, *STOP_AFTER_TWO)
        asked = {e.url for e in web.log}
        records = {r["url"]: r for r in export(web, db)}
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert catalog.A_SEED.url not in asked  # the list walk stopped early, as it should
    for brief in catalog.BRIEFS:
        assert records[brief.url]["status"] == expected[brief.url]["status"] == brief.status
        assert records[brief.url]["title"] == brief.title
    assert set(records) == set(expected)


# -- the lock ------------------------------------------------------------------------------------


def slow_crawl(web: MockWeb, db: Path) -> subprocess.Popen[str]:
    """A crawl of ``db`` slow enough to be running while another one tries."""
    args = ["crawl", "--db", str(db), "--set", "DOWNLOAD_DELAY=0.3",
            "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "RETRY_BACKOFF_BASE=0"]  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "archiver", *args], env={**os.environ, **web.env()},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lock = db.with_name(db.name + ".lock")
    deadline = time.monotonic() + 120
    while True:
        if held(lock):
            time.sleep(0.3)  # held on: the crawl's lock, not the command's moment of checking
            if held(lock):
                break
        assert time.monotonic() < deadline, "the crawl never took the lock"
        time.sleep(0.05)
    return proc


def held(lock: Path) -> bool:
    """True while a process holds ``lock`` (the command takes it for a moment to check that
    it is free, then the crawl takes it for the whole run)."""
    if not lock.exists():
        return False
    fd = os.open(lock, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # (releases it, if this test took it)
    return False


def test_the_lock_covers_the_archive_written_whatever_names_it(
    mockweb: MockWeb, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    (tmp_path / "link.db").symlink_to(db)
    first = slow_crawl(mockweb, db)
    first.send_signal(signal.SIGSTOP)  # holding the lock until the others have tried
    by_setting = archiver(mockweb, "crawl", "--db", str(tmp_path / "other.db"),
                          "--set", f"ARCHIVER_DB={db}", cwd=tmp_path)  # fmt: skip
    by_link = archiver(mockweb, "crawl", "--db", str(tmp_path / "link.db"), cwd=tmp_path)
    by_scrapy = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "bucea", "-s", f"ARCHIVER_DB={db}",
         "-s", "LOG_LEVEL=WARNING"],
        cwd=REPO, env={**os.environ, **mockweb.env()}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    first.send_signal(signal.SIGCONT)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    for refused, name in ((by_setting, db), (by_link, tmp_path / "link.db")):
        assert refused.returncode == 75
        assert refused.stderr.strip() == (
            f"archiver: error: another crawl is running on {name} (pid {first.pid})"
        )
    assert not (tmp_path / "other.db").exists()
    assert f"another crawl is running on {db} (pid {first.pid})" in by_scrapy.stderr
    # the refused crawls wrote nothing: no run of their own, the first not marked interrupted
    runs = archiver(mockweb, "runs", "--db", str(db), "--nl", cwd=tmp_path).stdout
    assert [json.loads(line)["outcome"] for line in runs.splitlines()] == ["ok"]


# -- a full disk ---------------------------------------------------------------------------------

_FULL_DISK = textwrap.dedent(
    """
    import json, os, subprocess, sys
    data, warc, out, full, keep, *crawl_args = sys.argv[1:]
    for mount in (data, warc):  # the archive's disk and the WARC files' disk
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount], check=True)
    db = os.path.join(data, "archive.db")
    archiver = [sys.executable, "-m", "archiver"]
    create = ("import sys; from archiver.store import Archive; "
              "Archive.open(sys.argv[1], create=True).close()")
    subprocess.run([sys.executable, "-c", create, db], check=True)
    space = os.statvfs(full)
    with open(os.path.join(full, "filler"), "wb") as filler:  # the disk fills up
        filler.write(b"x" * (space.f_bavail * space.f_frsize - int(keep)))

    def run(name, *args):
        done = subprocess.run([*archiver, *args], capture_output=True, text=True, timeout=300)
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump({"rc": done.returncode, "out": done.stdout, "err": done.stderr}, f)

    crawl = ["crawl", "--db", db, "--set", "ARCHIVER_WARC_DIR=" + warc, *crawl_args]
    run("full", *crawl)
    os.remove(os.path.join(full, "filler"))  # the archivist makes room
    run("runs", "runs", "--db", db, "--nl")
    run("again", *crawl)
    run("export", "export", "--db", db, "--format", "jsonl")
    """
)


def _can_mount_a_small_disk() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "mount", "-t", "tmpfs", "tmpfs", "/mnt"],
                           capture_output=True)  # fmt: skip
    return probe.returncode == 0


#: One batch for the whole crawl: the disk is found full by the last commit, once the crawl
#: has finished fetching.
ONE_BATCH = ("--set", "ARCHIVER_COMMIT_RECORDS=1000000", "--set", "ARCHIVER_COMMIT_SECONDS=600")


@pytest.mark.skipif(not _can_mount_a_small_disk(), reason="needs unshare -rm and tmpfs mounts")
@pytest.mark.parametrize(
    "full_disk, batches", [("warc", ()), ("data", ()), ("data", ONE_BATCH)],
    ids=["warc", "data", "data-at-the-last-commit"],
)  # fmt: skip
def test_a_full_disk_stops_the_crawl_in_one_line_and_the_next_run_completes(
    tmp_path: Path, full_disk: str, batches: tuple[str, ...]
) -> None:
    data, warc, out = tmp_path / "data", tmp_path / "warc", tmp_path / "out"
    for folder in (data, warc, out):
        folder.mkdir()
    world = make_world(n_articles=120, per_page=20)
    # the archive's disk keeps room for the lock's reserve and a little for the crawl itself
    keep = (1 << 20) + (256 << 10) if full_disk == "data" else 64 << 10
    with MockWeb(world) as web:
        done = subprocess.run(
            ["unshare", "-rm", sys.executable, "-c", _FULL_DISK, str(data), str(warc), str(out),
             str(tmp_path / full_disk), str(keep), *FAST, *batches],
            env={**os.environ, **web.env()}, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    full, runs, again, records = (
        json.loads((out / f"{name}.json").read_text())
        for name in ("full", "runs", "again", "export")
    )
    # one clear line, exit 1, no traceback, and the fault said once
    assert full["rc"] == 1, full["err"][-3000:]
    assert "Traceback" not in full["err"]
    last = full["err"].strip().splitlines()[-1]
    written = data / "archive.db" if full_disk == "data" else warc
    assert last.startswith(f"archiver: error: no space left on device (writing {written}")
    assert last.endswith("; the crawl stopped, run 1 is marked failed")
    assert full["err"].lower().count("no space left on device") == 2  # the log's line, the CLI's
    # the run is closed failed, not left running; no site was blamed
    (run,) = [json.loads(line) for line in runs["out"].splitlines()[-1:]]
    assert run["outcome"] == "failed" and run["message"].startswith(
        "stopped by a local fault: no space left on device"
    )
    assert again["rc"] == 0, again["err"][-3000:]
    exported = [json.loads(line) for line in records["out"].splitlines()]
    assert {r["url"] for r in exported if r["kind"] == "news"} == {
        a.url for a in world.expected.articles
    }
    for record in exported:
        assert not any("space" in w or "Error" in w for w in record["parse_warnings"] or []), record
