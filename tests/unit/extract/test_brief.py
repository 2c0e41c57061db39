"""extract_brief over bureau pages: the TRS/gov CMS and the 2011 campaign site (SITES.md §2)."""

from __future__ import annotations

from typing import Any

import pytest

from archiver.extract import decode_html, extract_brief, extract_document
from archiver.records import Brief
from tests.fixtures import PAGES

URLS = {
    "brief_trs_jw_beijing_t20220609.html": (
        "http://jw.beijing.gov.cn/jyzx/jyxw/202206/t20220609_2738200.html"
    ),
    "brief_trs_labels_only_t20190322.html": (
        "http://jw.beijing.gov.cn/tzgg/201903/t20190322_1456789.html"
    ),
    "brief_kxfzg_2448_gb2312.html": "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html",
    "brief_kxfzg_2502_gbk_chars.html": "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-18/2502.html",
    "brief_vsb_xcb_bjedu_4518_bom.htm": "https://xcb.bjedu.cn/info/1021/4518.htm",
}


def read(name: str) -> Brief:
    record = extract_document((PAGES / name).read_bytes(), URLS[name], "text/html", kind="brief")
    assert isinstance(record, Brief)
    return record


EXPECTED: list[tuple[str, dict[str, Any]]] = [
    (
        # Gov meta tags win over the visible labels (and over an alt="发布日期：…" decoy).
        "brief_trs_jw_beijing_t20220609.html",
        {
            "site": "jw.beijing.gov.cn",
            "title": "市委教育工委召开2022年市属高校巡察工作培训会",
            "published": "2022-06-09T16:42+08:00",
            "source": "北京市委教育工委",
            "status": "live",
            "archived_url": None,
            "body": "6月8日，市委教育工委召开2022年市属高校巡察工作培训会。"
            "市委教育工委委员出席会议并讲话，各市属高校巡察办负责同志参加培训。\n"
            "会议强调，要深入学习贯彻习近平总书记关于巡视工作的重要论述，坚持把“两个维护”作为根本任务。\n"
            "培训会现场\n"
            "会议对本轮巡察工作进行了具体安排。",
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                "title": "meta:ArticleTitle",
                "published": "meta:PubDate",
                "source": "meta:ContentSource",
                "body": "div.TRS_Editor",
                "body_html": "div.TRS_Editor",
            },
        },
    ),
    (
        # No gov meta tags: the heading, 发布日期： and 信息来源： labels; a sidebar with
        # 日期： comes first in the page and must not be read.
        "brief_trs_labels_only_t20190322.html",
        {
            "title": "北京市教育委员会关于做好2019年首都高校毕业生就业工作的通知",
            "published": "2019-03-22",
            "source": "北京市教育委员会",
            "body": "各高等学校：\n为做好2019年首都高校毕业生就业工作，现将有关事项通知如下。\n"
            "一、高度重视，加强组织领导。\n二、拓宽渠道，促进充分就业。\n北京市教育委员会\n2019年3月22日",
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                "title": "page:heading-before-date-line",
                "published": "label:发布日期",
                "source": "label:信息来源",
                "body": "div.TRS_Editor",
                "body_html": "div.TRS_Editor",
            },
        },
    ),
    (
        # The campaign site, real gb2312 bytes: a bold large-font title cell, then
        # 发布时间：… 来源：… 点击：, then td#zoom; a sidebar of other briefs with dates.
        "brief_kxfzg_2448_gb2312.html",
        {
            "site": "kxfzg.bjedu.gov.cn",
            "title": "北京建筑工程学院扎实推进创先争优活动",
            "published": "2011-04-11",
            "source": "北京市教育工委",
            "body": "近日，北京建筑工程学院召开深入开展创先争优活动推进会，"
            "总结前一阶段活动开展情况，部署下一阶段重点工作。\n"
            "一是坚持与中心工作相结合。学校把创先争优活动与教学评估、学科建设紧密结合，推动各项工作上水平。\n"
            "二是坚持与服务师生相结合。各党支部围绕师生关心的热点难点问题，开展“承诺践诺”活动。\n"
            "（北京建筑工程学院党委宣传部供稿）",
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                "title": "page:heading-before-date-line",
                "published": "label:发布时间",
                "source": "label:来源",
                "body": "td#zoom",
                "body_html": "td#zoom",
            },
        },
    ),
    (
        # The campaign site: 日期：YYYY年M月D日, a styled <span> title, a body cell without
        # id or class, and GBK-only characters (· 喆) under a gb2312 declaration.
        "brief_kxfzg_2502_gbk_chars.html",
        {
            "title": "北京建筑工程学院党委书记钱军为党员讲党课",
            "published": "2011-04-18",
            "source": "北京建筑工程学院党委宣传部",
            "body": "4月15日下午，北京建筑工程学院党委书记钱军在大兴校区为全体学生党员讲党课。\n"
            "钱军结合学校“十二五”发展规划，阐述了新时期学生党员应具备的素质和能力，"
            "勉励同学们在创先争优活动中争当先锋。\n"
            "党课由学校党委副书记主持，共有600余名学生党员参加。",
            "parse_warnings": ["body: no known body container; took the largest text cell"],
            "provenance": {
                "site": "url",
                "title": "page:heading-before-date-line",
                "published": "label:日期",
                "source": "label:来源",
                "body": "table:largest-text-cell",
                "body_html": "table:largest-text-cell",
            },
        },
    ),
    (
        # VSB page with a BOM and no charset anywhere; ContentSource missing, 稿件来源： shown.
        "brief_vsb_xcb_bjedu_4518_bom.htm",
        {
            "site": "xcb.bjedu.cn",
            "title": "北京市教育系统开展2022年“师德建设月”活动",
            "published": "2022-09-05T09:30+08:00",
            "source": "北京市委教育工委宣传处",
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                # a VSB page: read by that family's rules, the rule named with its family
                "title": "vsb:form[name=_newscontent_fromname] h1",
                "published": "meta:PubDate",
                "source": "vsb:label:稿件来源",
                "body": "vsb:#vsb_content .v_news_content",
                "body_html": "vsb:#vsb_content .v_news_content",
            },
        },
    ),
]


