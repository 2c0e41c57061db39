"""extract_news over article pages written to the news site's markup (SITES.md §1)."""

from __future__ import annotations

from typing import Any

import pytest

from archiver.extract import extract_document, extract_news
from archiver.records import News
from archiver.sites import bundled_profiles
from tests.fixtures import PAGES
from tests.fixtures.news import BODIES, EXPECTED, URLS

#: The bureau hosts the first site's profile names: where its articles' citations point.
CITED_HOSTS = bundled_profiles()["bucea"].cited_hosts


def read(name: str) -> News:
    record = extract_document(
        (PAGES / name).read_bytes(), URLS[name], "text/html", kind="news", cited_hosts=CITED_HOSTS
    )
    assert isinstance(record, News)
    return record


@pytest.mark.parametrize(("name", "expected"), EXPECTED, ids=[name for name, _ in EXPECTED])
def test_news_fields(name: str, expected: dict[str, Any]) -> None:
    news = read(name)
    actual = {field: getattr(news, field) for field in expected}
    assert actual == expected
    assert news.url == URLS[name]
    assert news.kind == "news"
    assert news.capture is None


@pytest.mark.parametrize("name", sorted(BODIES))
def test_news_body_lines(name: str) -> None:
    assert read(name).body.split("\n") == BODIES[name]


def test_word_smart_tags_keep_their_text() -> None:
    # Copies that dropped unknown tags read "56上午"; the text inside must stay.
    body = read("news_2011_xxyw_26601_gbk_declared_utf8.htm").body
    assert body.startswith("5月6日上午，")
    assert "56上午" not in body
    assert "30个先进团支部" in body


@pytest.mark.parametrize(
    "unwanted",
    [
        "字号大小",  # the font-size widget
        "打印本页",  # print / close links, inside or outside the body
        "关闭窗口",
        "京ICP备案",  # footer
        "版权所有",
        "微信公众号",
        "最新新闻",  # sidebar and its headlines
        "2011-04-15",
        "我校举行2011年春季运动会",
        "xml:namespace",  # Word's namespace declarations
        "\u3000",  # indentation is trimmed
        "\xa0",
    ],
)
@pytest.mark.parametrize("name", ["news_2011_zhxw_26536.htm", "news_2022_ttxw_hex.htm"])
def test_news_body_leaves_out_page_furniture(name: str, unwanted: str) -> None:
    assert unwanted not in read(name).body


def test_body_html_has_no_scripts_styles_or_comments() -> None:
    html = read("news_2011_zhxw_26536.htm").body_html
    assert html.startswith('<div class="m-content" id="art">')
    assert "<st1:chsdate" in html and "4月8日</st1:chsdate>上午" in html
    for unwanted in ("<script", "<style", "<!--", "<?xml", "xml:namespace"):
        assert unwanted not in html


def test_body_html_drops_chrome_inside_the_body() -> None:
    html = read("news_2022_ttxw_hex.htm").body_html
    assert "<table" in html and "<img" in html
    assert "打印本页" not in html and "window.close" not in html


def test_title_comes_from_h2_not_title_element() -> None:
    news = read("news_2011_zhxw_26536.htm")
    assert news.title == "学校召开深入开展创先争优活动推进会"
    assert "北京建筑大学新闻网" not in (news.title or "")


def test_published_never_comes_from_the_sidebar() -> None:
    # The sidebar holds <p><small>2011-04-12</small> …; the meta line gives 2011-04-11.
    html = (PAGES / "news_2011_zhxw_26536.htm").read_text(encoding="utf-8")
    without_meta = html.replace(
        "<small>部门: 发布时间:2011-04-11 阅读次数:", "<small>部门: 阅读次数:"
    )
    news = extract_news(without_meta, URLS["news_2011_zhxw_26536.htm"], CITED_HOSTS)
    assert news.published is None
    assert news.parse_warnings == ["published: no 发布时间 in meta line"]
    assert "published" not in news.provenance


