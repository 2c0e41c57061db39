"""extract_document: bytes in, the right record out."""

from __future__ import annotations

import pytest

from archiver.extract import extract_document
from archiver.records import Brief, Kind, News
from archiver.sites import bundled_profiles
from tests.fixtures import PAGES

CITED_HOSTS = bundled_profiles()["bucea"].cited_hosts


@pytest.mark.parametrize(
    ("fixture", "url", "kind", "cls"),
    [
        ("news_2011_zhxw_26536.htm", "https://xww.bucea.edu.cn/zhxw/26536.htm", "news", News),
        ("news_2011_zhxw_26536.htm", "http://XWW.bucea.edu.cn/zhxw/26536.htm", "news", News),
        ("brief_kxfzg_2448_gb2312.html", "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html",
         "brief", Brief),
        # the kind the crawl asks for decides, not the host
        ("brief_trs_jw_beijing_t20220609.html", "https://www.example.org/a.html", "brief", Brief),
        ("news_2011_zhxw_26536.htm", "https://www.example.org/a.html", "news", News),
    ],
)  # fmt: skip
def test_kind_chooses_the_extractor(fixture: str, url: str, kind: Kind, cls: type) -> None:
    record = extract_document((PAGES / fixture).read_bytes(), url, kind=kind)
    assert type(record) is cls
    assert record.capture is None
    assert record.kind == kind


def test_cited_hosts_reach_the_news_extractor() -> None:
    raw = (PAGES / "news_2022_ttxw_hex.htm").read_bytes()
    url = "https://xww.bucea.edu.cn/ttxw/3f9a6c2e8b1d4e7fa0c5b2d9e6f1a8c3.htm"
    default = extract_document(raw, url, kind="news", cited_hosts=CITED_HOSTS)
    narrowed = extract_document(raw, url, kind="news", cited_hosts=("*.bjedu.gov.cn",))
    nowhere = extract_document(raw, url, kind="news")
    assert isinstance(default, News) and isinstance(narrowed, News)
    assert isinstance(nowhere, News)
    assert [c.url for c in default.cites] == [
        "http://jw.beijing.gov.cn/jyzx/jyxw/202206/t20220609_2738200.html"
    ]
    assert narrowed.cites == [] and nowhere.cites == []
    assert "cites" not in narrowed.provenance


def test_replaced_bytes_add_a_warning() -> None:
    raw = (
        (PAGES / "news_2011_zhxw_26536.htm")
        .read_bytes()
        .replace("（党委宣传部）".encode(), b"\xff\xfe\x81")
    )
    news = extract_document(
        raw, "https://xww.bucea.edu.cn/zhxw/26536.htm", "text/html", kind="news"
    )
    assert news.parse_warnings == ["encoding: undecodable bytes replaced (decoded as utf-8)"]
    assert news.title == "学校召开深入开展创先争优活动推进会"
    assert news.body.endswith("\ufffd")


def test_clean_pages_have_no_encoding_warning() -> None:
    raw = (PAGES / "brief_kxfzg_2448_gb2312.html").read_bytes()
    brief = extract_document(
        raw, "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html", kind="brief"
    )
    assert brief.parse_warnings == []


def test_a_news_site_on_a_cited_host_does_not_cite_itself() -> None:
    html = (
        "<html><body><div class='TRS_Editor'><p>通知全文见 <a href='./P0201.pdf'>附件</a>，"
        "另见 <a href='http://jyt.hunan.gov.cn/jyt/x/t1.html'>本站</a> 与 "
        "<a href='http://www.moe.gov.cn/jyb_xwfb/t2.html'>教育部通知</a>。</p></div>"
        "</body></html>"
    ).encode()
    url = "http://jyt.hunan.gov.cn/jyt/sjyt/jyyw/202603/t20260313_1.html"
    news = extract_document(html, url, kind="news", cited_hosts=("*.gov.cn",))
    assert isinstance(news, News)
    assert [c.url for c in news.cites] == ["http://www.moe.gov.cn/jyb_xwfb/t2.html"]
