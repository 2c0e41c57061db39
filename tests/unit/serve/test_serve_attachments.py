"""Attached documents in Datasette: their text on their article's record page, their hits on
the search page leading there, the table described."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from datasette.utils import tilde_encode

from archiver.serve import DB_NAME, build_datasette
from archiver.serve.attachments_page import SHOWN_CHARS, anchor
from archiver.store import Archive
from archiver.store.schema import DOCUMENTS
from tests import attachment_files as files
from tests.factories import NEWS_URL, make_news

DOCX_URL = "https://xww.bucea.edu.cn/docs/%E9%80%9A%E7%9F%A5.docx"
SCAN_URL = "https://xww.bucea.edu.cn/docs/saomiao.pdf"
LONG_URL = "https://xww.bucea.edu.cn/docs/long.txt"


@pytest.fixture(scope="module")
def ds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path = tmp_path_factory.mktemp("serve-attachments") / "archive.db"
    with Archive.open(path, create=True) as archive:
        archive.save_document(make_news())
        archive.save_attachment(files.file_capture(DOCX_URL, NEWS_URL, files.docx_bytes()))
        archive.save_attachment(files.file_capture(SCAN_URL, NEWS_URL, files.image_pdf_bytes()))
        long_text = ("很长的说明文字。" * 4000).encode()
        archive.save_attachment(files.file_capture(LONG_URL, NEWS_URL, long_text, "text/plain"))
    datasette = build_datasette(path)
    asyncio.run(datasette.invoke_startup())
    yield datasette
    for database in datasette.databases.values():
        database.close()


def get(ds: Any, path: str) -> Any:
    return asyncio.run(ds.client.get(path))


def test_an_articles_page_shows_its_attachments_text(ds: Any) -> None:
    page = get(ds, f"/{DB_NAME}/{DOCUMENTS}/{tilde_encode(NEWS_URL)}")
    assert page.status_code == 200
    html = page.text
    assert "Attached documents" in html
    assert f'id="{anchor(DOCX_URL)}"' in html and "通知.docx" in html
    assert files.DOCX_WORDS in html and "学生资助工作通知" in html  # its text and title
    assert "image-only" in html and "its words would need OCR" in html  # a scan says so
    cut = f"The first {SHOWN_CHARS:,} of 32,000 characters."
    assert cut in " ".join(html.split())  # a long text is cut, and says so


def test_a_page_without_attachments_shows_none(ds: Any) -> None:
    other = get(ds, f"/{DB_NAME}/{DOCUMENTS}/{tilde_encode('https://x.cn/none.htm')}")
    assert "Attached documents" not in other.text


def test_an_attachment_hit_leads_to_its_text_on_its_article(ds: Any) -> None:
    data = get(ds, "/-/search.json?q=学生资助&kind=attachment").json()
    [hit] = data["hits"]
    assert (hit["kind"], hit["url"], hit["attached_to"]) == ("attachment", DOCX_URL, NEWS_URL)
    assert hit["row_url"].endswith(f"{tilde_encode(NEWS_URL)}#{anchor(DOCX_URL)}")
    html = get(ds, "/-/search?q=学生资助").text
    assert "attached to" in html and make_news().title in html
    assert '<option value="attachment"' in html


def test_the_table_is_described(ds: Any) -> None:
    metadata = get(ds, "/-/metadata.json").json()
    table = metadata["databases"][DB_NAME]["tables"]["attachment_texts"]
    assert table["title"] == "Attachment texts"
    assert table["columns"]["status"].startswith("text (read whole), partial (cut at a limit)")
