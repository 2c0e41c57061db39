"""Extractors never raise: the classes of page that made them raise, and the net under them.

Each class was found by fuzzing (tests/unit/extract/test_fuzz.py keeps looking):

* control characters (``\\x1a`` from Word, ``&#27;``): lxml keeps them when it parses a page
  and refuses them when an extractor joins two texts of the tree;
* markup after an early ``</html>``: libxml2 puts it in a second root, where XPath's ``//``
  finds it and ``root.iter()`` does not (a half-closed ``TRS_Editor`` page: a KeyError in
  the layout code).
"""

from __future__ import annotations

import logging

import pytest

from archiver.extract import extract_brief, extract_document
from archiver.extract.families import FAMILIES, extract_article, extract_bureau_page, extract_list
from archiver.extract.guard import EXTRACTOR_FAILED
from archiver.extract.html import normalise_space, parse_html

TRS_URL = "http://jw.beijing.gov.cn/tzgg/202403/t20240311_3612345.html"

TRS_PAGE = """<html><head><title>关于做好招生工作的通知_北京市教育委员会</title>
<meta name="ArticleTitle" content="关于做好招生工作的通知">
<meta name="PubDate" content="2024-03-11 09:30">
<meta name="ContentSource" content="北京市教育委员会">
</head><body><div class="TRS_Editor"><p>各区教委：</p>
<style>p {{}}</style>{tail}<p>现将有关事项通知如下。</p></div></body></html>"""


def _warnings(record: object) -> list[str]:
    return [w for w in getattr(record, "parse_warnings", []) if w.startswith(EXTRACTOR_FAILED)]


@pytest.mark.parametrize("tail", ["\x1a特此通知", "&#26;特此通知", "特此\x1b通知", "特此&#31;通知"])
@pytest.mark.parametrize("kind", ["news", "brief"])
def test_a_control_character_beside_a_dropped_element_is_read_around(tail: str, kind: str) -> None:
    # the <style> goes, and its tail joins the paragraph before it: lxml refused the join
    page = TRS_PAGE.format(tail=tail).encode("utf-8")
    record = extract_document(page, TRS_URL, kind=kind)  # type: ignore[arg-type]
    assert _warnings(record) == []
    assert record.title == "关于做好招生工作的通知"
    assert record.published == "2024-03-11T09:30+08:00"
    assert "特此通知" in record.body.replace("\n", "")
    assert not any(ch in record.body for ch in "\x1a\x1b\x1f")


@pytest.mark.parametrize("family", [None, *FAMILIES])
def test_every_family_reads_a_page_of_control_characters(family: str | None) -> None:
    page = TRS_PAGE.format(tail="\x00\x01\x08\x0b\x0c\x0e\x1a\x1b\x7f\x9b&#1;&#27;").encode()
    for record in (
        extract_article(page, TRS_URL, family),
        extract_bureau_page(page, TRS_URL, family),
        extract_list(page, TRS_URL, family),
    ):
        assert _warnings(record) == []


def test_values_hold_no_control_characters() -> None:
    assert normalise_space("标题\x1a一\x1b[31m\x9b二\x7f\x00") == "标题一[31m二"
    assert normalise_space(" a\x1cb\u3000c ") == "ab\u3000c"
    assert normalise_space("a\x85b") == "a\x85b"  # NEL is a line end, not an invisible mark


# A server-side include that sends a second page after the first: libxml2 starts a second
# root, whose dated line the layout code found by XPath but could not place (KeyError).
EARLY_END = """<html><head><title>关于公布课程认定结果的通知 - 江苏省教育厅</title></head><body>
<div class="info">发布日期：2024年04月02日</div>
<div id="zoom"><p>各普通高等学校：经学校申报、专家评审和公示，现将结果公布。</p></div>
</body></html>
<html><body><div class="side"><div><div>日期：2024年04月03日</div></div></div></body></html>
"""


@pytest.mark.parametrize("family", [None, *FAMILIES])
def test_markup_after_an_early_end_of_page_is_read(family: str | None) -> None:
    url = "http://jyt.jiangsu.gov.cn/art/2024/4/2/art_1229_600123.html"
    for record in (
        extract_brief(EARLY_END, url),
        extract_bureau_page(EARLY_END, url, family),
        extract_article(EARLY_END, url, family),
        extract_list(EARLY_END, url, family),
    ):
        assert _warnings(record) == []
    brief = extract_brief(EARLY_END, url)
    assert (brief.title, brief.published) == ("关于公布课程认定结果的通知", "2024-04-02")
    assert "现将结果公布" in brief.body


