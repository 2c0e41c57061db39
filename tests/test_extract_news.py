"""extract_news over article pages written to the news site's markup (SITES.md §1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archiver.extract import extract_document, extract_news
from archiver.records import Citation, News

PAGES = Path(__file__).parent / "fixtures" / "pages"

# fixture file -> the URL it stands for
URLS = {
    "news_2011_zhxw_26536.htm": "https://xww.bucea.edu.cn/zhxw/26536.htm",
    "news_2022_ttxw_hex.htm": "https://xww.bucea.edu.cn/ttxw/3f9a6c2e8b1d4e7fa0c5b2d9e6f1a8c3.htm",
    "news_2012_xxyw_28811_utf8_declared_gb2312.htm": "https://xww.bucea.edu.cn/xxyw/28811.htm",
    "news_2011_xxyw_26601_gbk_declared_utf8.htm": "https://xww.bucea.edu.cn/xxyw/26601.htm",
    "news_broken_truncated.htm": "https://xww.bucea.edu.cn/zhxw/26550.htm",
}

KXFZG = "http://kxfzg.bjedu.gov.cn/gzjb"


def read(name: str) -> News:
    record = extract_document((PAGES / name).read_bytes(), URLS[name], "text/html")
    assert isinstance(record, News)
    return record


EXPECTED: list[tuple[str, dict[str, Any]]] = [
    (
        # The seed article: empty 部门, ASCII colons without spaces, Word markup,
        # brief addresses as plain text, one followed by ）。
        "news_2011_zhxw_26536.htm",
        {
            "site": "xww.bucea.edu.cn",
            "title": "学校召开深入开展创先争优活动推进会",
            "published": "2011-04-11",
            "department": None,
            "contributor": None,
            "reviewer": None,
            "sections": ["综合新闻"],
            "cites": [
                Citation(f"{KXFZG}/2011-04-11/2448.html", "text"),
                Citation(f"{KXFZG}/2011-04-18/2502.html", "text"),
            ],
            "images": [],
            "attachments": [],
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                "title": "h2.detail-title",
                "published": "meta-line:发布时间",
                "sections": "page:column-label",
                "body": "div#art",
                "body_html": "div#art",
                "cites": "div#art",
            },
        },
    ),
    (
        # 2022: 部门/供稿/审核 with full-width colons, a time, images, a table, attachments,
        # a linked brief, a relative link to another article, print/close inside the body.
        "news_2022_ttxw_hex.htm",
        {
            "title": "学校召开2022年巡察工作动员部署会",
            "published": "2022-06-10T10:30+08:00",
            "department": "党建工作处(巡察办公室)",
            "contributor": "宣传部 王晓",
            "reviewer": "李明",
            "sections": ["头条新闻"],
            "cites": [
                Citation(
                    "http://jw.beijing.gov.cn/jyzx/jyxw/202206/t20220609_2738200.html", "link"
                ),
            ],
            "images": [
                "https://xww.bucea.edu.cn/__local/A/3F/12/E1D2C3B4A5968778695A4B3C2D1_5F6E7D8C_2A1B3.jpg"
            ],
            "attachments": [
                "https://xww.bucea.edu.cn/__local/9/8E/7D/巡察工作方案.doc",
                "https://xww.bucea.edu.cn/__local/5/6A/7B/REPORT-2022.PDF?v=3",
                "https://xww.bucea.edu.cn/__local/1/2C/3D/xuncha_schedule.xls",
            ],
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                "title": "h2.detail-title",
                "department": "meta-line:部门",
                "contributor": "meta-line:供稿",
                "reviewer": "meta-line:审核",
                "published": "meta-line:发布时间",
                "sections": "page:column-label",
                "body": "div#art",
                "body_html": "div#art",
                "images": "div#art",
                "attachments": "div#art",
                "cites": "div#art",
            },
        },
    ),
    (
        # ASCII colons with spaces, seconds; a link whose text is its own address; a link
        # through the web archive; declared gb2312 over UTF-8 bytes.
        "news_2012_xxyw_28811_utf8_declared_gb2312.htm",
        {
            "title": "我校学生在首都高校大学生结构设计竞赛中获佳绩",
            "published": "2012-05-08T09:15:30+08:00",
            "department": "教务处",
            "sections": ["学校要闻"],
            "cites": [
                Citation("http://www.bjedu.gov.cn/publish/portal0/tab67/info28811.htm", "link"),
                Citation(f"{KXFZG}/2012-05-07/3105.html", "link"),
            ],
            "parse_warnings": [],
        },
    ),
    (
        # Full-width colons without spaces, a 年月日 date; GBK bytes declared utf-8.
        "news_2011_xxyw_26601_gbk_declared_utf8.htm",
        {
            "title": "校团委召开五四表彰大会",
            "published": "2011-05-09",
            "department": "校团委",
            "sections": ["学校要闻"],
            "cites": [Citation(f"{KXFZG}/2011-05-06/2631.html", "text")],
            "parse_warnings": [],
        },
    ),
    (
        # Truncated page: no h2, no meta line, no column title; the breadcrumb remains.
        "news_broken_truncated.htm",
        {
            "title": None,
            "published": None,
            "department": None,
            "sections": ["综合新闻"],
            "body": "4月19日，学校召开教学工作会议。\n"
            "会议总结了上学期的教学工作，并对本学期重点工作进行了安",
            "parse_warnings": [
                "title: h2.detail-title not found or empty",
                "meta line: p > small with labels not found",
                "published: no meta line",
            ],
            "provenance": {
                "site": "url",
                "sections": "page:breadcrumb",
                "body": "div#art",
                "body_html": "div#art",
            },
        },
    ),
]


@pytest.mark.parametrize(("name", "expected"), EXPECTED, ids=[name for name, _ in EXPECTED])
def test_news_fields(name: str, expected: dict[str, Any]) -> None:
    news = read(name)
    actual = {field: getattr(news, field) for field in expected}
    assert actual == expected
    assert news.url == URLS[name]
    assert news.kind == "news"
    assert news.capture is None


BODIES = {
    "news_2011_zhxw_26536.htm": [
        "4月8日上午，我校在大兴校区基础楼报告厅召开深入开展创先争优活动推进会。校党委书记钱军出席会议并讲话，"
        "各党总支、直属党支部书记及党员代表共120余人参加会议。",
        "会议通报了我校前一阶段创先争优活动的开展情况，并对下一阶段工作进行了部署。",
        "我校创先争优活动的经验做法已被北京市教育工委《创先争优活动简报》第15期刊发，"
        "网址: http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html",
        "钱军强调，要把创先争优活动与学校中心工作紧密结合"
        "（相关经验另见http://kxfzg.bjedu.gov.cn/gzjb/2011-04-18/2502.html）。"
        "学校网站http://www.bucea.edu.cn将开设专栏。",
        "（党委宣传部）",
    ],
    "news_2022_ttxw_hex.htm": [
        "图为动员部署会现场",
        "6月9日下午，学校在西城校区第一会议室召开2022年巡察工作动员部署会。会议深入学习贯彻北京市委教育工委"
        "相关文件精神（原文见北京市教委网站），对本轮巡察工作作出部署。",
        "会议指出，巡察是全面从严治党的重要举措。有关情况此前已在我校创先争优活动推进会上通报。",
        "巡察组\t被巡察单位\t进驻时间",
        "第一巡察组\t建筑与城市规划学院\t6月13日",
        "第二巡察组\t土木与交通工程学院\t6月14日",
        "附件：",
        "1.巡察工作方案.doc",
        "2.巡察工作报告.PDF",
        "3.进驻安排表.xls",
        "查看大图",
    ],
    "news_2011_xxyw_26601_gbk_declared_utf8.htm": [
        "5月6日上午，校团委在西城校区礼堂召开纪念五四运动92周年暨表彰大会。",
        "大会表彰了30个先进团支部。北京市教育工委简报对此作了报道，"
        "网址：http://kxfzg.bjedu.gov.cn/gzjb/2011-05-06/2631.html。",
    ],
    "news_2012_xxyw_28811_utf8_declared_gb2312.htm": [
        "5月5日，第六届首都高校大学生结构设计竞赛在北京工业大学举行，我校代表队获一等奖。",
        "竞赛通知见北京市教委网站：http://www.bjedu.gov.cn/publish/portal0/tab67/info28811.htm；",
        "获奖名单另见工作简报（存档），",
        "参赛作品展示：大赛官网。",
        "（教务处\u3000土木学院）",
    ],
}


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
    news = extract_news(without_meta, URLS["news_2011_zhxw_26536.htm"])
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
    news = extract_news(html, "https://xww.bucea.edu.cn/zhxw/1.htm")
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
    news = extract_news(html, "https://xww.bucea.edu.cn/zhxw/1.htm")
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
    news = extract_news(html, "https://xww.bucea.edu.cn/zhxw/1.htm")
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
    news = extract_news(html, "https://xww.bucea.edu.cn/zhxw/1.htm")
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
    news = extract_news(html, "https://xww.bucea.edu.cn/zhxw/1.htm")
    assert news.body == "正文最后一段。\n打印机采购结果公示"
