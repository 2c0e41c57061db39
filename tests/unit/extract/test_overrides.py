"""A profile's own selectors over a family's reading: each matched field replaced, and said so."""

from __future__ import annotations

import pytest

from archiver.extract import extract_document
from archiver.extract.overrides import SelectorProblem, apply_selectors, compile_selector
from archiver.records import Brief, News

PAGE = """<html><head><title>首页 - 示例大学</title></head><body>
<div class="crumbs">首页 &gt; 新闻</div>
<h1 class="headline">示例大学召开年度工作会议</h1>
<div class="info"><span class="when">2026年03月05日 09:30</span>
<span class="unit">党委宣传部</span></div>
<div id="content"><p>会议总结了一年来的工作。</p><p>部署了新一年的任务。</p>
<script>var x = 1;</script></div>
<div class="footer">版权所有 示例大学</div></body></html>"""
URL = "https://news.example.edu.cn/a/1.htm"
SELECTORS = {
    "title": "h1.headline",
    "published": "span.when",
    "department": "span.unit",
    "body": "div#content",
}


def test_each_selector_gives_its_field_and_says_so() -> None:
    news = extract_document(PAGE.encode(), URL, kind="news", selectors=SELECTORS)
    assert isinstance(news, News)
    assert news.title == "示例大学召开年度工作会议"
    assert news.published == "2026-03-05T09:30+08:00"
    assert news.department == "党委宣传部"
    assert news.body.splitlines() == ["会议总结了一年来的工作。", "部署了新一年的任务。"]
    assert "script" not in news.body_html
    for name, css in SELECTORS.items():
        assert news.provenance[name] == f"profile:{css}"


def test_a_selector_that_matches_nothing_keeps_the_familys_value_and_warns() -> None:
    news = News(url=URL, site="news.example.edu.cn", title="原标题")
    news.provenance["title"] = "generic:h1"
    apply_selectors(PAGE, news, {"title": "h2.nowhere", "published": "div.crumbs"})
    assert news.title == "原标题" and news.provenance["title"] == "generic:h1"
    assert news.published is None  # the crumbs hold no date: none is made up
    assert news.parse_warnings == [
        "title: profile selector h2.nowhere matched nothing",
        "published: profile selector div.crumbs matched no value",
    ]


def test_a_bureau_pages_department_selector_fills_its_source() -> None:
    brief = Brief(url=URL, site="news.example.edu.cn")
    apply_selectors(PAGE, brief, {"department": "span.unit"})
    assert brief.source == "党委宣传部"


def test_a_bad_selector_is_one_line() -> None:
    with pytest.raises(SelectorProblem, match="is not a CSS selector"):
        compile_selector("div[[")
