"""Attached documents end to end: real files of each format served by the local web, crawled,
their text stored with the file, searchable, exportable, re-read offline by ``reparse``; the
hostile ones (a zip bomb, a PDF of many pages, a broken file) bounded while the crawl goes on."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import attachment_files as files
from tests.crawling import archiver, crawl, export
from tests.mockweb import ArticleFact, MockWeb, World, catalog
from tests.mockweb.facts import Link, Para
from tests.mockweb.site import NEWS_HOST, NEWS_ROOT
from tests.mockweb.world import build_world

ARTICLE_URL = f"{NEWS_ROOT}/zhxw/7d1c0e4b9a2f4c6e8b1d2f3a4b5c6d7e.htm"
FOLDER = f"{NEWS_ROOT}/__local/F/2022/06"
NEEDS_DOC = files.have_soffice() or bool(os.environ.get("CI"))


@dataclass(frozen=True)
class Served:
    """An attached file: what the server sends, and what its text record must say."""

    name: str
    make: Callable[[], bytes]
    content_type: str
    status: str
    format: str
    words: str | None = None

    @property
    def url(self) -> str:
        return f"{FOLDER}/{self.name}"

    @property
    def data(self) -> bytes:
        """The file's bytes, made once: a writer may stamp the time into them."""
        if self.name not in _MADE:
            _MADE[self.name] = self.make()
        return _MADE[self.name]


_MADE: dict[str, bytes] = {}


SERVED = [
    Served("xuesheng-zizhu.docx", files.docx_bytes,
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "text", "docx", files.DOCX_WORDS),
    Served("jianbao.pdf", files.pdf_bytes, "application/pdf", "text", "pdf", files.PDF_WORDS),
    Served("saomiao.pdf", files.image_pdf_bytes, "application/pdf", "image-only", "pdf"),
    Served("mingdan.xlsx", files.xlsx_bytes, "application/octet-stream", "text", "xlsx",
           files.XLSX_WORDS),
    Served("mingdan.xls", files.xls_bytes, "application/vnd.ms-excel", "text", "xls",
           files.XLS_WORDS),
    Served("bomb.docx", lambda: files.zip_bomb_docx(40_000_000), "application/msword",
           "too-large", "docx"),
    Served("many-pages.pdf", lambda: files.many_page_pdf(30), "application/pdf", "partial",
           "pdf", "第5页"),
    Served("broken.pdf", lambda: files.truncated(files.pdf_bytes()), "application/pdf",
           "unreadable", "pdf"),
] + ([
    Served("banfa.doc", files.doc_bytes, "application/msword", "text", "doc", files.DOC_WORDS),
] if NEEDS_DOC else [])  # fmt: skip


def attachments_world() -> World:
    """The default world plus a notice whose attachments are the files of :data:`SERVED`."""
    notice = ArticleFact(
        url=ARTICLE_URL,
        title="关于公布2022年学生资助工作有关文件的通知",
        published="2022-06-15",
        column="综合新闻",
        department="学生工作部",
        blocks=(
            Para(("各学院：现将有关文件公布如下，详见附件。",)),
            *(
                Para((Link(s.url, f"附件{i}：{s.name}", "attachment"),))
                for i, s in enumerate(SERVED, 1)
            ),
        ),
    )
    zhxw_path, label, pages = catalog.SECTIONS[1]
    sections = (catalog.SECTIONS[0], (zhxw_path, label, ((notice.url, *pages[0]), *pages[1:])))
    world = build_world((*catalog.ARTICLES, notice), sections, catalog.BRIEFS)
    for served in SERVED:
        world.set_page(NEWS_HOST, urlsplit(served.url).path, served.data, served.content_type)
    return world


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """One crawl of the attachments world; the archive and the (stopped) web's proxy env."""
    folder = tmp_path_factory.mktemp("attachments")
    db = folder / "archive.db"
    with MockWeb(attachments_world()) as web:
        result = crawl(web, db, "--set", "ARCHIVER_ATTACHMENT_MAX_PAGES=5")
        assert result.returncode == 0, result.stdout + result.stderr
        return db, web.env()


def test_every_attached_file_gets_its_text_or_the_reason_it_has_none(
    crawled: tuple[Path, dict[str, str]],
) -> None:
    db, env = crawled
    records = {r["url"]: r for r in export(env, db, "--kind", "attachment")}
    for served in SERVED:
        record = records[served.url]
        assert (record["status"], record["format"]) == (served.status, served.format), record
        assert record["page_url"] == ARTICLE_URL
        assert record["file_name"] == served.name
        assert record["content_type"] == served.content_type
        assert record["size"] == len(served.data)
        if served.words:
            assert served.words in str(record["text"]), record["text"]
        if served.status != "text":
            assert record["warnings"], record  # never an empty text without a reason
    assert records[f"{FOLDER}/many-pages.pdf"]["warnings"] == [
        "only part of the file was read: the first 5 of 30 pages"
    ]
    assert "a zip bomb" in records[f"{FOLDER}/bomb.docx"]["warnings"][0]
    # the default world's .doc stand-in is only a magic number: unreadable, said so
    stand_in = [r for r in records.values() if r["page_url"] != ARTICLE_URL]
    assert [r["status"] for r in stand_in] == ["unreadable"]


def test_words_only_an_attachment_holds_are_found_and_name_their_article(
    crawled: tuple[Path, dict[str, str]],
) -> None:
    db, env = crawled
    result = archiver(env, "search", "--db", str(db), "深化产教融合", "--format", "json",
                      cwd=db.parent)  # fmt: skip
    assert result.returncode == 0, result.stderr
    [hit] = json.loads(result.stdout)
    assert (hit["kind"], hit["url"]) == ("attachment", f"{FOLDER}/jianbao.pdf")
    assert hit["attached_to"] == ARTICLE_URL
    assert hit["attached_to_title"] == "关于公布2022年学生资助工作有关文件的通知"
    # the article itself does not hold these words
    assert archiver(env, "search", "--db", str(db), "深化产教融合", "--kind", "news",
                    cwd=db.parent).stdout == ""  # fmt: skip


def test_reparse_reads_the_attachments_again_offline(
    crawled: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    source, env = crawled  # the mock web is stopped: nothing answers
    db = tmp_path / "archive.db"
    for path in source.parent.rglob("*"):
        if path.is_file():
            target = tmp_path / path.relative_to(source.parent)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    docx = f"{FOLDER}/xuesheng-zizhu.docx"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE attachment_texts SET text = '', status = 'empty' WHERE url = ?",
                     [docx])  # fmt: skip
    result = archiver(env, "reparse", "--db", str(db), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    files_report = json.loads(result.stdout)["attachments"]
    # every file: the default world's stand-in and ours. Two texts change: the damaged one,
    # and the many-page PDF, which reparse reads under the default page limit (2,000), whole
    assert files_report["files"] == len(SERVED) + 1
    assert files_report["changed"] == 2 and files_report["failed"] == []
    assert files_report["statuses"]["text"] == sum(s.status == "text" for s in SERVED) + 1
    records = {r["url"]: r for r in export(env, db, "--kind", "attachment")}
    assert records[docx]["status"] == "text" and files.DOCX_WORDS in str(records[docx]["text"])
    many = records[f"{FOLDER}/many-pages.pdf"]
    assert (many["status"], many["pages"], many["warnings"]) == ("text", 30, [])
    assert records[f"{FOLDER}/bomb.docx"]["status"] == "too-large"
