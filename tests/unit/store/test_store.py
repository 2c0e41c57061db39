"""The archive against a real SQLite file: schema, upserts, sections, citations, runs."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from archiver.records import Capture, Citation
from archiver.store import Archive, ArchiveError, Filters, RefusedCopy
from tests.factories import BRIEF_URL, NEWS_URL, make_brief, make_news


def test_new_then_unchanged_then_updated(archive: Archive) -> None:
    assert archive.save_document(make_news()) == "new"
    assert archive.save_document(make_news()) == "unchanged"
    # a new capture of the same content (other bytes, later fetch) is not a change
    recaptured = make_news(capture=Capture("2026-11-29T10:00:00Z", 200, "ef" * 32))
    assert archive.save_document(recaptured) == "unchanged"
    assert archive.save_document(make_news(body="第一段\n改过的第二段")) == "updated"
    rows = list(archive.records())
    assert len(rows) == 1
    assert rows[0]["body"] == "第一段\n改过的第二段"
    assert rows[0]["fetched_at"] == "2026-11-28T10:00:00Z"
    assert rows[0]["first_seen_at"] == "2026-11-28T10:00:00Z"


def test_citation_change_counts_as_update(archive: Archive) -> None:
    archive.save_document(make_news())
    other = "https://jw.beijing.gov.cn/jyzx/jyxw/202206/t20220610_2741234.html"
    changed = make_news(cites=[Citation(BRIEF_URL, "text"), Citation(other, "link")])
    assert archive.save_document(changed) == "updated"
    assert [r["brief_url"] for r in archive.citations()] == [BRIEF_URL, other]


def test_sections_accumulate_across_saves(archive: Archive) -> None:
    archive.save_document(make_news(sections=["综合新闻"]))
    archive.add_sections(NEWS_URL, ["头条新闻"])
    archive.save_document(make_news(sections=["综合新闻"]))  # a later crawl of one section
    (row,) = archive.records()
    assert row["sections"] == ["综合新闻", "头条新闻"]


def test_records_join_cites_and_cited_by(archive: Archive) -> None:
    archive.save_document(make_news())
    archive.save_document(make_brief())
    by_url = {r["url"]: r for r in archive.records()}
    assert by_url[NEWS_URL]["cites"] == [BRIEF_URL]
    assert by_url[BRIEF_URL]["cited_by"] == [NEWS_URL]
    assert by_url[BRIEF_URL]["status"] == "archived"
    assert by_url[NEWS_URL]["attachments"] == ["https://xww.bucea.edu.cn/docs/a.doc"]
    assert by_url[NEWS_URL]["provenance"] == {"title": "h2.detail-title"}


@pytest.mark.parametrize(
    ("stored", "incoming", "outcome", "kept_status"),
    [
        ("live", "unavailable", "kept", "live"),
        ("archived", "unavailable", "kept", "archived"),
        ("live", "archived", "kept", "live"),
        ("archived", "live", "updated", "live"),
        ("unavailable", "archived", "updated", "archived"),
    ],
)
def test_a_worse_brief_never_replaces_a_better_one(
    archive: Archive, stored: str, incoming: str, outcome: str, kept_status: str
) -> None:
    archive.save_document(make_brief(stored))
    # a worse one is kept out even when it would lose nothing (its body is empty here)
    incoming_brief = make_brief(incoming, body="" if outcome == "kept" else "简报正文")
    assert archive.save_document(incoming_brief) == outcome
    (row,) = archive.records(Filters(kind="brief"))
    assert row["status"] == kept_status


def test_filters_by_kind_and_date(archive: Archive) -> None:
    archive.save_document(make_news())
    archive.save_document(make_news(url=NEWS_URL + "?2", published="2022-06-10T09:30+08:00"))
    archive.save_document(make_brief())
    assert [r["url"] for r in archive.records(Filters(kind="news", since="2022-06-10"))] == [
        NEWS_URL + "?2"
    ]
    assert len(list(archive.records(Filters(until="2011-04-11")))) == 2


def test_runs_and_interrupted_runs(archive: Archive) -> None:
    first = archive.start_run(["https://xww.bucea.edu.cn/ttxw/index.htm"])
    second = archive.start_run([])  # the first was never finished: it was killed
    archive.finish_run(second, "ok", {"news_new": 3})
    runs = {r["id"]: r for r in archive.runs()}
    assert runs[first]["outcome"] == "interrupted"
    assert runs[second]["outcome"] == "ok"
    assert runs[second]["news_new"] == 3


def test_stats(archive: Archive) -> None:
    archive.save_document(make_news())
    archive.save_document(make_brief())
    stats = archive.stats()
    assert stats["kind"] == {"brief": 1, "news": 1}
    assert stats["section"] == {"综合新闻": 1}
    assert stats["year"] == {"2011": 1}
    assert stats["brief_status"] == {"archived": 1}


def test_a_failed_save_leaves_no_partial_record(archive: Archive) -> None:
    # The row is written first; storing its citations then fails (an object is no URL).
    broken = make_news(cites=[Citation(object(), "text")])  # type: ignore[arg-type]
    with pytest.raises((sqlite3.Error, TypeError)):
        archive.save_document(broken)
    assert list(archive.records()) == []
    assert list(archive.citations()) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is a text file, not a database", "is not an SQLite database"),
        (None, "but not an archiver archive"),
    ],
)
def test_open_refuses_foreign_files(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "other.db"
    if content is None:
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE things (id INTEGER)")
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(ArchiveError, match=message):
        Archive.open(path, create=True)
    assert path.read_bytes() == before


def test_open_without_create_needs_an_existing_archive(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no archive at"):
        Archive.open(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


def test_reopen_keeps_records(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    with Archive.open(path, create=True) as a:
        a.save_document(make_news())
    with Archive.open(path) as a:
        assert [r["title"] for r in a.records()] == ["我校召开创先争优活动推进会"]


def test_changes_become_versions_and_old_ones_are_kept(archive: Archive) -> None:
    archive.save_document(make_news())
    archive.save_document(make_news())  # unchanged: no new version
    archive.save_document(
        make_news(body="新的正文", capture=Capture("2026-12-01T00:00:00Z", 200, "ee" * 32))
    )
    versions = archive.versions(NEWS_URL)
    assert [(v["version"], v["body"]) for v in versions] == [(1, "第一段\n第二段"), (2, "新的正文")]
    assert versions[1]["fetched_at"] == "2026-12-01T00:00:00Z"
    (row,) = archive.records()
    assert row["version"] == 2


def test_withdrawn_is_marked_and_cleared_when_the_page_returns(archive: Archive) -> None:
    archive.save_document(make_news())
    assert archive.mark_withdrawn(NEWS_URL, "2026-12-01T00:00:00Z")
    assert not archive.mark_withdrawn(NEWS_URL, "2026-12-02T00:00:00Z")  # already marked
    assert not archive.mark_withdrawn("https://xww.bucea.edu.cn/unknown.htm", "2026-12-01")
    (row,) = archive.records()
    assert row["withdrawn_at"] == "2026-12-01T00:00:00Z"
    assert row["body"] == "第一段\n第二段"  # the last copy is kept
    archive.save_document(make_news())
    (row,) = archive.records()
    assert row["withdrawn_at"] is None


def test_a_second_open_in_the_same_process_keeps_the_first_ones_writes(tmp_path: Path) -> None:
    # The crawl holds one connection (the pipeline) and opens the archive again (the spider);
    # other commands open and close it meanwhile. No write may land in a lost log.
    path = tmp_path / "archive.db"
    Archive.open(path, create=True).close()
    pipeline = Archive.open(path)
    run_id = pipeline.start_run(["x"])
    Archive.open(path).close()
    code = f"from archiver.store import Archive; Archive.open({str(path)!r}).close()"
    subprocess.run([sys.executable, "-c", code], check=True)
    pipeline.save_document(make_news())
    pipeline.finish_run(run_id, "ok", {"news_new": 1})
    with sqlite3.connect(path) as other:
        assert other.execute("SELECT outcome, news_new FROM crawl_runs").fetchall() == [("ok", 1)]
        assert other.execute("SELECT count(*) FROM documents").fetchone() == (1,)
    pipeline.close()


def test_a_write_waits_for_another_writer_and_nothing_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    archive = Archive.open(path, create=True)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process writing
    release = threading.Timer(0.5, lambda: other.execute("ROLLBACK"))
    release.start()
    assert archive.save_document(make_news()) == "new"  # waited for the lock
    assert archive.save_document(make_brief()) == "new"
    release.join()
    other.close()
    with sqlite3.connect(path) as fresh:
        assert fresh.execute("SELECT count(*) FROM documents").fetchone() == (2,)
    archive.close()


def test_opening_an_up_to_date_archive_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    Archive.open(path, create=True).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a crawl writing: a reader must still open at once
    try:
        started = time.monotonic()
        Archive.open(path).close()
        assert time.monotonic() - started < 1
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_listing_before_its_article_is_kept_and_counted_once_archived(archive: Archive) -> None:
    # A crawl records every list an article is seen on as it walks the lists, before the
    # article itself is fetched (or when its fetch fails): the label waits for the record.
    archive.add_sections(NEWS_URL, ["头条新闻"])
    assert archive.stats()["section"] == {}
    assert list(archive.records()) == []
    archive.save_document(make_news(sections=["综合新闻"]))
    (row,) = archive.records()
    assert set(row["sections"]) == {"头条新闻", "综合新闻"}
    assert archive.stats()["section"] == {"头条新闻": 1, "综合新闻": 1}


def test_a_copy_that_is_no_page_is_never_stored(archive: Archive) -> None:
    pdf = Capture("2026-12-01T00:00:00Z", 200, "00" * 32, content_type="application/pdf")
    with pytest.raises(RefusedCopy, match="not an HTML page"):
        archive.save_document(make_news(capture=pdf))
    with pytest.raises(RefusedCopy, match="no title, date or body"):
        archive.save_document(make_news(title=None, published=None, body=""))
    assert list(archive.records()) == []


@pytest.mark.parametrize(
    ("lost", "what"), [({"body": ""}, "no body"), ({"title": None}, "no title")]
)
def test_a_good_copy_is_never_replaced_by_one_that_lost_its_text(
    archive: Archive, lost: dict[str, object], what: str
) -> None:
    archive.save_document(make_news())
    with pytest.raises(RefusedCopy, match=f"the new copy has {what}; the stored copy is kept"):
        archive.save_document(make_news(**lost))
    with pytest.raises(RefusedCopy, match=what):
        archive.save_reparsed(make_news(**lost))  # nor by a regressed extractor
    (row,) = archive.records()
    assert (row["title"], row["body"], row["version"]) == (make_news().title, make_news().body, 1)
