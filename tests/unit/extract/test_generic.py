"""extract_generic over pages of no known template (fixtures/pages/generic/).

The fixture pages were written for this project to the markup of VSB, SUDY WebPlus, TRS,
Hanweb, Founder ENP, UCAP, WordPress and PHPCMS pages and of custom templates (div and
old table layouts). ``expected.json`` beside them holds, per page, the URL it stands for
and the title, date, source and body it must give; the benchmark
(``benchmarks/bench_generic.py``) reads the same table.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from lxml import etree

from archiver.extract import decode_html
from archiver.extract.generic import GenericArticle, extract_generic
from archiver.extract.generic_byline import document_date
from archiver.extract.generic_meta import match_strength, meta_datetime
from archiver.extract.text import parse_html
from tests.fixtures import PAGES as ALL_PAGES

PAGES = ALL_PAGES / "generic"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (PAGES / "expected.json").read_text(encoding="utf-8")
)

#: Text that must not be in the body: navigation, bylines, widgets, related lists,
#: comments, footers. (Each also occurs on its page, so the test means something.)
ABSENT: dict[str, tuple[str, ...]] = {
    "vsb_news_info_1002_4521.htm": (
        "当前位置", "学校要闻", "稿件来源", "发布日期", "阅读量", "上一篇", "相关新闻",
        "教务处召开新学期教学检查工作会", "版权所有", "京ICP备",
    ),
    "sudy_webplus_c1234a56789_page.htm": (
        "当前位置", "院系动态", "发布者", "浏览次数", "Copyright", "浙ICP备",
    ),
    "trs_jw_t20240315_3612345.html": (
        "今天是", "您当前的位置", "发布日期", "字号", ".TRS_Editor", "打印本页", "关闭窗口",
        "相关新闻", "市教委召开2024年教育工作会议", "京ICP备", "createPageHTML",
    ),
    "hanweb_art_1229_5678.html": ("当前位置", "浏览次数", "字号", "打印本页", "浙ICP备"),
    "enp_content_37319888.htm": (
        "教育频道", "来源：", "分享到", "相关阅读", "高校开展安全教育月活动", "Copyright",
    ),
    "ucap_gongbao_content_711039.htm": ("时间 2023-10-23", "字体", "公报", "京ICP备"),
    "wordpress_post_2024_03_slug.html": (
        "馆务新闻", "2 条评论", "经典共读活动非常好", "请问旧书交换集市", "读者甲",
        "新增两个中文电子书数据库试用", "读书 求知 明理", "©",
    ),
    "phpcms_show_catid_12_id_345.html": (
        "2021年3月8日", "关于2021年清明节放假安排的通知", "当前位置", "点击", "分享到",
        "上一篇", "学院召开新学期教学工作会议", "Copyright",
    ),
    "custom_table_gb2312_2448.html": (
        "今天是", "您现在的位置", "最新动态", "我院召开2011年党风廉政建设工作会议",
        "[2011年05月04日]", "字号", "打印本页", "版权所有",
    ),
    "custom_date_badge_news_20240306.html": (
        "2024.03", "供稿", "分享到", "上一篇", "2024年春季学期教学检查工作顺利完成", "沪ICP备",
    ),
    "no_date_today_sidebar_page.htm": (
        "今天是", "最新新闻", "学院举行2024届毕业生就业双选会", "2024-05-18", "作者",
        "Copyright",
    ),
    "feed_below_short_article.html": (
        "更多新聞", "本地大學新學年增設人工智能課程", "考評局公布", "熱門", "天文台", "版權所有",
    ),
    "wayback_wrapped_2012_news.html": ("captures", "2012年7月11日", "通知公告", "来源", "版权所有"),
    "malformed_truncated_news.htm": ("首页", "发布时间", "点击"),
    "bureau_no_date_t20230601_88.html": ("当前位置", "字体", "打印", "Copyright", "京ICP备"),
    "custom_date_below_body.html": (
        "您的位置", "通知公告", "发布时间", "浏览", "上一条", "学院召开本科教学工作研讨会",
        "Copyright",
    ),
    "notice_event_time_no_byline.html": ("今天是", "通知公告", "学术报告", "京ICP备"),
}  # fmt: skip

#: Where each value must come from, for pages that test a particular rule.
PROVENANCE: dict[str, dict[str, str]] = {
    "vsb_news_info_1002_4521.htm": {
        "title": "generic:h1",
        "published": "generic:meta-line:发布日期",
        "source": "generic:meta-line:稿件来源",
    },
    "sudy_webplus_c1234a56789_page.htm": {
        "published": "generic:meta-line:发布时间",
        "source": "generic:meta-line:发布者",
    },
    # The gov meta PubDate (with its time) wins over the visible 发布日期.
    "trs_jw_t20240315_3612345.html": {"published": "generic:meta:pubdate"},
    "enp_content_37319888.htm": {"published": "generic:enpproperty:date"},
    # UCAP: the visible bare 时间 is the save time; the document's own date is read.
    "ucap_gongbao_content_711039.htm": {"published": "generic:document-date"},
    "custom_table_gb2312_2448.html": {"source": "generic:body-end:供稿"},
    "custom_date_badge_news_20240306.html": {"published": "generic:meta-line:split"},
    "wayback_wrapped_2012_news.html": {"published": "generic:meta-line"},
    # A byline printed below the text.
    "custom_date_below_body.html": {"published": "generic:after-body:发布时间"},
}


def extract(name: str) -> GenericArticle:
    html, _ = decode_html((PAGES / name).read_bytes())
    return extract_generic(html, EXPECTED[name]["url"])


def test_every_fixture_page_is_in_the_tables() -> None:
    pages = {p.name for p in PAGES.iterdir() if p.suffix in (".htm", ".html")}
    assert pages == set(EXPECTED) == set(ABSENT)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_fields(name: str) -> None:
    article = extract(name)
    expected = EXPECTED[name]
    assert article.title == expected["title"]
    assert article.published == expected["published"]
    assert article.source == expected["source"]
    assert article.body == expected["body"]


@pytest.mark.parametrize("name", sorted(ABSENT))
def test_fixture_body_has_no_furniture(name: str) -> None:
    article = extract(name)
    html, _ = decode_html((PAGES / name).read_bytes())
    page_text = "".join(parse_html(html).itertext())
    for text in ABSENT[name]:
        assert text in page_text, f"{text!r} is not on the page: the check tests nothing"
        assert text not in article.body, f"{text!r} in the body of {name}"


@pytest.mark.parametrize("name", sorted(PROVENANCE))
def test_fixture_provenance(name: str) -> None:
    provenance = extract(name).provenance
    for field, rule in PROVENANCE[name].items():
        assert provenance[field] == rule


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_body_element_html_and_provenance(name: str) -> None:
    article = extract(name)
    assert isinstance(article.body_element, etree._Element)
    assert "<script" not in article.body_html and "<style" not in article.body_html
    first_line = article.body.split("\n")[0]
    assert first_line[:10] in "".join(article.body_element.itertext()).replace("\u3000", "")
    for field in ("title", "published", "source", "body"):
        assert (field in article.provenance) == bool(getattr(article, field))
    if article.published is None:
        assert any(w.startswith("published:") for w in article.parse_warnings)


# -- dates the page does not print as its own ------------------------------------------------

_PAGE = """<html><head><meta charset="utf-8"><title>{title}_某某大学新闻网</title></head>
<body>{header}<div class="main">{sidebar}<div class="article"><h1>{title}</h1>
<div class="info">作者：宣传部 浏览次数：12</div>
<div class="content"><p>4月10日，学校举行春季运动会开幕式，两千余名运动员参加入场式。</p>
<p>本届运动会共设田径和趣味项目四十余项，比赛将持续三天。</p></div></div></div>
{footer}</body></html>"""

NO_DATE_CASES = {
    "url": {},
    "footer copyright year": {
        "footer": '<div class="footer">Copyright © 2024 某某大学 版权所有 京ICP备05000000号</div>'
    },
    "today widget": {"header": '<div class="top">今天是2024年4月11日 星期四</div>'},
    "today widget without words": {"header": '<div class="top">2024年4月11日 星期四</div>'},
    "sidebar of dated headlines": {
        "sidebar": '<ul class="list"><li><a href="/a/1.htm">学校召开教学工作会议</a>'
        "<span>2024-04-08</span></li><li><a href=\"/a/2.htm\">图书馆举办读书节</a>"
        "<span>2024-04-02</span></li></ul>"
    },
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(NO_DATE_CASES))
def test_no_date_is_invented(case: str) -> None:
    parts = {"header": "", "sidebar": "", "footer": "", **NO_DATE_CASES[case]}
    html = _PAGE.format(title="学校举行2024年春季运动会", **parts)
    article = extract_generic(html, "https://news.example.edu.cn/2024/0410/c12a345/page.htm")
    assert article.published is None
    assert "published" not in article.provenance
    assert any(w.startswith("published:") for w in article.parse_warnings)
    assert article.title == "学校举行2024年春季运动会"
    assert article.body.startswith("4月10日，学校举行春季运动会开幕式")
    assert article.source == "宣传部"


def test_dated_headlines_between_heading_and_body_are_not_the_byline() -> None:
    sidebar = (
        '<div class="side"><ul><li><a href="/a/1.htm">学校召开教学工作会议</a>'
        '<span>2024-04-08</span></li><li><a href="/a/2.htm">图书馆举办读书节</a>'
        "<span>2024-04-02</span></li></ul></div>"
    )
    html = (
        '<html><head><title>学校举行2024年春季运动会</title></head><body><div class="top">'
        '<h1>学校举行2024年春季运动会</h1></div><div class="row">'
        + sidebar
        + '<div class="main"><p>4月10日，学校举行春季运动会开幕式，两千余名运动员参加。</p>'
        "<p>本届运动会共设田径和趣味项目四十余项，比赛将持续三天。</p></div></div></body></html>"
    )
    article = extract_generic(html, "https://news.example.edu.cn/a/1.htm")
    assert article.title == "学校举行2024年春季运动会"
    assert article.body.startswith("4月10日")
    assert article.published is None


def test_a_notice_keeps_its_event_lines_and_takes_no_date_from_them() -> None:
    article = extract("notice_event_time_no_byline.html")
    assert article.published is None
    assert article.body.split("\n")[:4] == [
        "讲座题目：人工智能与教育的未来",
        "时间：2024年5月28日（周二）14:30",
        "地点：图书馆三楼报告厅",
        "主讲人：某某大学教育学院教授",
    ]


def test_a_date_under_another_label_is_not_the_publication_date() -> None:
    html = _PAGE.format(title="学校举行2024年春季运动会", header="", sidebar="", footer="")
    html = html.replace("作者：宣传部", "更新时间：2024-04-12 作者：宣传部")
    assert extract_generic(html, "https://news.example.edu.cn/a/1.htm").published is None


def test_a_byline_date_beside_the_heading_is_read() -> None:
    html = _PAGE.format(title="学校举行2024年春季运动会", header="", sidebar="", footer="")
    html = html.replace("作者：宣传部", "2024-04-10 17:05 来源：宣传部")
    article = extract_generic(html, "https://news.example.edu.cn/a/1.htm")
    assert article.published == "2024-04-10T17:05+08:00"
    assert article.provenance["published"] == "generic:meta-line"
    assert article.source == "宣传部"


# -- odd pages ---------------------------------------------------------------------------------

ODD_PAGES = {
    "empty": "",
    "whitespace": "   \n\t ",
    "not html": "这不是网页，只是一句话",
    "bare tags": "<html><head></head><body></body></html>",
    "only a script": "<body><script>var a = '很长的脚本文字，不是正文。';</script></body>",
    "only a menu": '<ul><li><a href="/">首页</a></li><li><a href="/b">新闻</a></li></ul>',
    "broken markup": "<html><body><div><p>半截<b>标签</div></p></i><<>>&&;&#xZZ;<p",
    "xml declaration": '<?xml version="1.0" encoding="gb2312"?><html><body><p>短</p></body>',
    "control characters": "<html><body><p>正文\x00\x01\x0b内容。</p></body></html>",
    # (libxml2 stops at a depth of 256: the text below is lost, but nothing raises)
    "too deep for the parser": "<div>" * 3000 + "<p>深处的一段正文。</p>" + "</div>" * 3000,
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(ODD_PAGES))
def test_odd_pages_never_raise(case: str) -> None:
    article = extract_generic(ODD_PAGES[case], "https://example.edu.cn/x.htm")
    assert isinstance(article, GenericArticle)
    assert article.parse_warnings
    assert article.published is None
    if not article.body:
        assert any(w.startswith("body:") for w in article.parse_warnings)


def test_deep_nesting_is_read() -> None:
    html = (
        "<html><body><h1>学校召开大会</h1>"
        + "<div><font>" * 120
        + "<p>深处的一段正文，嵌套很深也能读出。</p>"
        + "</font></div>" * 120
        + "</body></html>"
    )
    article = extract_generic(html, "https://example.edu.cn/x.htm")
    assert article.body == "深处的一段正文，嵌套很深也能读出。"
    assert article.title == "学校召开大会"


def test_a_page_without_prose_has_no_body_but_its_heading() -> None:
    html = "<html><head><title>通知</title></head><body><h1>关于放假的通知</h1><p>放假。</p>"
    article = extract_generic(html, "https://example.edu.cn/x.htm")
    assert article.title == "关于放假的通知"
    assert article.body == "" and article.body_element is None
    assert article.published is None and article.source is None
    assert "body: no element holds prose" in article.parse_warnings


# -- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05T02:30:00+00:00", "2024-03-05T10:30+08:00"),
        ("2024-05-22T00:21:04.000Z", "2024-05-22T08:21:04+08:00"),
        ("2024-03-05T10:30:00+08:00", "2024-03-05T10:30+08:00"),
        ("2023-12-01 14:43:00:0", "2023-12-01T14:43:00+08:00"),
        ("2024-05-13", "2024-05-13"),
        ("页面生成", None),
        (None, None),
    ],
)
def test_meta_datetime(value: str | None, expected: str | None) -> None:
    assert meta_datetime(value) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["国务院办公厅", "二〇〇七年七月二十日"], "2007-07-20"),
        (["某某大学", "二〇二四年十二月三十一日"], "2024-12-31"),
        (["教育部办公厅", "2024年3月5日"], "2024-03-05"),
        (["二〇〇七年七月二十日，会议召开。"], None),
        (["没有日期"], None),
    ],
)
def test_document_date(lines: list[str], expected: str | None) -> None:
    assert document_date(lines) == expected


@pytest.mark.parametrize(
    ("heading", "hint", "strength"),
    [
        ("学校召开本科教学工作会议", "学校召开本科教学工作会议", 3),
        ("学校召开本科教学工作会议", "学校召开本科教学工作会议 - 某某大学新闻网", 2),
        ("学校召开本科教学工作…", "学校召开本科教学工作会议", 2),
        ("某某大学新闻网", "学校召开本科教学工作会议 - 某某大学新闻网", 0),
        ("学校召开本科教学工作会议 来源：宣传部 2024-03-26", "学校召开本科教学工作会议", 0),
        ("新闻", "学校召开本科教学工作会议", 0),
    ],
)
def test_match_strength(heading: str, hint: str, strength: int) -> None:
    assert match_strength(heading, hint) == strength
