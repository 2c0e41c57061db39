"""decode_html: BOMs, declared charsets checked against the bytes, GB2312 read as GB18030."""

from __future__ import annotations

import codecs

import pytest

from archiver.extract import decode_bytes, decode_html
from tests.fixtures import PAGES

CHINESE = "北京建筑大学新闻网：学校召开创先争优活动推进会"


def page(charset_meta: str, body: str = CHINESE) -> str:
    return f"<html><head>{charset_meta}<title>t</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    ("fixture", "content_type", "encoding", "must_contain"),
    [
        # every fixture page, as stored, with the header a server would send
        ("news_2011_zhxw_26536.htm", "text/html; charset=utf-8", "utf-8", "学校召开深入开展"),
        ("news_2012_xxyw_28811_utf8_declared_gb2312.htm", "text/html", "utf-8", "获佳绩"),
        ("news_2011_xxyw_26601_gbk_declared_utf8.htm", "text/html", "gb18030", "校团委召开"),
        ("brief_kxfzg_2448_gb2312.html", "text/html", "gb18030", "扎实推进创先争优活动"),
        ("brief_kxfzg_2502_gbk_chars.html", None, "gb18030", "作者：王喆"),
        ("brief_vsb_xcb_bjedu_4518_bom.htm", "text/html", "utf-8", "师德建设月"),
        ("brief_trs_jw_beijing_t20220609.html", None, "utf-8", "巡察工作培训会"),
    ],
)
def test_fixture_pages_decode(
    fixture: str, content_type: str | None, encoding: str, must_contain: str
) -> None:
    text, used = decode_html((PAGES / fixture).read_bytes(), content_type)
    assert used == encoding
    assert must_contain in text
    assert "\ufffd" not in text
    assert not text.startswith("\ufeff")


def test_bom_page_without_charset_loses_its_bom() -> None:
    raw = (PAGES / "brief_vsb_xcb_bjedu_4518_bom.htm").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) and b"charset" not in raw
    text, used = decode_html(raw, "text/html")
    assert (used, text[:15]) == ("utf-8", "<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("raw", "content_type", "encoding"),
    [
        # BOMs win over any declaration
        (codecs.BOM_UTF8 + page('<meta charset="gb2312">').encode(), "text/html; charset=gbk",
         "utf-8"),
        (codecs.BOM_UTF16_LE + page("").encode("utf-16-le"), None, "utf-16-le"),
        (codecs.BOM_UTF16_BE + page("").encode("utf-16-be"), "text/html; charset=gbk",
         "utf-16-be"),
        # a declared GB charset over UTF-8 bytes with non-ASCII: UTF-8
        (page('<meta charset="gb2312">').encode(), None, "utf-8"),
        (page("").encode(), "text/html; charset=GBK", "utf-8"),
        # a declared utf-8 over GBK bytes: GB18030
        (page('<meta charset="utf-8">').encode("gb18030"), None, "gb18030"),
        (page("").encode("gb18030"), "text/html; charset=UTF-8", "gb18030"),
        # gb2312 and gbk always decode as gb18030
        (page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode(
            "gb18030"), None, "gb18030"),
        (page("<meta charset='GBK'>").encode("gb18030"), None, "gb18030"),
        (page("", "plain ascii").encode(), "text/html; charset=gb2312", "gb18030"),
        # the header wins over <meta> when both fit the bytes
        (page('<meta charset="utf-8">', "ascii only").encode(), "text/html; charset=gbk",
         "gb18030"),
        # nothing declared: UTF-8, then GB18030
        (page("").encode(), None, "utf-8"),
        (page("").encode("gb18030"), "text/html", "gb18030"),
        # an unknown charset name counts as none
        (page('<meta charset="x-no-such">').encode("gb18030"), None, "gb18030"),
        # other declared charsets are used when the bytes are not UTF-8
        (page('<meta charset="big5">', "國立臺灣大學").encode("big5"), None, "big5"),
        (page('<meta charset="iso-8859-1">', "café").encode("latin-1"), None, "iso8859-1"),
        # <script charset> (the Wayback toolbar) is no page charset
        (b'<script src="x.js" charset="utf-8"></script>'
         + page('<meta charset="gb2312">').encode("gb18030"), None, "gb18030"),
    ],
)  # fmt: skip
def test_decode_rules(raw: bytes, content_type: str | None, encoding: str) -> None:
    decoded = decode_bytes(raw, content_type)
    assert decoded.encoding == encoding
    assert decoded.replaced is False
    assert "<title>t</title>" in decoded.text
    assert "\ufffd" not in decoded.text


def test_undecodable_bytes_are_replaced_and_reported() -> None:
    # A lone GB lead byte at the end and an invalid UTF-8 sequence: neither decodes.
    raw = page("").encode() + b"\xff\xfe\x81"
    decoded = decode_bytes(raw)
    assert (decoded.encoding, decoded.replaced) == ("utf-8", True)
    assert CHINESE in decoded.text and decoded.text.endswith("\ufffd")
    assert decode_html(raw) == (decoded.text, "utf-8")


def test_undecodable_bytes_under_a_gb_declaration_stay_gb18030() -> None:
    raw = page('<meta charset="gb2312">').encode("gb18030") + b"\x81"
    decoded = decode_bytes(raw)
    assert (decoded.encoding, decoded.declared, decoded.replaced) == ("gb18030", "gb18030", True)
    assert CHINESE in decoded.text
