"""End to end: every failure and every change is kept per run; `archiver runs show` reports
them; a known failure does not make a run partial, a new one does; `crawl --quiet` is silent
when all is well and prints the report when something needs a look (issue 13)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.crawling import archiver, crawl
from tests.mockweb import MockWeb, World, catalog
from tests.mockweb.facts import ArticleFact


def where(article: ArticleFact) -> tuple[str, str]:
    parts = urlsplit(article.url)
    return parts.hostname or "", parts.path


def failure_row(db: Path, url: str) -> dict[str, Any]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("SELECT * FROM failures WHERE url = ?", [url]).fetchone())


def report(web: MockWeb, db: Path, *run: str) -> dict[str, Any]:
    shown = archiver(web, "runs", "show", *run, "--db", str(db), "--json", cwd=db.parent)
    assert shown.returncode == 0, shown.stderr
    return dict(json.loads(shown.stdout))


def urls(entries: list[dict[str, Any]]) -> set[str]:
    return {entry["url"] for entry in entries}


def test_failures_and_changes_are_kept_and_reported_run_by_run(
    mockweb: MockWeb, world: World, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    dead, broken = catalog.A_SPORTS, catalog.A_PHOTO  # never archived; fails in run 3
    edited, withdrawn = catalog.A_TEACHING, catalog.A_SCIENCE
    original = world.page(*where(dead))
    assert original is not None
    mockweb.remove_page(*where(dead))

    # run 1: a new failure, the run is partial
    first = crawl(mockweb, db)
    assert first.returncode == 3, first.stderr[-3000:]
    assert "1 page(s) failed" in first.stdout
    row = failure_row(db, dead.url)
    assert (row["reason"], row["kind"], row["attempts"], row["run_id"]) == (
        "HTTP 404", "news", 1, 1,
    )  # fmt: skip
    assert row["resolved_at"] is None
    one = report(mockweb, db, "1")
    assert one["run"]["outcome"] == "partial"
    assert [(f["url"], f["reason"]) for f in one["failed"]] == [(dead.url, "HTTP 404")]
    assert one["still failing"] == []
    assert len(one["new"]) == 11 + 2  # every other article, the live briefs
    assert {e["kind"] for e in one["recovered"]} == {"brief"} and one["recovered"]
    assert all(e["title"] for e in one["new"] if e["kind"] == "news")

    # run 2, quiet: the same page fails the same way: known, reported, no reason to mail
    second = crawl(mockweb, db, "--quiet")
    assert (second.returncode, second.stdout, second.stderr) == (0, "", "")
    row = failure_row(db, dead.url)
    assert (row["attempts"], row["run_id"], row["first_run_id"]) == (2, 2, 1)
    assert row["first_seen"] <= row["last_seen"]
    two = report(mockweb, db)  # the last run
    assert two["run"]["id"] == 2
    assert (two["run"]["outcome"], two["run"]["errors"], two["run"]["still_failing"]) == (
        "ok", 1, 1,
    )  # fmt: skip
    assert two["failed"] == []
    assert [(f["url"], f["reason"], f["first_run"]) for f in two["still failing"]] == [
        (dead.url, "HTTP 404", 1)
    ]

    # run 3, quiet: a new failure beside the known one: partial, and the report is printed
    mockweb.set_page(*where(broken), b"<html>oops</html>", status=500)
    third = crawl(mockweb, db, "--quiet")
    assert third.returncode == 3, third.stderr[-3000:]
    assert third.stderr == ""
    text = third.stdout
    assert text.startswith("crawl run 3: partial (1 page(s) failed; 1 page(s) still failing")
    assert f"failed (new failures): 1\n  news   {broken.url}" in text
    assert "HTTP 500" in text
    assert f"still failing (known failures, as in earlier runs): 1\n  news   {dead.url}" in text
    assert "(failing since run 1," in text

    # run 4: the dead page is back (new, resolved), one page changed, one withdrawn
    mockweb.set_page(*where(dead), original.body)
    page = world.page(*where(edited))
    assert page is not None
    paragraph = edited.paragraphs[0]
    mockweb.set_page(
        *where(edited), page.body.replace(paragraph.encode(), (paragraph + "（更新）").encode())
    )
    mockweb.remove_page(*where(withdrawn))
    fourth = crawl(mockweb, db)
    assert fourth.returncode == 0, fourth.stderr[-3000:]  # the broken page fails as before
    four = report(mockweb, db, "4")
    assert urls(four["new"]) == {dead.url}
    assert urls(four["changed"]) == {edited.url}
    assert urls(four["withdrawn"]) == {withdrawn.url}
    assert urls(four["resolved"]) == {dead.url}
    assert urls(four["still failing"]) == {broken.url} and four["failed"] == []
    assert failure_row(db, dead.url)["resolved_at"] is not None
    # an older run's report is kept as it was
    assert urls(report(mockweb, db, "3")["failed"]) == {broken.url}
    shown = archiver(mockweb, "runs", "show", "4", "--db", str(db), cwd=tmp_path).stdout
    assert f"changed: 1\n  news   {edited.url}  {edited.title}" in shown
    assert f"withdrawn (404/410; the last copy kept): 1\n  news   {withdrawn.url}" in shown
    listed = archiver(mockweb, "runs", "--db", str(db), cwd=tmp_path).stdout.splitlines()
    assert [line.split()[2] for line in listed] == ["ok", "partial", "ok", "partial"]
