"""Attached files with their text in a real archive: saved together, indexed, re-extracted,
read back with their page, and the migration that adds them to an older archive."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from archiver.records.attachments import AttachmentText
from archiver.store import Archive, Filters
from archiver.store.tables import ATTACHMENT_INDEX, ATTACHMENT_TEXTS, FILES
from tests import attachment_files as files
from tests.factories import NEWS_URL, make_news

DOCX_URL = "https://xww.bucea.edu.cn/docs/%E9%80%9A%E7%9F%A5.docx"
JPEG_URL = "https://xww.bucea.edu.cn/images/a.jpg"


def test_a_file_and_its_text_are_saved_together(archive: Archive) -> None:
    archive.save_document(make_news())
    archive.save_attachment(files.file_capture(DOCX_URL, NEWS_URL, files.docx_bytes()))
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 40
    archive.save_attachment(files.file_capture(JPEG_URL, NEWS_URL, jpeg, "image/jpeg"))
    assert archive.db.table(FILES).count == 2
    assert [r["url"] for r in archive.db.table(ATTACHMENT_TEXTS).rows] == [DOCX_URL]  # no image
    [record] = archive.attachment_records()
    assert record["page_url"] == NEWS_URL and record["page_title"] == make_news().title
    assert record["file_name"] == "通知.docx" and record["status"] == "text"
    assert record["size"] == len(files.docx_bytes()) and len(record["sha256"]) == 64
    assert files.DOCX_WORDS in record["text"].splitlines()
    assert record["warnings"] == [] and record["provenance"]["title"].startswith("docProps")
    assert archive.attachments_of(NEWS_URL)[0]["url"] == DOCX_URL


def test_the_index_follows_inserts_updates_and_deletes(archive: Archive) -> None:
    capture = files.file_capture(DOCX_URL, NEWS_URL, files.docx_bytes())
    archive.save_attachment(capture)

    def indexed(trigram: str) -> int:
        sql = f"SELECT count(*) FROM {ATTACHMENT_INDEX} WHERE {ATTACHMENT_INDEX} MATCH ?"
        return int(archive.db.execute(sql, [f'"{trigram}"']).fetchone()[0])

    assert indexed("学生资") == 1 and indexed("知.d") == 1  # the text, the file's name
    assert archive.save_reparsed_attachment(DOCX_URL, AttachmentText("empty"), "ab") == [
        "format", "status", "title", "created", "modified", "text", "method", "provenance",
    ]  # fmt: skip
    assert indexed("学生资") == 0
    assert archive.save_reparsed_attachment(DOCX_URL, None, "ab") == ["text"]
    assert archive.db.table(ATTACHMENT_TEXTS).count == 0 and indexed("知.d") == 0


def test_reextraction_reports_what_changed_and_dry_run_writes_nothing(archive: Archive) -> None:
    capture = files.file_capture(DOCX_URL, NEWS_URL, files.docx_bytes())
    archive.save_attachment(capture)
    assert capture.text is not None
    assert archive.save_reparsed_attachment(DOCX_URL, capture.text, capture.sha256) == []
    other = AttachmentText(**{**capture.text.as_dict(), "text": "改过的正文"})  # type: ignore[arg-type]
    assert archive.save_reparsed_attachment(DOCX_URL, other, "x", dry_run=True) == ["text"]
    assert files.DOCX_WORDS in next(archive.attachment_records())["text"]
    assert archive.save_reparsed_attachment(DOCX_URL, other, "x") == ["text"]
    assert next(archive.attachment_records())["text"] == "改过的正文"


def test_attachment_records_are_filtered_by_their_page(archive: Archive) -> None:
    archive.save_document(make_news())  # published 2011-04-11
    archive.save_attachment(files.file_capture(DOCX_URL, NEWS_URL, files.docx_bytes()))
    orphan = "https://xww.bucea.edu.cn/docs/b.pdf"
    archive.save_attachment(files.file_capture(orphan, "https://x.cn/gone.htm", files.pdf_bytes()))
    assert [r["url"] for r in archive.attachment_records()] == [orphan, DOCX_URL]
    assert [r["url"] for r in archive.attachment_records(Filters(since="2011-01-01"))] == [
        DOCX_URL
    ]
    assert list(archive.attachment_records(Filters(until="2010-12-31"))) == []
    assert [r["url"] for r in archive.attachment_records(urls=[orphan])] == [orphan]
    assert archive.attachment_counts() == {"text": 2}


def test_an_older_archive_gains_the_table_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Archive.open(path, create=True) as archive:
        archive.save_document(make_news())
        archive.db.execute(f"DROP TABLE {ATTACHMENT_TEXTS}")
        archive.db.execute(f"DROP TABLE {ATTACHMENT_INDEX}")
        archive.db.execute(f"DROP TABLE {ATTACHMENT_INDEX}_terms")
        archive.db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm006_attachment_texts'")
    with Archive.open(path) as archive:
        archive.save_attachment(files.file_capture(DOCX_URL, NEWS_URL, files.docx_bytes()))
    with sqlite3.connect(path) as conn:
        assert conn.execute(f"SELECT count(*) FROM {ATTACHMENT_TEXTS}").fetchone() == (1,)
