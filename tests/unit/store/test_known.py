"""ArchivedPages: the read-only "what is already archived" lookup, against a real SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.records import Brief, Capture, Citation, News
from archiver.store import Archive, ArchiveError
from archiver.store.known import ArchivedPages, KnownPage

NEWS_URL = "https://xww.bucea.edu.cn/zhxw/26536.htm"
BRIEF_URL = "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html"
OTHER_BRIEF = "https://jw.beijing.gov.cn/xxgk/gzjb/t20120301.html"
FILE_URL = "https://xww.bucea.edu.cn/docs/a.doc"
LIST_URL = "https://xww.bucea.edu.cn/zhxw/index.htm"


def news(url: str = NEWS_URL, fetched_at: str = "2026-11-28T10:00:00Z") -> News:
    return News(
        url=url,
        site="xww.bucea.edu.cn",
        title="我校召开创先争优活动推进会",
        body="正文",
        # the same brief cited twice (as a link and as text) counts once, where it first is
        cites=[
            Citation(OTHER_BRIEF, "link"),
            Citation(BRIEF_URL, "text"),
            Citation(OTHER_BRIEF, "text"),
        ],
        capture=Capture(fetched_at, 200, "ab" * 32, etag='"v1"', last_modified="Mon, 11 Apr"),
    )


@pytest.fixture
def path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "archive.db"
    with Archive.open(path, create=True) as archive:
        archive.save_document(news())
        archive.save_document(
            Brief(
                url=BRIEF_URL,
                site="kxfzg.bjedu.gov.cn",
                title="工作简报",
                body="简报正文",
                status="archived",
                capture=Capture("2026-11-28T10:00:05Z", 200, "cd" * 32),
            )
        )
        archive.save_file({"url": FILE_URL, "news_url": NEWS_URL, "sha256": "ef" * 32, "size": 3})
        archive.mark_list_walked(LIST_URL, "2026-11-28T10:01:00Z")
    yield path


def test_a_stored_page_and_an_unknown_one(path: Path) -> None:
    with ArchivedPages(path) as pages:
        assert pages.page(NEWS_URL) == KnownPage(
            kind="news",
            etag='"v1"',
            last_modified="Mon, 11 Apr",
            status=None,
            first_seen_at="2026-11-28T10:00:00Z",
        )
        brief = pages.page(BRIEF_URL)
        assert brief is not None and (brief.kind, brief.status) == ("brief", "archived")
        assert pages.page("https://xww.bucea.edu.cn/zhxw/nope.htm") is None


def test_files_citations_and_walked_lists(path: Path) -> None:
    with ArchivedPages(path) as pages:
        assert pages.has_file(FILE_URL)
        assert not pages.has_file("https://xww.bucea.edu.cn/docs/b.doc")
        assert pages.citations(NEWS_URL) == [OTHER_BRIEF, BRIEF_URL]
        assert pages.citations(BRIEF_URL) == []
        assert pages.list_walked(LIST_URL)
        assert not pages.list_walked("https://xww.bucea.edu.cn/ttxw/index.htm")


def test_before_reports_only_pages_first_seen_earlier(path: Path) -> None:
    with Archive.open(path) as archive:
        # seen again later: first seen stays the first time
        archive.save_document(news(fetched_at="2026-12-01T08:00:00Z"))
    with ArchivedPages(path, before="2026-11-28T10:00:00Z") as pages:
        assert pages.page(NEWS_URL) is None  # first seen at that very second: not before
    with ArchivedPages(path, before="2026-11-28T10:00:01Z") as pages:
        assert pages.page(NEWS_URL) is not None
        assert pages.page(BRIEF_URL) is None  # first seen at 10:00:05
        assert pages.has_file(FILE_URL)  # only page() looks at the time


def test_a_snapshot_ignores_pages_stored_after_it_opened(path: Path) -> None:
    later = "https://xww.bucea.edu.cn/zhxw/26537.htm"
    with ArchivedPages(path, snapshot=True) as pages, Archive.open(path) as archive:
        archive.save_document(news(later))
        changed = news(fetched_at="2026-12-01T08:00:00Z")
        changed.capture = Capture("2026-12-01T08:00:00Z", 200, "ff" * 32, etag='"v2"')
        archive.save_document(changed)
        assert pages.page(later) is None
        page = pages.page(NEWS_URL)
        assert page is not None and page.etag == '"v2"'  # what is stored now
    with ArchivedPages(path) as pages:
        assert pages.page(later) is not None


def test_a_snapshot_of_an_empty_archive_knows_nothing(tmp_path: Path) -> None:
    # a first crawl: nothing it stores is "known", however it asks
    path = tmp_path / "archive.db"
    Archive.open(path, create=True).close()
    with ArchivedPages(path, snapshot=True) as pages, Archive.open(path) as archive:
        archive.save_document(news())
        assert pages.page(NEWS_URL) is None
        assert pages.citations(NEWS_URL) == [OTHER_BRIEF, BRIEF_URL]  # the other lookups see it
    with ArchivedPages(path, snapshot=True) as pages:
        assert pages.page(NEWS_URL) is not None


def test_it_reads_while_a_crawl_writes(path: Path) -> None:
    with Archive.open(path) as archive, ArchivedPages(path) as pages:
        with archive._write():  # a crawl's write transaction, open
            archive.db.execute("UPDATE documents SET etag = 'x' WHERE url = ?", [NEWS_URL])
            page = pages.page(NEWS_URL)
            assert page is not None and page.etag == '"v1"'  # the last committed state


def test_it_never_writes(path: Path) -> None:
    with ArchivedPages(path) as pages:
        with pytest.raises(sqlite3.OperationalError):
            pages._conn.execute("DELETE FROM documents")
        assert pages.page(NEWS_URL) is not None


def test_a_missing_or_foreign_file_is_an_archive_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    with pytest.raises(ArchiveError):
        ArchivedPages(missing)
    assert not missing.exists()
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveError, match="not an archiver archive"):
        ArchivedPages(foreign)
    text = tmp_path / "notes.txt"
    text.write_text("not a database, but long enough to be read as one " * 40)
    with pytest.raises(ArchiveError):
        ArchivedPages(text)


def test_what_an_earlier_run_left_unfinished(path: Path) -> None:
    with Archive.open(path) as archive:  # an article whose image and second file never came
        later = news(f"{NEWS_URL}?2")
        later.attachments = [FILE_URL, "https://xww.bucea.edu.cn/docs/b.doc"]
        later.images = ["https://xww.bucea.edu.cn/img/1.jpg"]
        archive.save_document(later)
    with ArchivedPages(path) as pages:
        # BRIEF_URL has a record; OTHER_BRIEF, cited by both articles, has none
        assert pages.unrecorded_briefs() == [(NEWS_URL, OTHER_BRIEF)]
        missing = (f"{NEWS_URL}?2", "https://xww.bucea.edu.cn/docs/b.doc")
        assert pages.unarchived_files() == [missing]
        image = (f"{NEWS_URL}?2", "https://xww.bucea.edu.cn/img/1.jpg")
        assert pages.unarchived_files(images=True) == [missing, image]
