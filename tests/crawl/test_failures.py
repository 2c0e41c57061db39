"""End to end: every page a crawl asks for ends as a record or as a counted, named failure, a
good copy is never replaced by nothing, and a decompression bomb costs no memory (issue 10,
classes 3, 5 and 6).

The faulty world (``tests.mockweb.hostile.faulty_world``) adds a list of articles that fail
in every way a page can (a redirect loop, a response over the limit, a gzip bomb, a PDF, JSON,
an empty and a maintenance page, a redirect onto a page already fetched), briefs that fail
likewise, a bomb attachment, and a list that is a maintenance page.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

from tests.crawling import archiver, crawl, crawl_measured, export
from tests.mockweb import MockWeb, default_world
from tests.mockweb.hostile import (
    A_GOOD,
    BRIEF_BOMB,
    BRIEF_LOOP,
    BRIEF_MOVED,
    FAILING_ARTICLES,
    FAULTY_LIST,
    FILE_BOMB,
    LOOPING_LIST,
    MAINTENANCE_HTML,
    MAINTENANCE_LIST,
    MOVED_ARTICLE,
    MOVED_TO,
    faulty_world,
)

STARTS = [
    "https://xww.bucea.edu.cn/ttxw/index.htm", "https://xww.bucea.edu.cn/zhxw/index.htm",
    FAULTY_LIST, MAINTENANCE_LIST, LOOPING_LIST,
]  # fmt: skip


def test_every_page_ends_as_a_record_or_a_named_failure(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    world = faulty_world()
    with MockWeb(world) as web:
        start = [arg for url in STARTS for arg in ("--start-url", url)]
        result, peak = crawl_measured(web, db, *start)
        records = {r["url"]: r for r in export(web, db)}
        runs = archiver(web, "runs", "--db", str(db), "--nl", cwd=tmp_path).stdout
    failed = dict(re.findall(r"ERROR: failed to fetch (\S+): (.*)", result.stderr))
    expected = {url: reason for url, reason in FAILING_ARTICLES} | {
        MAINTENANCE_LIST: "the list page lists no articles",
        LOOPING_LIST: "the list's pages loop back: it ends unwalked",
    }
    assert set(failed) == set(expected), result.stderr[-4000:]
    for url, reason in expected.items():
        assert failed[url].startswith(reason), (url, failed[url])
    # counted: the run is partial, with as many errors as failed pages, none a "skip"
    assert result.returncode == 3
    run = json.loads(runs.splitlines()[0])
    assert (run["outcome"], run["errors"]) == ("partial", len(expected))
    assert run["message"] == f"{len(expected)} page(s) failed; 1 attachment(s) not archived"
    assert "Traceback" not in result.stderr
    # none of them became a record; the list that is a maintenance page is not walked
    assert not set(expected) & set(records)
    with sqlite3.connect(db) as conn:
        walked = {url for (url,) in conn.execute("SELECT start_url FROM list_walks")}
    assert walked == set(STARTS) - {MAINTENANCE_LIST, LOOPING_LIST}
    # a redirect onto a page fetched already still gives the page asked for its record
    assert records[MOVED_ARTICLE]["title"] == MOVED_TO.title
    assert records[MOVED_TO.url]["title"] == MOVED_TO.title
    assert (records[BRIEF_MOVED.url]["status"], records[BRIEF_MOVED.url]["title"]) == (
        "live", BRIEF_MOVED.title,
    )  # fmt: skip
    # briefs whose live page fails are asked of the archive, and recorded with the reasons
    for brief, reason in ((BRIEF_BOMB, "the response decompresses to more than 4 MiB"),
                          (BRIEF_LOOP, "a redirect loop")):  # fmt: skip
        record = records[brief.url]
        assert record["status"] == "unavailable"
        assert record["parse_warnings"][0].startswith(f"live site failed: {reason}")
    assert records[A_GOOD.url]["cites"] == [c.url for c in A_GOOD.cites]
    assert (
        f"attachment not archived {FILE_BOMB}: the response decompresses to more than 100 MiB"
    ) in result.stderr
    # three 900 MiB bombs, decoded no further than the limits
    assert peak < 400 * 2**20, f"peak memory {peak / 2**20:.0f} MiB"


def test_a_good_copy_is_never_replaced_by_nothing(tmp_path: Path) -> None:
    world = default_world()
    db = tmp_path / "archive.db"
    articles = world.expected.articles
    maintenance, empty, pdf, json_page, no_body = (articles[i] for i in (2, 3, 4, 5, 10))
    live = next(b for b in world.expected.briefs if b.status == "live")
    with MockWeb(world) as web:
        assert crawl(web, db).returncode == 0
        before = {r["url"]: r for r in export(web, db)}
        serve = {
            maintenance.url: (MAINTENANCE_HTML, "text/html; charset=utf-8"),
            empty.url: (b"", "text/html"),
            pdf.url: (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "application/pdf"),
            json_page.url: (b'{"error": "maintenance"}', "application/json"),
            live.url: (MAINTENANCE_HTML, "text/html; charset=utf-8"),
        }
        for url, (body, kind) in serve.items():
            web.set_page(urlsplit(url).hostname or "", urlsplit(url).path, body, kind)
        host, path = urlsplit(no_body.url).hostname or "", urlsplit(no_body.url).path
        page = world.page(host, path)
        assert page is not None
        emptied = re.sub(rb'(<div class="m-content" id="art">).*?(</div>)', rb"\1\2",
                         page.body, flags=re.S)  # fmt: skip
        web.set_page(host, path, emptied)
        result = crawl(web, db)
        after = {r["url"]: r for r in export(web, db)}
    assert result.returncode == 3, result.stderr[-3000:]
    assert "partial (5 page(s) failed)" in result.stdout
    assert "news      0 new, 0 updated" in result.stdout
    for fact in (maintenance, empty, pdf, json_page):
        assert f"ERROR: failed to fetch {fact.url}: " in result.stderr
    assert (
        f"ERROR: failed to store {no_body.url}: the new copy has no body; the stored copy is kept"
    ) in result.stderr
    # the stored copies are as they were, the live brief still live
    for url, record in before.items():
        kept = after[url]
        assert (kept["title"], kept["body"], kept["version"]) == (
            record["title"], record["body"], record["version"],
        ), url  # fmt: skip
    assert after[live.url]["status"] == "live"