@pytest.mark.parametrize(
    "sidebar",
    [
        # after the body
        '</div><div class="sidebar"><p><small>发布时间:2011-04-15</small></p></div>',
        # before the title
        '<div class="sidebar"><p><small>发布时间:2011-04-15</small></p></div></div>',
    ],
)
def test_labelled_sidebar_dates_are_not_the_meta_line(sidebar: str) -> None:
    article = (
        '<h2 class="detail-title">标题文字</h2><div class="m-content" id="art"><p>正文。</p></div>'
    )
    if sidebar.startswith("</div>"):
        html = f"<html><body><div>{article}{sidebar}</body></html>"
    else:
        html = f"<html><body><div>{sidebar}<div>{article}</div></body></html>"
    news = extract_news(html, "https://xww.bucea.edu.cn/zhxw/1.htm", CITED_HOSTS)
    assert news.published is None
    assert "published: no meta line" in news.parse_warnings


@pytest.mark.parametrize(
    ("meta_line", "department", "contributor", "reviewer", "published"),
    [
        ("部门: 发布时间:2011-04-11 阅读次数:", None, None, None, "2011-04-11"),
        ("部门:宣传部 发布时间:2011-04-11 阅读次数:", "宣传部", None, None, "2011-04-11"),
        ("部门：宣传部发布时间：2011-04-11阅读次数：", "宣传部", None, None, "2011-04-11"),
        ("部门 ： 宣传部 　发布时间 ： 2011-04-11 08:05 阅读次数 ：", "宣传部", None, None,
         "2011-04-11T08:05+08:00"),
        ("部门:党建工作处(巡察办公室) 供稿:组织部 审核:王强 发布时间:2022-06-10 阅读次数:",
         "党建工作处(巡察办公室)", "组织部", "王强", "2022-06-10"),
        ("部门:党建工作处供稿:组织部审核:王强发布时间:2022-06-10", "党建工作处", "组织部", "王强",
         "2022-06-10"),
    ],
)  # fmt: skip
def test_meta_line_labels(
    meta_line: str,
    department: str | None,
    contributor: str | None,
    reviewer: str | None,
    published: str,
) -> None:
    html = (
        '<html><body><h2 class="detail-title">标题文字</h2>'
        f'<p class="text-center"><small>{meta_line}</small></p>'
        '<div class="m-content" id="art"><p>正文。</p></div></body></html>'
    )
    news = extract_news(html, "https://xww.bucea.edu.cn/zhxw/1.htm", CITED_HOSTS)
    assert (news.department, news.contributor, news.reviewer, news.published) == (
        department,
        contributor,
        reviewer,
        published,
    )


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<html></html>", "not html at all", "<p>502 Bad Gateway</p>", "\x00\x01"],
)
def test_odd_input_gives_a_record_with_warnings(html: str) -> None:
    news = extract_news(html, "https://xww.bucea.edu.cn/zhxw/1.htm", CITED_HOSTS)
    assert news.title is None and news.published is None and news.body == ""
    assert news.parse_warnings == [
        "title: h2.detail-title not found or empty",
        "meta line: p > small with labels not found",
        "published: no meta line",
        "sections: no column label or breadcrumb on page",
        "body: div#art not found",
    ]
    assert news.provenance == {"site": "url"}


def test_empty_body_and_missing_publish_label_warn() -> None:
    html = (
        '<html><body><h2 class="detail-title">标题文字</h2>'
        "<p><small>部门: 阅读次数:</small></p>"
        '<div class="m-content" id="art"><p>&nbsp;</p></div></body></html>'
    )
    news = extract_news(html, "https://xww.bucea.edu.cn/zhxw/1.htm", CITED_HOSTS)
    assert news.parse_warnings == [
        "published: no 发布时间 in meta line",
        "sections: no column label or breadcrumb on page",
        "body: div#art holds no text or image",
    ]


def test_chrome_after_a_line_break_inside_a_paragraph_is_dropped() -> None:
    html = (
        '<html><body><h2 class="detail-title">标题文字</h2>'
        "<p><small>发布时间:2011-04-11</small></p>"
        '<div class="m-content" id="art"><p>正文最后一段。<br>【打印本页】 【关闭窗口】<br>'
        "字号：大 中 小</p><p>打印机采购结果公示</p></div></body></html>"
    )
    news = extract_news(html, "https://xww.bucea.edu.cn/zhxw/1.htm", CITED_HOSTS)
    assert news.body == "正文最后一段。\n打印机采购结果公示"