def test_a_second_root_joins_the_first_body() -> None:
    root = parse_html("<html><body><p>一</p></body></html><p>二</p><html><body>三<div>四</div>")
    assert "".join(root.find("body").itertext()) == "一二三四"
    assert "".join(root.xpath("//text()")) == "一二三四"  # XPath sees the page as iter() does


def test_an_extractor_that_raises_gives_a_record_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from archiver.extract import families

    def broken(html: str, url: str) -> None:
        raise KeyError("a bug meeting a page nobody foresaw")

    monkeypatch.setitem(families._ARTICLE_READERS, "trs", broken)
    with caplog.at_level(logging.ERROR, logger="archiver.extract.guard"):
        news = extract_article(TRS_PAGE.format(tail=""), TRS_URL, "trs")
    assert (news.url, news.site, news.title, news.body) == (TRS_URL, "jw.beijing.gov.cn", None, "")
    (warning,) = news.parse_warnings
    assert warning.startswith(f"{EXTRACTOR_FAILED}: _read_article: KeyError:")
    assert "\n" not in warning
    assert TRS_URL in caplog.text and "Traceback" in caplog.text


def test_an_unknown_family_is_still_a_mistake_of_the_caller() -> None:
    with pytest.raises(ValueError, match="unknown page family"):
        extract_article("<html></html>", TRS_URL, "nosuch")


HANWEB_TWICE = """<html><head><title>课程认定结果的通知 - 江苏省教育厅</title></head><body>
<div class="info">发布日期：2024年04月02日　信息来源：<!--<$[信息来源]>begin-->
<html><head><title>课程认定结果的通知 - 江苏省教育厅</title></head><body>
<div class="title"><!--<$[标题]>begin-->课程认定结果的通知<!--<$[标题]>end--></div>
<div class="info">发布日期：2024年04月02日　信息来源：<!--<$[信息来源]>begin-->高等教育处
<!--<$[信息来源]>end--></div><div id="zoom"><p>各普通高等学校：现予公布。</p></div></body></html>"""


def test_a_template_region_opened_twice_gives_the_inner_value() -> None:
    # a page cut and sent again opens one <!--<$[信息来源]>--> region inside another: the
    # source was the whole second page's head, with the comments' "begin-->" in it
    url = "http://jyt.jiangsu.gov.cn/art/2024/4/2/art_1229_600123.html"
    news = extract_article(HANWEB_TWICE, url, "hanweb")
    assert (news.title, news.department) == ("课程认定结果的通知", "高等教育处")


@pytest.mark.parametrize("family", [None, "trs", "hanweb"])
def test_a_meta_value_of_control_characters_is_no_value(family: str | None) -> None:
    page = (
        '<html><head><meta name="ArticleTitle" content="\x08"><meta name="ColumnName" '
        'content="\x1b[31m"><title>通知</title></head><body><h1>通知</h1><p>正文。</p></body></html>'
    )
    news, brief = extract_article(page, TRS_URL, family), extract_bureau_page(page, TRS_URL, family)
    for record in (news, brief):
        for value in (record.title, *getattr(record, "sections", [])):
            assert value is None or not any(ch in value for ch in "\x08\x1b"), value


RUNAWAY_TITLE = """<html><head><title/title>
</head><body><div class="content"><div class="title">关于公布课程认定结果的通知</div>
<div class="info">发布日期：2024年04月02日</div>
<div class="TRS_Editor"><p>各普通高等学校：现予公布。</p></div></div></body></html>"""


@pytest.mark.parametrize("family", [None, *FAMILIES])
def test_a_title_never_closed_does_not_take_the_page(family: str | None) -> None:
    # a <title>'s content is text up to </title>: unclosed, it was the whole page, markup and
    # all, and the page had no body
    for record in (
        extract_article(RUNAWAY_TITLE, TRS_URL, family),
        extract_bureau_page(RUNAWAY_TITLE, TRS_URL, family),
    ):
        assert record.title is None or "<" not in record.title, record.title
    brief = extract_bureau_page(RUNAWAY_TITLE, TRS_URL, "trs")
    assert (brief.title, brief.body) == ("关于公布课程认定结果的通知", "各普通高等学校：现予公布。")


def test_a_date_touching_an_undecodable_byte_is_not_read() -> None:
    # "2026-03-2\ufffd6": the byte lost may have been a digit of the day (lxml reads a NUL so)
    page = "<ul>" + "".join(
        f'<li><a href="/a/{n}.htm">学校召开第{n}次工作会议</a><span>2026-03-2\x006</span></li>'
        for n in range(1, 5)
    ) + "</ul>"
    listing = extract_list(page, "https://news.daxue-d.edu.cn/news/index.html", None)
    assert [item.date for item in listing.items] in ([], [None] * 4)
