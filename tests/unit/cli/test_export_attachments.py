"""``archiver export --kind attachment``: the text of attached documents, each with its file and
the page that links it, filtered by that page and by a full-text query over the text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from archiver.records.fields import ATTACHMENT_FIELD_NAMES
from archiver.store import Archive
from tests import attachment_files as files
from tests.clirunner import run
from tests.factories import BRIEF_URL, NEWS_URL, make_brief, make_news

DOCX_URL = "https://xww.bucea.edu.cn/docs/%E9%80%9A%E7%9F%A5.docx"
SCAN_URL = "https://xww.bucea.edu.cn/docs/saomiao.pdf"
XLS_URL = "http://kxfzg.bjedu.gov.cn/fj/mingdan.xls"


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "archive.db"
    with Archive.open(path, create=True) as archive:
        archive.save_document(make_news())
        archive.save_document(make_brief(published="2012-01-05"))
        archive.save_attachment(files.file_capture(DOCX_URL, NEWS_URL, files.docx_bytes()))
        archive.save_attachment(files.file_capture(SCAN_URL, NEWS_URL, files.image_pdf_bytes()))
        archive.save_attachment(files.file_capture(XLS_URL, BRIEF_URL, files.xls_bytes()))
    return str(path)


def export(db: str, *args: str) -> list[dict[str, object]]:
    result = run("export", "--db", db, "--kind", "attachment", "--format", "jsonl", *args)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_every_attachment_text_with_its_file_and_page(db: str) -> None:
    records = export(db)
    assert [r["url"] for r in records] == [DOCX_URL, SCAN_URL, XLS_URL]  # by page date
    docx = records[0]
    assert list(docx) == list(ATTACHMENT_FIELD_NAMES)
    assert (docx["page_url"], docx["page_title"]) == (NEWS_URL, make_news().title)
    assert (docx["file_name"], docx["format"], docx["status"]) == ("通知.docx", "docx", "text")
    assert docx["size"] == len(files.docx_bytes()) and docx["sha256"]
    assert files.DOCX_WORDS in str(docx["text"]).splitlines()
    assert docx["title"] == "学生资助工作通知" and docx["created"] == "2022-03-01T08:30:00Z"
    assert str(docx["method"]).startswith("python-docx ")
    scan = records[1]
    assert (scan["status"], scan["text"], scan["pages"]) == ("image-only", "", 2)
    assert scan["warnings"] == [
        "no text layer: all 2 pages are images (a scan: its words would need OCR)"
    ]
    assert records[2]["page_url"] == BRIEF_URL


def test_filters_apply_to_the_page_and_query_to_the_text(db: str) -> None:
    assert [r["url"] for r in export(db, "--since", "2012-01-01")] == [XLS_URL]
    assert [r["url"] for r in export(db, "--query", "学生资助")] == [DOCX_URL]
    assert [r["url"] for r in export(db, "--query", "title:saomiao")] == [SCAN_URL]
    assert [r["url"] for r in export(db, "--section", "综合新闻")] == [DOCX_URL, SCAN_URL]


def test_csv_with_chosen_fields(db: str) -> None:
    result = run(
        "export", "--db", db, "--kind", "attachment", "--format", "csv",
        "--fields", "status,url,page_url,warnings",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout.replace("\r\n", "\n"))))
    assert rows[0] == ["url", "page_url", "status", "warnings"]  # the contract's order
    assert rows[1] == [DOCX_URL, NEWS_URL, "text", "[]"]


def test_a_field_of_the_page_record_is_no_attachment_field(db: str) -> None:
    result = run(
        "export", "--db", db, "--kind", "attachment", "--format", "csv", "--fields", "body"
    )
    assert result.exit_code == 2
    assert "unknown field body" in result.stderr