@pytest.mark.parametrize(("name", "expected"), EXPECTED, ids=[name for name, _ in EXPECTED])
def test_brief_fields(name: str, expected: dict[str, Any]) -> None:
    brief = read(name)
    assert {field: getattr(brief, field) for field in expected} == expected
    assert brief.kind == "brief"
    assert brief.url == URLS[name]


def test_gbk_only_characters_survive_a_gb2312_declaration() -> None:
    text, encoding = decode_html((PAGES / "brief_kxfzg_2502_gbk_chars.html").read_bytes())
    assert encoding == "gb18030"
    assert "作者：王喆" in text and "·<a" in text


@pytest.mark.parametrize(
    "name", ["brief_trs_jw_beijing_t20220609.html", "brief_kxfzg_2448_gb2312.html"]
)
def test_brief_body_leaves_out_styles_and_chrome(name: str) -> None:
    brief = read(name)
    for unwanted in ("TRS_Editor P", "font-size", "打印本页", "关闭窗口", "版权所有", "京ICP备"):
        assert unwanted not in brief.body
    assert "<style" not in brief.body_html and "打印本页" not in brief.body_html


def test_visible_labels_fill_in_when_meta_tags_are_empty() -> None:
    html = (PAGES / "brief_trs_jw_beijing_t20220609.html").read_text(encoding="utf-8")
    for name in ("ArticleTitle", "PubDate", "ContentSource"):
        html = html.replace(f'<meta name="{name}" content="', f'<meta name="{name}" content="" x="')
    brief = extract_brief(html, URLS["brief_trs_jw_beijing_t20220609.html"])
    assert (brief.title, brief.published, brief.source) == (
        "市委教育工委召开2022年市属高校巡察工作培训会",
        "2022-06-09",
        "北京市委教育工委",
    )
    assert brief.provenance["title"] == "page:heading-before-date-line"
    assert brief.provenance["published"] == "label:发布日期"
    assert brief.provenance["source"] == "label:来源"


def test_wayback_toolbar_is_ignored() -> None:
    name = "brief_kxfzg_2502_gbk_chars.html"
    html = (PAGES / name).read_bytes().decode("gb18030")
    # A toolbar with more text than the body and a dated line of its own.
    toolbar = (
        "<!-- BEGIN WAYBACK TOOLBAR INSERT --><div id='wm-ipp'><table><tr><td>"
        "<b>Wayback Machine 捕获记录</b><br>日期：2015-03-01 来源：Internet Archive<br>"
        + "存档说明文字" * 60
        + "</td></tr></table></div><!-- END WAYBACK TOOLBAR INSERT -->"
    )
    wrapped = html.replace("<body>", "<body>" + toolbar, 1)
    assert toolbar in wrapped
    assert extract_brief(wrapped, URLS[name]) == extract_brief(html, URLS[name])


def test_title_falls_back_to_title_element_with_a_warning() -> None:
    html = (
        "<html><head><title>关于开展2011年暑期社会实践的通知_北京市教育委员会</title></head>"
        "<body><div><p>各高校：</p><p>现就有关事项通知如下。</p></div></body></html>"
    )
    brief = extract_brief(html, "http://jw.beijing.gov.cn/tzgg/201106/t20110601_1.html")
    assert brief.title == "关于开展2011年暑期社会实践的通知"
    assert brief.provenance["title"] == "title-element"
    assert brief.parse_warnings == [
        "title: no ArticleTitle meta or heading; took <title>",
        "published: no PubDate meta or 发布日期/发布时间/日期 label",
        "source: no ContentSource meta or 来源 label",
        "body: no TRS_Editor, known body container or text cell",
    ]


@pytest.mark.parametrize("html", ["", "<html></html>", "\x00", "<table><tr><td>x"])
def test_odd_input_gives_a_record_with_warnings(html: str) -> None:
    brief = extract_brief(html, "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/1.html")
    assert (brief.title, brief.published, brief.source, brief.body) == (None, None, None, "")
    assert brief.parse_warnings == [
        "title: no ArticleTitle meta, heading or <title>",
        "published: no PubDate meta or 发布日期/发布时间/日期 label",
        "source: no ContentSource meta or 来源 label",
        "body: no TRS_Editor, known body container or text cell",
    ]
    assert brief.status == "live"


def test_empty_source_label_is_not_a_source() -> None:
    html = (
        "<html><body><table><tr><td><b>某校召开党建工作会议</b></td></tr>"
        "<tr><td>来源: | 发布时间: 2018-05-17 | 浏览次数: 2168</td></tr>"
        "<tr><td>" + "会议内容。" * 20 + "</td></tr></table></body></html>"
    )
    brief = extract_brief(html, "http://www.bjedu.cn/info/1/1.htm")
    assert (brief.title, brief.published, brief.source) == (
        "某校召开党建工作会议",
        "2018-05-17",
        None,
    )
    assert "source: no ContentSource meta or 来源 label" in brief.parse_warnings
