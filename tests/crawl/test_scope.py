"""End to end: a crawl fetches nothing out of its scope, however a page, a redirect, a
robots.txt or a web-archive capture points outside it; and a name that resolves to this
machine is refused after resolution (issue 10, class 1).

The hostile world (``tests.mockweb.hostile``) serves every trap address, so a request to one
would be in the mock web's log, a WARC file and the archive.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.crawling import FAST, crawl, export
from tests.mockweb import MockWeb
from tests.mockweb.hostile import (
    A_TRAP,
    BRIEF_MOE,
    BRIEF_TRAP_CAPTURE,
    BRIEF_TRAP_REDIRECT,
    BRIEF_TRAP_REFRESH,
    TRAP_ATTACHMENTS,
    TRAP_HOSTS,
    TRAP_IMAGES,
    TRAP_REDIRECT_FILE,
    hostile_world,
)


def warc_hosts(folder: Path) -> set[str]:
    """The hosts of every record's target in the WARC files of ``folder``."""
    hosts = set()
    for path in folder.glob("*.warc.gz"):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                target = record.rec_headers.get_header("WARC-Target-URI")
                if target:
                    hosts.add(urlsplit(target).hostname or "")
    return hosts


def test_nothing_out_of_scope_is_fetched_and_every_refusal_is_named(tmp_path: Path) -> None:
    world = hostile_world()
    db = tmp_path / "archive.db"
    with MockWeb(world) as web:
        result = crawl(web, db, "--images")
        records = {r["url"]: r for r in export(web, db)}
        asked = {e.host for e in web.log}
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    # not one request to a trap, whatever led there: a link, a redirect, robots.txt, the archive
    assert asked & TRAP_HOSTS == set()
    assert warc_hosts(tmp_path / "warc") & TRAP_HOSTS == set()
    with sqlite3.connect(db) as conn:
        files = {url for (url,) in conn.execute("SELECT url FROM attachment_files")}
    trap_files = [url for url, _ in TRAP_ATTACHMENTS] + [TRAP_REDIRECT_FILE, *TRAP_IMAGES]
    assert files & set(trap_files) == set()
    # the page still says what it links to; each refusal is a line naming the file and why
    assert records[A_TRAP.url]["attachments"] == list(A_TRAP.attachments)
    for url in trap_files:
        assert f"attachment not archived {url}: refused" in result.stderr, url
    assert f"{len(trap_files)} attachment(s) not archived" in result.stdout
    assert (
        f"attachment not archived {TRAP_REDIRECT_FILE}: refused a redirect to "
        "http://169.254.169.254/latest/meta-data/: 169.254.169.254 is an IP address: "
        "a link-local address"
    ) in result.stderr


def test_a_brief_or_capture_that_redirects_out_of_scope_is_recorded_unavailable(
    tmp_path: Path,
) -> None:
    db = tmp_path / "archive.db"
    with MockWeb(hostile_world()) as web:
        assert crawl(web, db).returncode == 0
        briefs = {r["url"]: r for r in export(web, db, "--kind", "brief")}
    for trap in (BRIEF_TRAP_REDIRECT, BRIEF_TRAP_REFRESH):  # a 302, a meta refresh
        redirected = briefs[trap.url]
        assert redirected["status"] == "unavailable"
        assert redirected["parse_warnings"][0].startswith(
            "live site failed: refused a redirect to http://169.254.169.254/latest/meta-data/"
        )
    captured = briefs[BRIEF_TRAP_CAPTURE.url]
    assert captured["status"] == "unavailable" and captured["title"] is None
    assert captured["parse_warnings"][1].startswith(
        "web archive failed: refused a redirect to http://10.0.0.5/brief.html: 10.0.0.5 is an "
        "IP address: a private network address"
    )
    # a robots.txt that redirects to this machine is no robots.txt; the brief is read live
    assert (briefs[BRIEF_MOE.url]["status"], briefs[BRIEF_MOE.url]["title"]) == (
        "live", BRIEF_MOE.title,
    )  # fmt: skip


def _name_of_this_machine() -> str:
    """A name (not ``localhost``) that resolves to an address of this machine or its private
    network, which the crawl must refuse after resolving it; skip where there is none."""
    name = socket.gethostname()
    try:
        address = socket.gethostbyname(name)
    except OSError:
        pytest.skip(f"this machine's name {name!r} does not resolve")
    import ipaddress

    if ipaddress.ip_address(address).is_global:
        pytest.skip(f"{name} resolves to a public address")
    return name


def test_a_name_resolving_to_this_machine_is_refused_after_resolution(tmp_path: Path) -> None:
    name = _name_of_this_machine()
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.pop("ARCHIVER_DB", None)
    with MockWeb() as web:  # reached straight, not as a proxy: the crawler resolves the name
        start = f"http://{name}:{web.port}/ttxw/index.htm"
        args = [sys.executable, "-m", "archiver", "crawl", "--db", str(tmp_path / "a.db"),
                "--start-url", start, *FAST]  # fmt: skip
        refused = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
        reached_before = len(web.log)
        allowed = subprocess.run(
            [*args[:5], str(tmp_path / "b.db"), *args[6:],
             "--set", "ARCHIVER_ALLOWED_NETWORKS=127.0.0.0/8,10.0.0.0/8,172.16.0.0/12,"
             "192.168.0.0/16"],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        reached_after = len(web.log)
    assert refused.returncode == 1, refused.stderr[-2000:]
    assert reached_before == 0  # not even robots.txt
    assert f"refused to connect: {name} resolves to " in refused.stderr
    assert f"failed to fetch {start}: refused: {name} resolves to " in refused.stderr
    # an archivist's own network, named, is reachable
    assert reached_after > 0, allowed.stderr[-2000:]
