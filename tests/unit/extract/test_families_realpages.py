"""Family detection and extraction over the real pages kept beside the repository
(``../shared/realpages``, see its SOURCES.md): never copied into the repository, so these
tests are skipped where that folder is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.extract import decode_html
from archiver.extract.families import (
    canonical_article_url,
    detect_family,
    extract_article,
    extract_list,
    is_challenge_page,
)
from tests.fixtures import REPO

REALPAGES = REPO.parent / "shared" / "realpages"

pytestmark = pytest.mark.skipif(not REALPAGES.is_dir(), reason=f"{REALPAGES} is absent")

# The family each file's name says (the zjdpc page is Hanweb: /art/…/art_…, jcms, #zoom); a
# page whose name names no family (the Wayback-wrapped xinhuanet page) is of none we know.
_NAMED = (("_vsb9_", "vsb"), ("_trs_", "trs"), ("_ucap_", "ucap"), ("founder-enp", "enp"),
          ("zjdpc", "hanweb"))  # fmt: skip


def named_family(name: str) -> str | None:
    return next((family for token, family in _NAMED if token in name), None)


def real_pages() -> list[Path]:
    return sorted(REALPAGES.glob("*/*.html")) if REALPAGES.is_dir() else []


def read(path: Path) -> str:
    text, _encoding = decode_html(path.read_bytes())
    return text


@pytest.mark.parametrize("path", real_pages(), ids=lambda p: p.name)
def test_detect_family_of_real_pages(path: Path) -> None:
    html = read(path)
    assert not is_challenge_page(html)
    assert detect_family(html) == named_family(path.name)


def test_every_family_of_the_real_pages_is_covered() -> None:
    found = {named_family(p.name) for p in real_pages()}
    assert found == {"vsb", "trs", "ucap", "enp", "hanweb", None}


# (file, the page's URL, title, published)
ARTICLES = [
    (
        "vsb/whu-cs_vsb9_article_info-1074-64481.htm.html",
        "https://cs.whu.edu.cn/info/1074/64481.htm",
        "2026-2027学年第一学期计算机学院助教招募通知",
        "2026-07-13T19:02+08:00",
    ),
    (
        "vsb/whu-news_vsb9_article_info-1002-45084.htm.html",
        "https://news.whu.edu.cn/info/1002/45084.htm",
        "【学在武大】我怎样当助教",
        "2016-01-06T16:13+08:00",
    ),
    (
        "vsb/sxmu-jjc_vsb9_article_browser-saved_from-GNE-tests.html",
        "http://www.sxmu.edu.cn/jijian/info/1081/978.htm",
        "中华人民共和国监察法",
        "2018-05-17",
    ),
    (
        "gov/shanxi-gov_trs_article_t20190918_693227_from-GNE-tests.html",
        "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml",
        "山西品牌丝路行（南美站）正式启动",
        "2019-09-18T06:23+08:00",
    ),
    (
        "gov/cjn-changjiang_trs_article_wuhan-holiday_from-GNE-tests.html",
        "http://news.cjn.cn/sywh/202010/t3714581.htm",
        "外媒眼中的武汉长假：蓬勃发展，欢声笑语",
        "2020-10-04T20:30+08:00",
    ),
    (
        "gov/cmse-gov_trs_article_tianhe-press-conf2_from-GNE-tests.html",
        "http://www.cmse.gov.cn/ztbd/xwfbh/201206/t20120624_43188.html",
        "天宫一号与神舟九号载人交会对接任务第二场新闻发布会",
        "2012-06-24",
    ),
    (
        "gov/zjdpc-gov_article_deqing-investment_from-GNE-tests.html",
        "http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html",
        "1-10月德清县固定资产投资结构趋稳趋优",
        "2016-11-22T09:53+08:00",
    ),
    (
        # The visible page date (2023-10-23) is when the page was generated, not published.
        "gov/gov-cn_ucap_gongbao-2007-23_from-GNE-tests.html",
        "https://www.gov.cn/gongbao/content/2007/content_711039.htm",
        "全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007年末国债余额限额的决议",
        "2007-08-20",
    ),
    (
        "gov/kepu-gov_founder-enp_content_1755244_from-magic-html-benchmark.html",
        "http://www.kepu.gov.cn/politics/2023-12/01/content_1755244.html",
        "习近平主持召开深入推进长三角一体化发展座谈会",
        "2023-12-01T14:43:00+08:00",
    ),
    (
        "gov/gmw_founder-enp_content_37319243_from-magic-html-benchmark.html",
        "https://politics.gmw.cn/2024-05/13/content_37319243.htm",
        "维护全人类共同利益需联手抵制保护主义",
        "2024-05-13T08:49:21+08:00",
    ),
]


@pytest.mark.parametrize(
    ("name", "url", "title", "published"), ARTICLES, ids=[a[0] for a in ARTICLES]
)
def test_real_articles(name: str, url: str, title: str, published: str) -> None:
    html = read(REALPAGES / name)
    news = extract_article(html, url, detect_family(html))
    assert (news.title, news.published) == (title, published)
    assert len(news.body) > 100
    assert news.provenance["body"].startswith(f"{named_family(name)}:")
    assert "2168" not in news.body  # the click count the browser filled in (sxmu)


def test_a_real_vsb_list_page_2_of_4() -> None:
    html = read(REALPAGES / "vsb" / "whu-cs_vsb9_list-page2_xwdt-tzgg-bkjx-3.htm.html")
    url = "https://cs.whu.edu.cn/xwdt/tzgg/bkjx/3.htm"
    page = extract_list(html, url, detect_family(html))
    assert page.next_url == "https://cs.whu.edu.cn/xwdt/tzgg/bkjx/2.htm"  # counting down
    assert page.section == "本科教学"
    assert len(page.items) == 15 and all(item.date for item in page.items)
    assert (
        page.items[1].title == "计算机学院2025年普通本科生转专业工作细则"
    )  # not title="武汉大学…"
    twins = [canonical_article_url(item.url) for item in page.items if "content.jsp" in item.url]
    assert twins == [
        "https://cs.whu.edu.cn/info/1074/54341.htm",
        "https://cs.whu.edu.cn/info/1074/46751.htm",
    ]
