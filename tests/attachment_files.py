"""Real attached documents, written in the tests by the libraries that write each format.

Word 2007+ by python-docx, Excel by openpyxl and xlwt, PDF by reportlab (its built-in
``STSong-Light`` CID font: Chinese text with the ``UniGB-UCS2-H`` encoding, as Chinese PDFs
have), Word 97 by LibreOffice converting a ``.docx`` (no Python library writes ``.doc``):
:func:`doc_bytes` needs ``soffice``; :func:`have_soffice` tells whether it is there. The hostile
files (a zip bomb, a PDF of many pages, broken files) are made here too.
"""

from __future__ import annotations

import functools
import hashlib
import io
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from archiver.records import FileCapture

#: What the generated documents say: words that occur nowhere else in the test world.
DOCX_WORDS = "附件一：关于做好二〇二二年度学生资助工作的通知"
DOC_WORDS = "附件二：北京市高等学校教学名师奖评选办法"
PDF_WORDS = "北京市教育委员会工作简报：深化产教融合试点"
XLSX_WORDS = "土木与交通工程学院"
XLS_WORDS = "建筑与城市规划学院"
TEXT_WORDS = "说明：本名单按姓氏笔画排序"


def docx_bytes(
    paragraphs: Sequence[str] = (DOCX_WORDS, "各学院：现将有关事项通知如下。"),
    table: Sequence[Sequence[str]] = (("姓名", "学院"), ("张三", "土木学院")),
    title: str | None = "学生资助工作通知",
    created: datetime | None = datetime(2022, 3, 1, 8, 30),
) -> bytes:
    """A ``.docx`` with ``paragraphs``, then ``table``, then a closing paragraph."""
    import docx

    document = docx.Document()
    props = document.core_properties
    props.title = title or ""
    if created is not None:
        props.created = props.modified = created
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.add_paragraph("特此通知。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def have_soffice() -> bool:
    """Whether LibreOffice is installed (it writes the Word 97 test files)."""
    return shutil.which("soffice") is not None


@functools.cache
def doc_bytes(
    paragraphs: tuple[str, ...] = (DOC_WORDS, "第一条 为表彰优秀教师，制定本办法。"),
) -> bytes:
    """A Word 97 ``.doc``: a ``.docx`` with ``paragraphs`` (and a table) converted by
    LibreOffice. Cached: LibreOffice takes a second or two to start."""
    source = docx_bytes(paragraphs, title="教学名师奖评选办法")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "source.docx"
        path.write_bytes(source)
        profile = Path(folder) / "profile"
        subprocess.run(
            [
                "soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                "--convert-to", "doc", "--outdir", folder, str(path),
            ],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        return (Path(folder) / "source.doc").read_bytes()


def pdf_bytes(
    pages: Sequence[Sequence[str]] = ((PDF_WORDS, "一、总体要求"), ("二、主要任务",)),
    title: str | None = "工作简报 2022年第12期",
) -> bytes:
    """A PDF with a text layer: each page's lines in reportlab's Chinese CID font."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=True)
    if title:
        pdf.setTitle(title)
    for lines in pages:
        pdf.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            pdf.drawString(72, 720 - 20 * i, line)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def many_page_pdf(count: int) -> bytes:
    """A PDF of ``count`` pages, each saying which it is (第N页)."""
    return pdf_bytes([(f"第{n}页",) for n in range(1, count + 1)], title="页数很多的文件")


def image_pdf_bytes(pages: int = 2) -> bytes:
    """A scanned document: pages that are pictures only, no text layer."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    picture = Image.new("RGB", (200, 100), "white")
    for x in range(20, 180):  # a few dark strokes, like a scanned line of text
        picture.putpixel((x, 50), (0, 0, 0))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=True)
    for _ in range(pages):
        pdf.drawImage(ImageReader(picture), 72, 500, width=400, height=200)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def xlsx_bytes(
    sheets: Sequence[tuple[str, Sequence[Sequence[object]]]] = (
        ("名单", (("序号", "姓名", "学院"), (1, "李四", XLSX_WORDS), (2, "王五", "理学院"))),
        ("说明", (("日期", datetime(2022, 5, 6)),)),
    ),
    title: str | None = "获奖名单",
) -> bytes:
    """An ``.xlsx`` with ``sheets`` (name, rows)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    if title:
        book.properties.title = title
    book.properties.created = book.properties.modified = datetime(2022, 5, 6, 9, 0)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls_bytes(
    rows: Sequence[Sequence[object]] = (("序号", "姓名", "学院"), (1, "赵六", XLS_WORDS)),
) -> bytes:
    """An Excel 97 ``.xls`` (BIFF8, written by xlwt) with one sheet of ``rows``."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名单")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb_docx(inflated: int = 40_000_000) -> bytes:
    """A ``.docx`` whose ``word/document.xml`` inflates to ``inflated`` bytes (mostly spaces)
    from a few tens of kilobytes: every other member is a real document's."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                bomb.writestr(info.filename, source.read(info.filename))
        with bomb.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?>')
            chunk = b" " * 1_000_000
            for _ in range(inflated // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def truncated(data: bytes) -> bytes:
    """The first half of a file: what a broken download or a damaged upload looks like."""
    return data[: len(data) // 2]


def file_capture(
    url: str, news_url: str, data: bytes, content_type: str | None = None, **changes: object
) -> FileCapture:
    """The capture of ``data`` fetched from ``url``, linked from ``news_url``, its text read."""
    from archiver.extract.attachments import extract_attachment, file_name

    capture = FileCapture(
        url=url,
        news_url=news_url,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content_type=content_type,
        fetched_at="2026-11-28T10:00:05Z",
        http_status=200,
        body=data,
        text=extract_attachment(data, file_name(url), content_type),
    )
    for name, value in changes.items():
        setattr(capture, name, value)
    return capture
