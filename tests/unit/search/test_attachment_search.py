"""Searching the text of attached documents: words only an attachment holds are found, the hit
names the file and its page, and the search stays exact (the index agrees with a scan)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.search import search
from archiver.store import Archive, Filters
from tests import attachment_files as files
from tests.clirunner import run
from tests.factories import BRIEF_URL, NEWS_URL, make_brief, make_news

DOCX_URL = "https://xww.bucea.edu.cn/docs/%E8%B5%84%E5%8A%A9%E9%80%9A%E7%9F%A5.docx"
PDF_URL = "https://xww.bucea.edu.cn/docs/jianbao.pdf"
SCAN_URL = "https://xww.bucea.edu.cn/docs/saomiao.pdf"


@pytest.fixture
def with_attachments(archive: Archive) -> Archive:
    archive.save_document(make_news())
    archive.save_document(make_brief())
    archive.save_attachment(files.file_capture(DOCX_URL, NEWS_URL, files.docx_bytes()))
    archive.save_attachment(files.file_capture(PDF_URL, BRIEF_URL, files.pdf_bytes()))
    archive.save_attachment(files.file_capture(SCAN_URL, NEWS_URL, files.image_pdf_bytes()))
    return archive


def test_words_only_an_attachment_holds_are_found_with_its_page(with_attachments: Archive) -> None:
    [hit] = search(with_attachments.db, "学生资助")
    assert (hit.kind, hit.url, hit.attached_to) == ("attachment", DOCX_URL, NEWS_URL)
    assert hit.title == "学生资助工作通知"  # the document's own title
    assert hit.attached_to_title == make_news().title
    assert hit.published == make_news().published  # the page's date
    assert "⟦学生资助⟧" in hit.snippet.render()
    [brief_file] = search(with_attachments.db, "产教融合")
    assert brief_file.attached_to == BRIEF_URL  # a brief's attachment too


def test_records_and_attachments_rank_together(with_attachments: Archive) -> None:
    # 第二段 is in the article's body; 通知 in the attachment's title and text
    hits = search(with_attachments.db, "第二段 OR 通知")
    assert {h.kind for h in hits} == {"news", "attachment"}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize(
    "query",
    ["资", "资助", "学生资助", "title:资助", "body:通知", "title:docx", "张三 AND 土木",
     "通知 NOT 张三", "title:saomiao", "产教 OR 资助", '"现将有关事项"'],
)  # fmt: skip
def test_the_index_agrees_with_a_scan(with_attachments: Archive, query: str) -> None:
    db = with_attachments.db
    for kind in (None, "attachment"):
        filters = Filters(kind=kind)
        indexed = [(h.url, h.score) for h in search(db, query, filters, limit=None)]
        scan = search(db, query, filters, limit=None, use_index=False)
        scanned = [(h.url, h.score) for h in scan]
        assert indexed == scanned, query


def test_the_file_name_counts_as_the_title(with_attachments: Archive) -> None:
    [hit] = search(with_attachments.db, "title:资助通知.docx")
    assert hit.url == DOCX_URL
    [scan] = search(with_attachments.db, "title:saomiao")  # no text: found by its name only
    assert scan.url == SCAN_URL and scan.title == "untitled"


def test_kind_and_page_filters(with_attachments: Archive) -> None:
    db = with_attachments.db
    assert [h.kind for h in search(db, "通知", Filters(kind="news"))] == []
    assert {h.url for h in search(db, "通知", Filters(kind="attachment"))} == {DOCX_URL}
    assert search(db, "学生资助", Filters(since="2012-01-01")) == []  # its page is of 2011
    assert [h.url for h in search(db, "学生资助", Filters(sections=("综合新闻",)))] == [DOCX_URL]


def test_the_cli_names_the_page_an_attachment_belongs_to(
    with_attachments: Archive, tmp_path: Path
) -> None:
    db = str(tmp_path / "archive.db")
    result = run("search", "--db", db, "学生资助")
    assert result.exit_code == 0, result.stderr
    assert f"attached to: {make_news().title}  {NEWS_URL}" in result.stdout
    result = run("search", "--db", db, "产教融合", "--kind", "attachment", "--format", "json")
    [hit] = json.loads(result.stdout)
    assert (hit["kind"], hit["url"], hit["attached_to"]) == ("attachment", PDF_URL, BRIEF_URL)
