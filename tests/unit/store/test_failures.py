"""Failures kept across runs, known and new, resolved; what each run changed; ``runs show``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.store import Archive
from archiver.store.failures import reason_kind
from tests.clirunner import run

URL = "https://xww.bucea.edu.cn/zhxw/1.htm"
OTHER = "https://xww.bucea.edu.cn/zhxw/2.htm"


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("HTTP 404", "HTTP 4xx"),
        ("HTTP 410", "HTTP 4xx"),
        ("HTTP 503", "HTTP 5xx"),
        ("TunnelError: Could not open CONNECT tunnel with proxy 127.0.0.1:8080", "TunnelError"),
        ("DNSLookupError: DNS lookup failed: no results for hostname lookup: x.cn.",
         "DNSLookupError"),
        ("the response is larger than 4 MiB, the limit",
         "the response is larger than # MiB, the limit"),
        ("its next page https://x.cn/2.htm is off the site: the list ends unwalked",
         "its next page <url> is off the site: the list ends unwalked"),
        ("refused: 10.0.0.1 is a private address", "refused: #.#.#.# is a private address"),
        ("the list page lists no articles", "the list page lists no articles"),
    ],
)  # fmt: skip
def test_the_kind_of_a_reason_blanks_its_particulars(reason: str, kind: str) -> None:
    assert reason_kind(reason) == kind


def test_a_failure_is_kept_across_runs_with_its_attempts(archive: Archive) -> None:
    first = archive.start_run([])
    assert archive.record_failure(first, URL, "news", "HTTP 500", "2026-12-01T02:30:00Z") is False
    assert archive.record_failure(first, URL, "news", "HTTP 502", "2026-12-01T02:31:00Z") is False
    second = archive.start_run([])
    assert archive.record_failure(second, URL, "news", "HTTP 503", "2026-12-02T02:30:00Z") is True
    (row,) = archive.failures()
    assert row["reason"] == "HTTP 503" and row["attempts"] == 2
    assert (row["first_run_id"], row["run_id"]) == (first, second)
    assert (row["first_seen"], row["last_seen"]) == ("2026-12-01T02:30:00Z", "2026-12-02T02:30:00Z")
    # the second run's report: a known failure, with its reason and since when
    changes = archive.run_changes(second)
    assert changes["failed"] == []
    (known,) = changes["still failing"]
    assert (known["url"], known["reason"], known["first_run"]) == (URL, "HTTP 503", first)
    assert [e["reason"] for e in archive.run_changes(first)["failed"]] == ["HTTP 500"]


def test_another_kind_of_reason_is_a_new_failure(archive: Archive) -> None:
    archive.record_failure(archive.start_run([]), URL, "news", "HTTP 404", "2026-12-01T00:00:00Z")
    second = archive.start_run([])
    assert archive.record_failure(second, URL, "news", "HTTP 500", "2026-12-02T00:00:00Z") is False
    assert [e["url"] for e in archive.run_changes(second)["failed"]] == [URL]


def test_a_url_fetched_again_is_resolved_and_fails_anew_later(archive: Archive) -> None:
    first = archive.start_run([])
    archive.record_failure(first, URL, "list", "HTTP 500", "2026-12-01T00:00:00Z")
    archive.record_failure(first, OTHER, "news", "HTTP 500", "2026-12-01T00:00:00Z")
    assert archive.failing_urls() == {URL, OTHER}
    second = archive.start_run([])
    archive.record_failure(second, OTHER, "news", "HTTP 500", "2026-12-02T00:00:00Z")
    # a URL that failed in this very run stays failing, whatever else fetched it
    assert archive.resolve_failures(second, [URL, OTHER], "2026-12-02T00:05:00Z") == 1
    assert archive.failing_urls() == {OTHER}
    assert [(e["url"], e["kind"]) for e in archive.run_changes(second)["resolved"]] == [
        (URL, "list")
    ]
    third = archive.start_run([])
    assert archive.record_failure(third, URL, "list", "HTTP 500", "2026-12-03T00:00:00Z") is False
    row = next(r for r in archive.failures() if r["url"] == URL)
    assert (row["attempts"], row["first_run_id"], row["resolved_at"]) == (1, third, None)


def test_a_run_left_running_is_interrupted_by_the_next(archive: Archive) -> None:
    killed = archive.start_run([])
    archive.start_run([])
    run_row = archive.run(killed)
    assert run_row["outcome"] == "interrupted"
    assert run_row["message"] == "the crawl was killed (found running by the next crawl)"


def test_runs_show_reports_the_last_run_or_the_one_asked(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with Archive.open(db, create=True) as archive:
        first = archive.start_run([])
        archive.note_change(first, URL, "new", "news")
        archive.record_failure(first, OTHER, "news", "HTTP 500", "2026-12-01T00:00:00Z")
        archive.finish_run(first, "partial", {"errors": 1}, "1 page(s) failed")
        second = archive.start_run([])
        archive.finish_run(second, "ok", {}, "")
    last = json.loads(run("runs", "show", "--db", str(db), "--json").stdout)
    assert last["run"]["id"] == second and last["new"] == [] and last["failed"] == []
    shown = run("runs", "--db", str(db), "show", "1")  # the group's --db counts too
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("crawl run 1: partial (1 page(s) failed)\n")
    assert f"new: 1\n  news   {URL}\n" in shown.stdout
    assert f"failed (new failures): 1\n  news   {OTHER}  — HTTP 500\n" in shown.stdout
    listed = run("runs", "--db", str(db)).stdout.splitlines()
    assert [(line.split()[0], line.split()[2]) for line in listed] == [
        ("2", "ok"),
        ("1", "partial"),
    ]


def test_runs_show_of_no_run_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    Archive.open(db, create=True).close()
    for args, message in (
        ((), f"archiver: error: no crawl has run on {db}"),
        (("7",), f"archiver: error: no run 7 in {db}"),
    ):
        result = run("runs", "show", *args, "--db", str(db))
        assert result.exit_code == 2
        assert result.stderr.strip() == message
