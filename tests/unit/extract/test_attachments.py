"""Attached documents: each format read from real files written in the test, the document's
own title and dates, and the limits that bound a hostile file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from archiver.extract.attachments import (
    BoundedExtractor,
    Limits,
    extract_attachment,
    file_name,
    sniff,
)
from tests import attachment_files as files

#: Under CI the Word 97 cases must run (LibreOffice writes their files); elsewhere they may skip.
needs_soffice = pytest.mark.skipif(
    not files.have_soffice() and not os.environ.get("CI"),
    reason="LibreOffice (soffice) not installed",
)


@dataclass(frozen=True)
class Case:
    name: str
    make: object  # () -> bytes
    format: str
    words: tuple[str, ...]
    title: str | None
    pages: int | None = None
    created: str | None = None


CASES = [
    Case(
        "tongzhi.docx", files.docx_bytes, "docx",
        (files.DOCX_WORDS, "各学院：现将有关事项通知如下。", "姓名\t学院", "张三\t土木学院"),
        "学生资助工作通知", created="2022-03-01T08:30:00Z",
    ),
    pytest.param(
        Case(
            "banfa.doc", files.doc_bytes, "doc",
            (files.DOC_WORDS, "第一条 为表彰优秀教师，制定本办法。", "姓名\t学院", "特此通知。"),
            "教学名师奖评选办法", created="2022-03-01T08:30:00Z",
        ),
        marks=needs_soffice,
    ),
    Case(
        "jianbao.pdf", files.pdf_bytes, "pdf",
        (files.PDF_WORDS, "一、总体要求", "二、主要任务"), "工作简报 2022年第12期", pages=2,
        created="2000-01-01T00:00:00Z",
    ),
    Case(
        "mingdan.xlsx", files.xlsx_bytes, "xlsx",
        ("名单", "序号\t姓名\t学院", f"1\t李四\t{files.XLSX_WORDS}", "说明", "日期\t2022-05-06"),
        "获奖名单", pages=2,
    ),
    Case("mingdan.xls", files.xls_bytes, "xls", ("名单", f"1\t赵六\t{files.XLS_WORDS}"), None, 1),
    Case(
        "shuoming.txt", lambda: files.TEXT_WORDS.encode("gb18030"), "text", (files.TEXT_WORDS,),
        None,
    ),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_format_gives_its_text_title_and_dates(case: Case) -> None:
    data = case.make()  # type: ignore[operator]
    result = extract_attachment(data, case.name)
    assert result is not None
    assert (result.status, result.format) == ("text", case.format), result.warnings
    lines = result.text.splitlines()
    for words in case.words:
        assert words in lines, (words, result.text)
    assert result.title == case.title
    assert result.pages == case.pages
    if case.created:
        assert result.created == case.created
    assert result.method and result.provenance["text"].startswith(result.method.split()[0])
    if case.title:
        assert "title" in result.provenance
    assert result.warnings == []


def test_the_format_comes_from_the_bytes_not_the_name() -> None:
    # a .docx served under a .doc name, a PDF as octet-stream: read as what they are
    assert sniff(files.docx_bytes(), "a.doc") == "docx"
    assert sniff(files.pdf_bytes(), "download.php", "application/octet-stream") == "pdf"
    assert sniff(files.xlsx_bytes(), "a.xls") == "xlsx"
    result = extract_attachment(files.docx_bytes(), "tongzhi.doc")
    assert result is not None and result.format == "docx" and result.status == "text"


@needs_soffice
def test_a_wps_file_is_read_as_the_word_97_binary_it_is() -> None:
    result = extract_attachment(files.doc_bytes(), "wenjian.wps", "application/kswps")
    assert result is not None and result.status == "text" and files.DOC_WORDS in result.text


def test_an_image_only_pdf_is_recorded_as_such_never_as_empty_text() -> None:
    result = extract_attachment(files.image_pdf_bytes(pages=3), "saomiao.pdf")
    assert result is not None
    assert (result.status, result.text, result.pages) == ("image-only", "", 3)
    assert result.warnings == [
        "no text layer: all 3 pages are images (a scan: its words would need OCR)"
    ]


def test_a_document_without_words_is_empty_with_a_warning() -> None:
    result = extract_attachment(files.docx_bytes(paragraphs=(), table=()), "blank.docx")
    assert result is not None
    assert result.status == "text"  # it still says 特此通知
    result = extract_attachment(files.xlsx_bytes(sheets=(("空表", ()),)), "blank.xlsx")
    assert result is not None and result.status == "empty"
    assert result.warnings == ["the document holds no text"]


def test_a_pdf_of_many_pages_is_read_up_to_the_page_limit_and_says_so() -> None:
    result = extract_attachment(files.many_page_pdf(40), "many.pdf", limits=Limits(max_pages=5))
    assert result is not None
    assert result.status == "partial" and result.pages == 40
    assert result.text.splitlines() == ["第1页", "第2页", "第3页", "第4页", "第5页"]
    assert result.warnings == ["only part of the file was read: the first 5 of 40 pages"]


def test_a_zip_bomb_is_refused_before_anything_is_inflated() -> None:
    bomb = files.zip_bomb_docx(inflated=40_000_000)
    assert len(bomb) < 200_000
    result = extract_attachment(bomb, "bomb.docx")
    assert result is not None and result.status == "too-large" and result.text == ""
    assert "word/document.xml would inflate" in result.warnings[0]
    # the total of the declared sizes is a limit of its own
    small = extract_attachment(files.docx_bytes(), "a.docx", limits=Limits(max_unzipped=1000))
    assert small is not None and small.status == "too-large"
    assert "over the limit of 1,000" in small.warnings[0]


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("broken.docx", files.docx_bytes),
        ("broken.pdf", files.pdf_bytes),
        ("broken.xlsx", files.xlsx_bytes),
        ("broken.xls", files.xls_bytes),
        pytest.param("broken.doc", files.doc_bytes, marks=needs_soffice),
    ],
)
def test_a_malformed_file_is_unreadable_with_the_reason(name: str, make: object) -> None:
    result = extract_attachment(files.truncated(make()), name)  # type: ignore[operator]
    assert result is not None
    assert result.status == "unreadable" and result.text == ""
    assert result.format == name.rsplit(".", 1)[1]
    assert result.warnings[0].startswith(f"{result.format} file could not be read: ")


def test_size_text_and_cell_limits() -> None:
    big = extract_attachment(files.pdf_bytes(), "a.pdf", limits=Limits(max_bytes=100))
    assert big is not None and big.status == "too-large"
    cut = extract_attachment(files.docx_bytes(), "a.docx", limits=Limits(max_chars=10))
    assert cut is not None and cut.status == "partial" and len(cut.text) <= 10
    cells = extract_attachment(files.xlsx_bytes(), "a.xlsx", limits=Limits(max_cells=4))
    assert cells is not None and cells.status == "partial"
    assert cells.warnings == ["only part of the file was read: the first 4 cells"]


def test_images_have_no_text_and_unknown_files_are_unsupported() -> None:
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
    assert extract_attachment(jpeg, "photo.jpg", "image/jpeg") is None
    rar = extract_attachment(b"Rar!\x1a\x07\x00" + b"\x00" * 40, "files.rar", "application/x-rar")
    assert rar is not None and rar.status == "unsupported"
    assert rar.warnings == ["no reader for this kind of file (files.rar, application/x-rar)"]


def test_an_html_page_served_as_a_document_is_read_and_said_to_be_html() -> None:
    page = "<html><head><title>通知</title></head><body><p>第一段</p><p>第二段</p></body></html>"
    result = extract_attachment(page.encode("gbk"), "tongzhi.doc", "application/msword")
    assert result is not None
    assert (result.status, result.format, result.text, result.title) == (
        "text", "html", "第一段\n第二段", "通知",
    )  # fmt: skip
    assert "HTML page" in result.warnings[0]


def test_file_names_are_decoded_from_the_url() -> None:
    assert file_name("https://x.cn/a/%E9%99%84%E4%BB%B6.docx?v=1") == "附件.docx"
    assert file_name("https://x.cn/a/%B8%BD%BC%FE.doc") == "附件.doc"  # GBK-encoded
    assert file_name("https://x.cn/") == ""


def test_the_worker_reads_as_in_process_and_survives_a_file_over_the_time_limit() -> None:
    with BoundedExtractor() as worker:
        result = worker.extract(files.pdf_bytes(), "jianbao.pdf")
        assert result == extract_attachment(files.pdf_bytes(), "jianbao.pdf")
        assert worker.extract(b"\xff\xd8\xff" + b"\x00" * 20, "a.jpg", "image/jpeg") is None
        worker.limits = Limits(timeout=0.0001)
        late = worker.extract(files.many_page_pdf(50), "many.pdf")
        assert late is not None and (late.status, late.format) == ("too-large", "pdf")
        assert late.warnings == ["reading took longer than the limit of 0.0001 s"]
        worker.limits = Limits()
        again = worker.extract(files.docx_bytes(), "a.docx")  # a new worker took over
        assert again is not None and again.status == "text"


def test_a_worker_out_of_memory_costs_that_file_only() -> None:
    # where the worker runs out depends on the platform: a MemoryError ("too-large"), or an
    # interpreter that fails in another way ("unreadable"); the caller gets a record either way
    with BoundedExtractor(Limits(memory=30_000_000)) as starved:
        result = starved.extract(files.docx_bytes(), "a.docx")
    assert result is not None and result.format == "docx"
    assert result.status in ("too-large", "unreadable") and result.warnings


def test_a_worker_that_dies_costs_that_file_only(tmp_path: Path) -> None:
    dying = tmp_path / "dying-python"
    dying.write_text("#!/bin/sh\nkill -9 $$\n")
    dying.chmod(0o755)
    with BoundedExtractor(python=str(dying)) as worker:
        result = worker.extract(files.docx_bytes(), "a.docx")
    assert result is not None and (result.status, result.format) == ("unreadable", "docx")
    assert result.warnings[0].startswith(("the reader crashed", "the reader process"))


def test_wps_and_et_links_are_attachments() -> None:
    from archiver.extract.html import parse_html
    from archiver.extract.links import find_attachments

    body = parse_html(
        '<div><a href="/f/通知.wps">通知</a> <a href="/f/名单.et">名单</a>'
        ' <a href="/x.htm">x</a></div>'
    )
    found = find_attachments(body, "https://xww.bucea.edu.cn/zhxw/1.htm")
    assert [url.rsplit("/", 1)[1] for url in found] == ["通知.wps", "名单.et"]


def test_text_inside_a_content_control_is_read() -> None:
    import io

    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("第一段")
    sdt = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r><w:t>控件里的文字</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
    )
    document.element.body.insert(1, sdt)
    out = io.BytesIO()
    document.save(out)
    result = extract_attachment(out.getvalue(), "sdt.docx")
    assert result is not None and result.text.splitlines() == ["第一段", "控件里的文字"]
