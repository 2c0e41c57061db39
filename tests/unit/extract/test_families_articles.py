"""CMS families: articles (every field and where it came from) and bureau pages."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field
from typing import Any

import pytest
from lxml import etree

from archiver.extract import extract_brief, extract_news
from archiver.extract.families import (
    detect_family,
    extract_article,
    extract_bureau_page,
)
from archiver.records import Brief, Citation, News
from tests.fixtures.families import FIXTURES, URLS, page_text

CITED_HOSTS = ("*.moe.gov.cn", "jw.beijing.gov.cn", "*.bjedu.gov.cn")
MOE = "http://www.moe.gov.cn"


def read(name: str) -> News:
    html = page_text(name)
    return extract_article(html, URLS[name], detect_family(html, URLS[name]), CITED_HOSTS)


def body(*lines: str) -> str:
    return "\n".join(lines)


ARTICLES: list[tuple[str, dict[str, Any]]] = [
    (
        # VSB: the form's h2 (the ArticleTitle meta repeats it; h1.intro is a lead-in), the
        # time from PubDate, the byline's labels, VSB's download.jsp attachment.
        "vsb_article_info_1002_45321.htm",
        {
            "site": "news.daxue-a.edu.cn",
            "title": "我校召开2024年教学工作会议",
            "published": "2024-03-15T10:20+08:00",
            "department": "教务处",
            "contributor": "本科生院",
            "reviewer": "李华",
            "sections": ["学校要闻"],
            "body": body(
                "3月14日，学校在大礼堂召开2024年教学工作会议。校领导、各学院院长和教学副院长参加会议。",
                "会议传达了北京市教育委员会《关于做好2024年高校教学工作的通知》（通知原文）精神。",
                "会议现场",
                "会议要求，各学院要对照教育部的部署（网址：http://www.moe.gov.cn/jyb_xwfb/s5147/"
                "202403/t20240312_1119876.html）。抓好落实。",
                "会议材料见教学工作要点（PDF）。",
                "（编辑：赵六）",
            ),
            "cites": [
                Citation(
                    "http://jw.beijing.gov.cn/jyzx/jyxw/202403/t20240314_3600001.html", "link"
                ),
                Citation(f"{MOE}/jyb_xwfb/s5147/202403/t20240312_1119876.html", "text"),
            ],
            "attachments": [
                "https://news.daxue-a.edu.cn/__local/5/1A/2B/3C4D5E6F7A8B9C0D1E2F3A4B5C6_D7E8F9A0.pdf",
                "https://news.daxue-a.edu.cn/system/_content/download.jsp?"
                "urltype=news.DownloadAttachUrl&owner=1245613553&wbfileid=8807421",
            ],
            "images": [
                "https://news.daxue-a.edu.cn/__local/A/3C/7F/E2B0D9C41F8A6E5D2C3B4A5968_1A2B3C4D.jpg"
            ],
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                "title": "vsb:form[name=_newscontent_fromname] h2",
                "published": "meta:PubDate",
                "department": "vsb:label:来源",
                "contributor": "vsb:label:供稿",
                "reviewer": "vsb:label:审核",
                "sections": "meta:ColumnName",
                "body": "vsb:#vsb_content_2 .v_news_content",
                "body_html": "vsb:#vsb_content_2 .v_news_content",
                "images": "vsb:#vsb_content_2 .v_news_content",
                "cites": "vsb:#vsb_content_2 .v_news_content",
                "attachments": "vsb:form[name=_newscontent_fromname] a[href*=download.jsp]",
            },
        },
    ),
    (
        # Old VSB table template saved from a browser: the title outside the form, the count
        # 2168 filled in, 来源 empty (the department only in the sign-off).
        "vsb_article_old_table_saved.htm",
        {
            "title": "关于开展2018年党风廉政宣传教育月活动的通知",
            "published": "2018-05-17",
            "department": "纪委办公室",
            "contributor": None,
            "reviewer": None,
            "sections": [],
            "body": body(
                "各党总支、直属党支部：",
                "为深入推进党风廉政建设，经研究，决定于5月开展党风廉政宣传教育月活动。"
                "现将有关事项通知如下。",
                "一、活动时间：2018年5月20日至6月20日",
                "二、活动内容：组织观看警示教育片，开展廉政党课。",
                "（纪委办公室）",
                "2018年5月17日",
            ),
            "cites": [],
            "attachments": [],
            "images": [],
            "parse_warnings": [
                "title: no h1/h2 in form[name=_newscontent_fromname]; "
                "took the heading above the date line"
            ],
            "provenance": {
                "site": "url",
                "title": "vsb:page:heading-before-date-line",
                "published": "vsb:label:发布时间",
                "department": "vsb:body-signoff",
                "body": "vsb:div#vsb_content",
                "body_html": "vsb:div#vsb_content",
            },
        },
    ),
    (
        # SUDY (single-quoted bytes): 发布者 is the department; the sign-off names the
        # contributor and reviewer; sudyfile-attr and the PDF player are attachments.
        "sudy_article_c1234a98765_page.htm",
        {
            "title": "我校举办2026年春季学期研究生导师培训会",
            "published": "2026-03-26",
            "department": "研究生院",
            "contributor": "研究生院培养办",
            "reviewer": "张明",
            "sections": ["学校要闻"],
            "body": body(
                "3月25日，研究生院举办2026年春季学期研究生导师培训会，全校200余名研究生导师参加。",
                "培训会解读了教育部《研究生导师指导行为准则》（http://www.moe.gov.cn/srcsite/A22/"
                "s7065/202011/t20201111_499442.html）。",
                "培训会现场",
                "附件：附件1：导师培训报名表.docx",
                "（供稿：研究生院培养办\u3000审核：张明）",
            ),
            "cites": [Citation(f"{MOE}/srcsite/A22/s7065/202011/t20201111_499442.html", "text")],
            "attachments": [
                "https://news.daxue-b.edu.cn/_upload/article/files/5e/3a/0c1d2e3f4a5b6c7d8e9f0a1b2c3d/"
                "3f2e1d0c-b9a8-4765-8432-10fedcba9876.docx",
                "https://news.daxue-b.edu.cn/_upload/article/files/5e/3a/0c1d2e3f4a5b6c7d8e9f0a1b2c3d/"
                "7b6a5948-3726-4150-9a8b-7c6d5e4f3a2b.pdf",
            ],
            "images": [
                "https://news.daxue-b.edu.cn/_upload/article/images/5e/3a/0c1d2e3f4a5b6c7d8e9f0a1b2c3d/"
                "8a9b0c1d-2e3f-4a5b-6c7d-8e9f0a1b2c3d.jpg"
            ],
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                "title": "sudy:h1.arti_title",
                "published": "sudy:span.arti_update",
                "department": "sudy:span.arti_publisher",
                "contributor": "sudy:body-signoff:供稿",
                "reviewer": "sudy:body-signoff:审核",
                "sections": "page:breadcrumb",
                "body": "sudy:div.wp_articlecontent",
                "body_html": "sudy:div.wp_articlecontent",
                "images": "sudy:div.wp_articlecontent",
                "cites": "sudy:div.wp_articlecontent",
                "attachments": "sudy:a[sudyfile-attr], sudy:div.wp_pdf_player[pdfsrc]",
            },
        },
    ),
    (
        # SUDY with hyphens: the time; no publisher, so the sign-off is the department.
        "sudy_article_hyphen_c1234a98700_page.htm",
        {
            "title": "学校召开2026年学生工作会议",
            "published": "2026-03-20T14:05+08:00",
            "department": "党委学生工作部",
            "sections": [],
            "body": body(
                "3月19日下午，学校召开2026年学生工作会议，总结2025年学生工作，部署新学期重点任务。",
                "会议强调，要坚持立德树人根本任务，做好学生思想政治教育、资助育人和心理健康教育。",
                "（党委学生工作部）",
            ),
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                "title": "sudy:h1.arti-title",
                "published": "sudy:span.arti-update",
                "department": "sudy:body-signoff",
                "body": "sudy:div.wp_articlecontent",
                "body_html": "sudy:div.wp_articlecontent",
            },
        },
    ),
    (
        # TRS university news without gov meta: the heading, an unlabelled date with its
        # time, the labels on one line; <style> and print links are not body.
        "trs_article_t20240315_123456.html",
        {
            "title": "学校召开2024年本科教学工作会议",
            "published": "2024-03-15T09:30+08:00",
            "department": "党委宣传部",
            "contributor": "教务处",
            "reviewer": "刘强",
            "sections": ["综合新闻"],
            "body": body(
                "3月14日下午，学校召开2024年本科教学工作会议，全面部署新学期本科教学工作。",
                "会议传达学习了教育部《关于深化本科教育教学改革全面提高人才培养质量的意见》（原文链接）。",
                "会议现场",
                "会议材料：2024年本科教学工作要点.pdf",
            ),
            "cites": [Citation(f"{MOE}/srcsite/A08/s7056/201910/t20191011_402759.html", "link")],
            "attachments": [
                "https://www.daxue-c.edu.cn/xwzx/zhxw/202403/P020240315512345678902.pdf"
            ],
            "images": ["https://www.daxue-c.edu.cn/xwzx/zhxw/202403/W020240315512345678901.jpg"],
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                "title": "trs:page:heading-before-body",
                "published": "trs:date-line-before-body",
                "department": "trs:label:来源",
                "contributor": "trs:label:供稿",
                "reviewer": "trs:label:审核",
                "sections": "page:breadcrumb",
                "body": "trs:div.TRS_Editor",
                "body_html": "trs:div.TRS_Editor",
                "images": "trs:div.TRS_Editor",
                "cites": "trs:div.TRS_Editor",
                "attachments": "trs:div.TRS_Editor",
            },
        },
    ),
    (
        # TRS with gov meta and the body only between the template's comments.
        "trs_article_comment_region_t20240311_3612345.html",
        {
            "title": "关于开展2024年中小学校园安全专项检查的通知",
            "published": "2024-03-11T15:00+08:00",
            "department": "北京市教育委员会",
            "sections": ["通知公告"],
            "body": body(
                "各区教委，各直属单位：",
                "为切实做好春季学期校园安全工作，市教委决定开展2024年中小学校园安全专项检查。",
                "检查安排详见检查工作方案.docx。",
                "北京市教育委员会",
                "2024年3月11日",
            ),
            "attachments": ["http://jw.beijing.gov.cn/tzgg/202403/P020240311600000000001.docx"],
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                "title": "meta:ArticleTitle",
                "published": "meta:PubDate",
                "department": "meta:ContentSource",
                "sections": "meta:ColumnName",
                "body": "trs:<!--<$[信息内容]>-->",
                "body_html": "trs:<!--<$[信息内容]>-->",
                "cites": "trs:<!--<$[信息内容]>-->",
                "attachments": "trs:<!--<$[信息内容]>-->",
            },
        },
    ),
    (
        # Hanweb: gov meta (lower-case contentSource), #zoom.
        "hanweb_article_art_1532973_58941234.html",
        {
            "title": "省教育厅部署2024年高校毕业生就业创业工作",
            "published": "2024-03-15T10:42+08:00",
            "department": "浙江省教育厅办公室",
            "sections": ["教育动态"],
            "body": body(
                "3月14日，省教育厅召开全省高校毕业生就业创业工作视频会议，部署2024年高校毕业生就业创业工作。",
                "会议要求，各高校要落实教育部相关部署（http://www.moe.gov.cn/jyb_xwfb/gzdt_gzdt/s5987/"
                "202403/t20240310_1118888.html），全力促进毕业生高质量充分就业。",
            ),
            "cites": [
                Citation(f"{MOE}/jyb_xwfb/gzdt_gzdt/s5987/202403/t20240310_1118888.html", "text")
            ],
            "images": ["http://jyt.zj.gov.cn/picture/0/2403151602110012345.jpg"],
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                "title": "meta:ArticleTitle",
                "published": "meta:PubDate",
                "department": "meta:ContentSource",
                "sections": "meta:ColumnName",
                "body": "hanweb:#zoom",
                "body_html": "hanweb:#zoom",
                "images": "hanweb:#zoom",
                "cites": "hanweb:#zoom",
            },
        },
    ),
    (
        # Hanweb without gov meta: its template comments and 发布日期.
        "hanweb_article_comments_only_art_1229_600123.html",
        {
            "title": "关于公布2024年度省级一流本科课程认定结果的通知",
            "published": "2024-04-02",
            "department": "高等教育处",
            "body": body(
                "各普通高等学校：",
                "经学校申报、专家评审和公示，认定一批2024年度省级一流本科课程，现予公布。",
            ),
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                "title": "hanweb:<!--<$[标题]>-->",
                "published": "hanweb:label:发布日期",
                "department": "hanweb:<!--<$[信息来源]>-->",
                "body": "hanweb:#zoom",
                "body_html": "hanweb:#zoom",
            },
        },
    ),
    (
        # ENP: the enpproperty comment first (not the visible h1, date or 来源).
        "enp_article_content_1760001.html",
        {
            "title": "全国科普工作会议在京召开",
            "published": "2024-03-15T14:43:00+08:00",
            "department": "新华社",
            "sections": ["时政新闻"],
            "body": body(
                "新华社北京3月15日电\u3000全国科普工作会议15日在北京召开。",
                "会议指出，要把科学普及放在与科技创新同等重要的位置。",
            ),
            "images": ["http://www.kepu-a.cn/politics/pic/2024-03/15/1760001_a1b2c3d4.jpg"],
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                "title": "enp:enpproperty/title",
                "published": "enp:enpproperty/date",
                "department": "enp:enpproperty/sourcename",
                "sections": "enp:enpproperty/nodename",
                "body": "enp:<!--enpcontent-->",
                "body_html": "enp:<!--enpcontent-->",
                "images": "enp:<!--enpcontent-->",
            },
        },
    ),
    (
        # ENP without sourcename: the visible 来源, without the time printed right after it.
        "enp_article_no_sourcename_content_37400001.htm",
        {
            "title": "让更多青年在基层一线建功立业",
            "published": "2024-05-13T08:49:21+08:00",
            "department": "人民日报",
            "sections": ["要闻"],
            "body": body(
                "基层是青年成长成才的广阔舞台。",
                "各地各部门要为青年到基层一线工作创造条件。（钟才文）",
            ),
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                "title": "enp:enpproperty/title",
                "published": "enp:enpproperty/date",
                "department": "enp:label:来源",
                "sections": "enp:enpproperty/nodename",
                "body": "enp:<!--enpcontent-->",
                "body_html": "enp:<!--enpcontent-->",
            },
        },
    ),
    (
        # UCAP: firstpublishedtime, not the visible save date; a stray </html> mid-page.
        "ucap_gongbao_content_711100.htm",
        {
            "title": "国务院关于加强县级教师发展中心建设的决定",
            "published": "2007-08-20",
            "department": None,
            "sections": ["2007年第23号"],
            "cites": [Citation(f"{MOE}/srcsite/A10/s7011/200707/t20070720_81234.html", "text")],
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                "title": "ucap:div.share-title",
                "published": "meta:firstpublishedtime",
                "sections": "page:breadcrumb",
                "body": "ucap:#UCAP-CONTENT",
                "body_html": "ucap:#UCAP-CONTENT",
                "cites": "ucap:#UCAP-CONTENT",
            },
        },
    ),
    (
        # UCAP without the meta tags: the document's own date, still not the save date.
        "ucap_gongbao_no_meta_content_711100.htm",
        {
            "published": "2007-07-20",
            "provenance": {
                "site": "url",
                "title": "ucap:div.share-title",
                "published": "ucap:document-date",
                "sections": "page:breadcrumb",
                "body": "ucap:#UCAP-CONTENT",
                "body_html": "ucap:#UCAP-CONTENT",
                "cites": "ucap:#UCAP-CONTENT",
            },
        },
    ),
]


@pytest.mark.parametrize(("name", "expected"), ARTICLES, ids=[name for name, _ in ARTICLES])
def test_extract_article(name: str, expected: dict[str, Any]) -> None:
    news = read(name)
    assert {field: getattr(news, field) for field in expected} == expected
    assert (news.url, news.kind, news.capture) == (URLS[name], "news", None)
    # Every filled field names the rule it came from.
    for name in ("title", "published", "department", "contributor", "reviewer", "body"):
        assert bool(getattr(news, name)) == (name in news.provenance), name


@pytest.mark.parametrize("name", [name for name, _ in ARTICLES])
def test_no_counts_share_widgets_or_page_furniture_in_the_body(name: str) -> None:
    news = read(name)
    for unwanted in (
        "2168",
        "浏览",
        "阅读",
        "分享",
        "打印",
        "关闭窗口",
        "字号",
        "上一条",
        "版权所有",
    ):
        assert unwanted not in news.body, unwanted
    assert "<script" not in news.body_html and "<style" not in news.body_html
    for marker in ("data-trs-content", "data-hanweb-content", "data-enpcontent"):
        assert marker not in news.body_html  # no trace of the comment regions' wrappers
    assert etree.fromstring(news.body_html, etree.HTMLParser()) is not None


def test_body_html_is_the_body_element() -> None:
    news = read("sudy_article_c1234a98765_page.htm")
    assert news.body_html.startswith('<div class="wp_articlecontent">')
    assert 'pdfsrc="/_upload/article/files/' in news.body_html


def test_a_vsb_page_reads_the_same_from_bytes_with_its_bom() -> None:
    name = "vsb_article_info_1002_45321.htm"
    raw = (FIXTURES / "families" / name).read_bytes()
    from_text = read(name)
    assert extract_article(raw, URLS[name], "vsb", CITED_HOSTS) == from_text
    assert extract_article(raw.decode("utf-8"), URLS[name], "vsb", CITED_HOSTS) == from_text


def test_a_missing_template_part_is_a_warning_not_an_invention() -> None:
    html = (
        "<html><head><title>某页 - 某某大学</title></head><body><p>没有正文容器</p></body></html>"
    )
    news = extract_article(html, "https://a.edu.cn/info/1/2.htm", "vsb")
    assert news.body == "" and news.published is None
    assert news.parse_warnings == [
        "body: #vsb_content not found",
        "title: no form[name=_newscontent_fromname]; took <title>",
        "published: no PubDate meta or 发布时间/发布日期 label",
    ]
    news = extract_article(html, "https://a.edu.cn/2024/0101/c1a2/page.htm", "sudy")
    assert "body: div.wp_articlecontent not found" in news.parse_warnings


# ---------------------------------------------------------------- bureau pages


def test_a_trs_bureau_page_is_read_as_extract_brief_reads_it() -> None:
    name = "brief_trs_jw_beijing_t20220609.html"
    html = page_text(name, FIXTURES)
    url = "http://jw.beijing.gov.cn/jyzx/jyxw/202206/t20220609_2738200.html"
    assert detect_family(html, url) == "trs"
    assert extract_bureau_page(html, url, "trs") == extract_brief(html, url)


def test_a_trs_bureau_page_whose_body_extract_brief_misses() -> None:
    name = "trs_article_comment_region_t20240311_3612345.html"
    brief = extract_bureau_page(page_text(name), URLS[name], "trs")
    assert brief.body.startswith("各区教委，各直属单位：\n")
    assert brief.body_html.startswith("<div><p>各区教委")
    assert brief.parse_warnings == []
    assert brief.provenance == {
        "site": "url",
        "title": "meta:ArticleTitle",
        "published": "meta:PubDate",
        "source": "meta:ContentSource",
        "body": "trs:<!--<$[信息内容]>-->",
        "body_html": "trs:<!--<$[信息内容]>-->",
    }


@pytest.mark.parametrize(
    "name", ["brief_kxfzg_2448_gb2312.html", "brief_kxfzg_2502_gbk_chars.html"]
)
def test_the_campaign_sites_table_layout_is_read_as_extract_brief_reads_it(name: str) -> None:
    html = page_text(name, FIXTURES)
    url = "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html"
    assert detect_family(html, url) is None
    assert extract_bureau_page(html, url, None) == extract_brief(html, url)


BUREAU_PAGES: list[tuple[str, dict[str, Any]]] = [
    (
        "hanweb_article_art_1532973_58941234.html",
        {
            "title": "省教育厅部署2024年高校毕业生就业创业工作",
            "published": "2024-03-15T10:42+08:00",
            "source": "浙江省教育厅办公室",
            "status": "live",
            "parse_warnings": [],
            "provenance": {
                "site": "url",
                "title": "meta:ArticleTitle",
                "published": "meta:PubDate",
                "source": "meta:ContentSource",
                "body": "hanweb:#zoom",
                "body_html": "hanweb:#zoom",
            },
        },
    ),
    (
        "enp_article_content_1760001.html",
        {
            "title": "全国科普工作会议在京召开",
            "published": "2024-03-15T14:43:00+08:00",
            "source": "新华社",
            "provenance": {
                "site": "url",
                "title": "enp:enpproperty/title",
                "published": "enp:enpproperty/date",
                "source": "enp:enpproperty/sourcename",
                "body": "enp:<!--enpcontent-->",
                "body_html": "enp:<!--enpcontent-->",
            },
        },
    ),
    (
        "ucap_gongbao_content_711100.htm",
        {
            "title": "国务院关于加强县级教师发展中心建设的决定",
            "published": "2007-08-20",
            "source": None,
            "body": body(
                "国务院关于加强县级",
                "教师发展中心建设的决定",
                "（2007年7月20日）",
                "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
                "为加强农村教师队伍建设，现就加强县级教师发展中心建设作出如下决定。",
                "详见教育部网站（http://www.moe.gov.cn/srcsite/A10/s7011/200707/t20070720_81234.html）。",
                "国务院",
            ),
        },
    ),
    (
        "sudy_article_hyphen_c1234a98700_page.htm",
        {"title": "学校召开2026年学生工作会议", "source": None},  # the sign-off is news-only
    ),
]


@pytest.mark.parametrize(("name", "expected"), BUREAU_PAGES, ids=[n for n, _ in BUREAU_PAGES])
def test_extract_bureau_page(name: str, expected: dict[str, Any]) -> None:
    html = page_text(name)
    brief = extract_bureau_page(html, URLS[name], detect_family(html, URLS[name]))
    assert isinstance(brief, Brief)
    assert {field: getattr(brief, field) for field in expected} == expected
    assert (brief.kind, brief.status, brief.archived_url) == ("brief", "live", None)


def test_a_vsb_bureau_page() -> None:
    html = page_text("brief_vsb_xcb_bjedu_4518_bom.htm", FIXTURES)
    brief = extract_bureau_page(html, "https://xcb.bjedu.cn/info/1021/4518.htm", "vsb")
    assert (brief.title, brief.published, brief.source) == (
        "北京市教育系统开展2022年“师德建设月”活动",
        "2022-09-05T09:30+08:00",
        "北京市委教育工委宣传处",
    )
    assert brief.provenance["source"] == "vsb:label:稿件来源"
    assert brief.body.startswith("9月是北京市教育系统“师德建设月”。")


def test_a_bucea_bureau_page_takes_its_department_as_source() -> None:
    html = page_text("news_2022_ttxw_hex.htm", FIXTURES)
    url = "https://xww.bucea.edu.cn/ttxw/8f3c2a1b9d7e4f6a8b0c1d2e3f4a5b6c.htm"
    news, brief = extract_news(html, url), extract_bureau_page(html, url, "bucea")
    assert (brief.title, brief.published, brief.body) == (news.title, news.published, news.body)
    assert brief.source == news.department
    assert brief.provenance["source"] == news.provenance["department"]


# ---------------------------------------------------------------- no known family


@dataclass
class FakeGenericArticle:
    title: str | None
    published: str | None
    body: str
    body_html: str
    source: str | None
    body_element: Any
    provenance: dict[str, str] = field(default_factory=dict)
    parse_warnings: list[str] = field(default_factory=list)


@pytest.fixture
def generic(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """archiver.extract.generic replaced by a stand-in that records its calls."""
    calls: list[tuple[str, str]] = []

    def extract_generic(html: str, url: str) -> FakeGenericArticle:
        calls.append((html, url))
        element = etree.fromstring(
            '<div class="article"><p>见 <a href="http://www.moe.gov.cn/a/t1.html">通知</a>'
            '和附件<a href="/f/x.docx">x.docx</a></p><img src="/i/1.jpg"></div>',
            etree.HTMLParser(),
        ).find(".//div")
        return FakeGenericArticle(
            title="一篇文章",
            published="2024-03-01",
            body="见 通知和附件x.docx",
            body_html="<div>…</div>",
            source="宣传部",
            body_element=element,
            provenance={
                "title": "generic:h1",
                "published": "generic:label:发布时间",
                "source": "generic:label:来源",
                "body": "generic:div.article",
            },
            parse_warnings=["generic: a warning"],
        )

    module = types.ModuleType("archiver.extract.generic")
    module.extract_generic = extract_generic  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "archiver.extract.generic", module)
    return calls


def test_an_article_of_no_known_family_is_read_by_the_generic_extractor(
    generic: list[tuple[str, str]],
) -> None:
    news = extract_article(
        "<html><body>x</body></html>", "https://c.edu.cn/a/1.html", None, CITED_HOSTS
    )
    assert generic == [("<html><body>x</body></html>", "https://c.edu.cn/a/1.html")]
    assert (news.title, news.published, news.department, news.body) == (
        "一篇文章",
        "2024-03-01",
        "宣传部",
        "见 通知和附件x.docx",
    )
    assert news.cites == [Citation("http://www.moe.gov.cn/a/t1.html", "link")]
    assert news.attachments == ["https://c.edu.cn/f/x.docx"]
    assert news.images == ["https://c.edu.cn/i/1.jpg"]
    assert news.parse_warnings == ["generic: a warning"]
    assert news.provenance == {
        "site": "url",
        "title": "generic:h1",
        "published": "generic:label:发布时间",
        "department": "generic:label:来源",
        "body": "generic:div.article",
        "images": "generic:div.article",
        "attachments": "generic:div.article",
        "cites": "generic:div.article",
    }


def test_a_bureau_page_of_no_known_family_is_read_by_the_generic_extractor(
    generic: list[tuple[str, str]],
) -> None:
    brief = extract_bureau_page(
        "<html><body><div>x</div></body></html>", "https://a.gov.cn/1.html", None
    )
    assert len(generic) == 1
    assert (brief.title, brief.source, brief.status) == ("一篇文章", "宣传部", "live")
    assert brief.provenance["source"] == "generic:label:来源"


def test_a_table_layout_field_extract_brief_misses_comes_from_the_generic_reading(
    generic: list[tuple[str, str]],
) -> None:
    html = (
        "<html><head><title>工作简报 - 某某网</title></head><body><table><tr>"
        '<td><font size="4"><b>第十二期工作简报</b></font></td></tr><tr><td>来源：市教育工委</td>'
        "</tr><tr><td>" + "各单位认真开展学习活动，取得了明显成效。" * 4 + "</td></tr></table>"
        "</body></html>"
    )
    url = "http://kxfzg.bjedu.gov.cn/gzjb/2011-05-01/2600.html"
    only_brief = extract_brief(html, url)
    assert only_brief.published is None and only_brief.title and only_brief.body
    brief = extract_bureau_page(html, url, None)
    assert len(generic) == 1
    assert (brief.title, brief.source, brief.body) == (
        only_brief.title,
        only_brief.source,
        only_brief.body,
    )
    assert brief.published == "2024-03-01"
    assert brief.provenance["published"] == "generic:label:发布时间"
    assert not any(w.startswith("published:") for w in brief.parse_warnings)


def test_text_beside_the_templates_content_markers_is_kept() -> None:
    html = (
        '<html><head><meta name="ArticleTitle" content="一则通知"></head><body>'
        '<div class="TRS_Editor"><meta name="ContentStart">开头的文字<p>第二段</p>'
        '<meta name="ContentEnd">结尾</div></body></html>'
    )
    news = extract_article(html, "http://a.gov.cn/tzgg/202401/t20240102_1.html", "trs")
    assert news.body == "开头的文字\n第二段\n结尾"
    assert news.body_html == '<div class="TRS_Editor">开头的文字<p>第二段</p>结尾</div>'
