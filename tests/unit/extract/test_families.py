"""CMS families: detection from markers, list pages and their pagination, dynamic twins.

Fixture pages are written to the markup SITES.md §5–§6 and the real pages show
(tests/fixtures/pages/families/README.md); each stands for the URL in ``URLS``.
"""

from __future__ import annotations

import pytest

from archiver.extract import extract_list_page, extract_news
from archiver.extract.families import (
    FAMILIES,
    canonical_article_url,
    detect_family,
    extract_article,
    extract_bureau_page,
    extract_list,
    is_challenge_page,
)
from archiver.records import ListItem, ListPage
from tests.fixtures.families import FIXTURES, PAGES, SUDY, TRS, URLS, VSB, page_text


def test_every_fixture_has_a_url_and_every_url_a_fixture() -> None:
    on_disk = {p.name for p in PAGES.iterdir() if p.suffix in (".htm", ".html")}
    assert on_disk == set(URLS)


def test_the_families() -> None:
    assert FAMILIES == ("bucea", "vsb", "sudy", "trs", "hanweb", "enp", "ucap")


# ---------------------------------------------------------------- detection

DETECTED = {
    **{name: name.split("_", 1)[0] for name in URLS},
    "sudy_challenge_page.htm": None,
    "generic_list_news_index_2.html": None,
    "generic_list_table_numbers_only.htm": None,
}
# The first site's pages and the bureau pages of tests/fixtures/pages.
DETECTED_ELSEWHERE = {
    "news_2011_zhxw_26536.htm": "bucea",
    "news_2022_ttxw_hex.htm": "bucea",
    "news_broken_truncated.htm": "bucea",  # no h2.detail-title: div.m-content#art
    "list_ttxw_index.htm": "bucea",
    "list_ttxw_last_page.htm": "bucea",
    "brief_trs_jw_beijing_t20220609.html": "trs",
    "brief_trs_labels_only_t20190322.html": "trs",  # div#zoom > div.TRS_Editor: not Hanweb
    "brief_vsb_xcb_bjedu_4518_bom.htm": "vsb",
    "brief_kxfzg_2448_gb2312.html": None,  # a table layout with td#zoom: not Hanweb
    "brief_kxfzg_2502_gbk_chars.html": None,
}


@pytest.mark.parametrize(("name", "family"), sorted(DETECTED.items(), key=str))
def test_detect_family(name: str, family: str | None) -> None:
    assert detect_family(page_text(name), URLS[name]) == family


@pytest.mark.parametrize(("name", "family"), sorted(DETECTED_ELSEWHERE.items(), key=str))
def test_detect_family_of_the_first_sites_and_bureau_pages(name: str, family: str | None) -> None:
    assert detect_family(page_text(name, FIXTURES)) == family


def test_detection_needs_no_decoding_and_ignores_the_host() -> None:
    raw = (PAGES / "vsb_article_info_1002_45321.htm").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert detect_family(raw, "") == "vsb"  # bytes are decoded
    assert detect_family(raw.decode("utf-8"), "https://www.gov.cn/x.htm") == "vsb"  # BOM kept


def test_single_quoted_sudy_markers() -> None:
    # A page saved from a browser has double quotes, the server's bytes single ones.
    assert detect_family("<html class='webplus-page'><body></body></html>") == "sudy"
    assert detect_family('<html class="webplus-list"><body></body></html>') == "sudy"
    # /_upload/ alone is no proof: another marker is needed
    assert detect_family("<img src='/_upload/a.jpg'>") is None
    assert detect_family("<img src='/_upload/a.jpg'><ul class='wp_paging'></ul>") == "sudy"


# ---------------------------------------------------------------- challenge pages


def test_a_challenge_page_is_never_an_article() -> None:
    html = page_text("sudy_challenge_page.htm")
    url = URLS["sudy_challenge_page.htm"]
    assert is_challenge_page(html)
    assert detect_family(html, url) is None
    for family in (None, "sudy", "vsb"):
        news = extract_article(html, url, family)
        assert (news.title, news.body, news.published) == (None, "", None)
        assert news.parse_warnings == [
            "page: an anti-bot gateway's JavaScript challenge, not an article"
        ]
        brief = extract_bureau_page(html, url, family)
        assert (brief.title, brief.body) == (None, "")
        page = extract_list(html, url, family)
        assert page.items == [] and page.next_url is None


@pytest.mark.parametrize(
    ("html", "challenge"),
    [
        ("<html><head><meta content='x' r='m'></head><body></body></html>", True),
        ('<script>var $_ts = window["$_ts"];</script><p>正文</p>', True),
        ("<html><body><script>" + "var a=1;" * 200 + "</script></body></html>", True),
        ("<html><body><script>" + "var a=1;" * 200 + "</script><p>" + "正文" * 40, False),
        ("<html><body><p>短</p></body></html>", False),  # little text, little script
        ("<meta name='robots' content='all'>", False),
    ],
)
def test_is_challenge_page(html: str, challenge: bool) -> None:
    assert is_challenge_page(html) is challenge


def test_no_fixture_article_or_list_is_a_challenge() -> None:
    for name in URLS:
        assert is_challenge_page(page_text(name)) is (name == "sudy_challenge_page.htm"), name


# ---------------------------------------------------------------- lists

LISTS = [
    (
        # VSB page 1 of 4: the next page is bkjx/3.htm (page files count down).
        "vsb_list_bkjx_page1.htm",
        ListPage(
            url=f"{VSB}/xwdt/tzgg/bkjx.htm",
            section="本科教学",
            items=[
                ListItem(
                    f"{VSB}/info/1074/64481.htm",
                    "2026-2027学年第一学期计算机学院助教招募通知",
                    "2026-07-13",
                ),
                ListItem(
                    f"{VSB}/info/1074/64470.htm", "关于2026年暑期学校课程安排的通知", "2026-07-01"
                ),
                ListItem(
                    f"{VSB}/content.jsp?urltype=news.NewsContentUrl&wbtreeid=1074&wbnewsid=64455",
                    "计算机学院推荐2027届优秀本科毕业生免试攻读硕士学位研究生工作实施细则",
                    "2026-06-20",
                ),
            ],
            next_url=f"{VSB}/xwdt/tzgg/bkjx/3.htm",
        ),
    ),
    (
        # VSB page 2 of 4 (bkjx/3.htm): next is 2.htm; a title attribute holding the site's
        # name is not the title, a cut text's full title attribute is.
        "vsb_list_bkjx_3_page2.htm",
        ListPage(
            url=f"{VSB}/xwdt/tzgg/bkjx/3.htm",
            section="本科教学",
            items=[
                ListItem(
                    f"{VSB}/content.jsp?urltype=news.NewsContentUrl&wbtreeid=1074&wbnewsid=54341",
                    "计算机学院推荐2026届优秀本科毕业生 免试攻读硕士学位研究生工作实施细则",
                    "2025-06-12",
                ),
                ListItem(
                    f"{VSB}/info/1074/50411.htm",
                    "计算机学院2025年普通本科生转专业工作细则",
                    "2025-01-17",
                ),
                ListItem(
                    f"{VSB}/info/1074/50371.htm",
                    "2024-2025学年第二学期计算机学院助教招募通知",
                    "2025-01-15",
                ),
                ListItem(
                    "https://mp.weixin.qq.com/s/Qm8vT2xLpR4nZ7wY1kD3sA",
                    "【公众号】本科生转专业答疑汇总",
                    "2025-01-10",
                ),
            ],
            next_url=f"{VSB}/xwdt/tzgg/bkjx/2.htm",
        ),
    ),
    (
        # VSB last page (bkjx/1.htm): 下一页 is no link.
        "vsb_list_bkjx_1_last.htm",
        ListPage(
            url=f"{VSB}/xwdt/tzgg/bkjx/1.htm",
            section="本科教学",
            items=[
                ListItem(f"{VSB}/info/1074/20113.htm", "2019年本科教学工作安排", "2019-02-25"),
                ListItem(
                    f"{VSB}/info/1074/20087.htm",
                    "关于做好2019年春季学期开学工作的通知",
                    "2019-02-18",
                ),
            ],
            next_url=None,
        ),
    ),
    (
        # SUDY list.htm: a.next → list2.htm (counting up); the side list is not the list.
        "sudy_list_xyxw_list.htm",
        ListPage(
            url=f"{SUDY}/xyxw/list.htm",
            section="学校要闻",
            items=[
                ListItem(
                    f"{SUDY}/2026/0326/c1234a98765/page.htm",
                    "我校举办2026年春季学期研究生导师培训会",
                    "2026-03-26",
                ),
                ListItem(
                    f"{SUDY}/2026/0320/c1234a98700/page.htm",
                    "学校召开2026年学生工作会议",
                    "2026-03-20",
                ),
                ListItem(
                    f"{SUDY}/2026/0318/c1234a98688/page.psp",
                    "学校召开辅导员队伍建设推进会",
                    "2026-03-18",
                ),
                ListItem(
                    "https://mp.weixin.qq.com/s/Hk3pQ9zWx2LmN5vB8cT1yA",
                    "【青春】我校志愿者服务2026年马拉松赛事",
                    "2026-03-15",
                ),
            ],
            next_url=f"{SUDY}/xyxw/list2.htm",
        ),
    ),
    (
        # SUDY last page: a.next is javascript:void(0).
        "sudy_list_xyxw_list9_last.htm",
        ListPage(
            url=f"{SUDY}/xyxw/list9.htm",
            section="学校要闻",
            items=[
                ListItem(
                    f"{SUDY}/2019/0909/c1234a20011/page.htm",
                    "我校举行2019级新生开学典礼",
                    "2019-09-09",
                ),
                ListItem(
                    f"{SUDY}/2019/0901/c1234a20002/page.htm", "2019级本科新生报到", "2019-09-01"
                ),
            ],
            next_url=None,
        ),
    ),
    (
        # SUDY custom template, found by structure; the pager has only its page counts.
        "sudy_list_custom_tzgg_list2.htm",
        ListPage(
            url="https://www.daxue-b.edu.cn/tzgg/list2.htm",
            section="通知公告",
            items=[
                ListItem(
                    "https://www.daxue-b.edu.cn/2026/0302/c2001a98500/page.htm",
                    "关于2026年春季学期教材征订工作的通知",
                    "2026-03-02",
                ),
                ListItem(
                    "https://www.daxue-b.edu.cn/2026/0227/c2001a98466/page.htm",
                    "关于开展2026年大学生创新创业训练计划项目申报的通知",
                    "2026-02-27",
                ),
                ListItem(
                    "https://www.daxue-b.edu.cn/2026/0225/c2001a98431/page.htm",
                    "2026年春季学期校历",
                    "2026-02-25",
                ),
            ],
            next_url="https://www.daxue-b.edu.cn/tzgg/list3.htm",
        ),
    ),
    (
        # TRS first page: createPageHTML(5, 0, "index", "html") → index_1.html.
        "trs_list_zhxw_index.html",
        ListPage(
            url=f"{TRS}/xwzx/zhxw/index.html",
            section="综合新闻",
            items=[
                ListItem(
                    f"{TRS}/xwzx/zhxw/202403/t20240315_123456.html",
                    "学校召开2024年本科教学工作会议",
                    "2024-03-15",
                ),
                ListItem(
                    f"{TRS}/xwzx/zhxw/202403/t20240312_123401.html",
                    "我校与某某市人民政府签署全面战略合作协议暨共建产业技术研究院揭牌仪式举行",
                    "2024-03-12",
                ),
                ListItem(
                    "http://www.moe.gov.cn/jyb_xwfb/gzdt_gzdt/s5987/202403/t20240310_1118888.html",
                    "教育部部署2024年高校毕业生就业工作",
                    "2024-03-10",
                ),
            ],
            next_url=f"{TRS}/xwzx/zhxw/index_1.html",
        ),
    ),
    (
        # TRS middle page: the call's arguments are variables.
        "trs_list_zhxw_index_2.html",
        ListPage(
            url=f"{TRS}/xwzx/zhxw/index_2.html",
            section="综合新闻",
            items=[
                ListItem(
                    f"{TRS}/xwzx/zhxw/202402/t20240220_122001.html",
                    "学校召开2024年党风廉政建设工作会议",
                    "2024-02-20",
                ),
                ListItem(
                    f"{TRS}/xwzx/zhxw/202402/t20240218_121990.html",
                    "新学期开学第一天：校领导检查教学秩序",
                    "2024-02-18",
                ),
            ],
            next_url=f"{TRS}/xwzx/zhxw/index_3.html",
        ),
    ),
    (
        # TRS last page: one item (the larger sidebar list is not it), no next page.
        "trs_list_zhxw_index_4_last.html",
        ListPage(
            url=f"{TRS}/xwzx/zhxw/index_4.html",
            section="综合新闻",
            items=[
                ListItem(
                    f"{TRS}/xwzx/zhxw/201903/t20190311_80011.html",
                    "我校召开2019年宣传思想工作会议",
                    "2019-03-11",
                )
            ],
            next_url=None,
        ),
    ),
    (
        # Hanweb: the items are only in the <datastore> records.
        "hanweb_list_col1532973.html",
        ListPage(
            url="http://jyt.zj.gov.cn/col/col1532973/index.html",
            section="教育动态",
            items=[
                ListItem(
                    "http://jyt.zj.gov.cn/art/2024/3/15/art_1532973_58941234.html",
                    "省教育厅部署2024年高校毕业生就业创业工作",
                    "2024-03-15",
                ),
                ListItem(
                    "http://jyt.zj.gov.cn/art/2024/3/12/art_1532973_58940001.html",
                    "全省教育系统安全工作会议召开暨2024年平安校园建设推进会",
                    "2024-03-12",
                ),
                ListItem(
                    "https://www.zj.gov.cn/art/2024/3/8/art_1554467_60200001.html",
                    "省政府召开教育强省建设推进会",
                    "2024-03-08",
                ),
            ],
            next_url=None,
        ),
    ),
    (
        # No known family: the repeated dated blocks (split dates), not the sidebar; 下一页.
        "generic_list_news_index_2.html",
        ListPage(
            url="https://www.daxue-d.edu.cn/news/index_2.html",
            section="学院新闻",
            items=[
                ListItem(
                    "https://www.daxue-d.edu.cn/news/2024/0315/c25a1234.html",
                    "学院举办2024年春季校园招聘会",
                    "2024-03-15",
                ),
                ListItem(
                    "https://www.daxue-d.edu.cn/news/2024/0312/c25a1220.html",
                    "学院与某某集团签订校企合作协议",
                    "2024-03-12",
                ),
                ListItem(
                    "https://www.daxue-d.edu.cn/news/2024/0308/c25a1210.html",
                    "学院召开2024年党风廉政建设工作会议",
                    "2024-03-08",
                ),
                ListItem(
                    "https://www.daxue-d.edu.cn/news/2024/0305/c25a1201.html",
                    "学院开展学雷锋志愿服务活动",
                    "2024-03-05",
                ),
                ListItem(
                    "https://www.daxue-d.edu.cn/news/2024/0302/c25a1190.html",
                    "学院举行2024年春季学期开学典礼",
                    "2024-03-02",
                ),
            ],
            next_url="https://www.daxue-d.edu.cn/news/index_3.html",
        ),
    ),
    (
        # No known family, a table and a pager of numbers only: the number after a.active.
        "generic_list_table_numbers_only.htm",
        ListPage(
            url="https://www.zyxy-e.edu.cn/list.php?catid=7&page=2",
            section="通知公告",
            items=[
                ListItem(
                    "https://www.zyxy-e.edu.cn/show.php?id=812",
                    "关于2024年清明节放假安排的通知",
                    "2024-03-28",
                ),
                ListItem(
                    "https://www.zyxy-e.edu.cn/show.php?id=809",
                    "关于开展2024年春季学期教学检查的通知",
                    "2024-03-15",
                ),
                ListItem(
                    "https://www.zyxy-e.edu.cn/show.php?id=801", "2024年春季学期校历", "2024-02-26"
                ),
            ],
            next_url="https://www.zyxy-e.edu.cn/list.php?catid=7&page=3",
        ),
    ),
]


@pytest.mark.parametrize(("name", "expected"), LISTS, ids=[name for name, _ in LISTS])
def test_extract_list(name: str, expected: ListPage) -> None:
    html = page_text(name)
    assert extract_list(html, URLS[name], detect_family(html, URLS[name])) == expected


def test_dynamic_twins_in_a_vsb_list_are_the_articles_they_duplicate() -> None:
    page = extract_list(
        page_text("vsb_list_bkjx_3_page2.htm"), f"{VSB}/xwdt/tzgg/bkjx/3.htm", "vsb"
    )
    assert [canonical_article_url(item.url) for item in page.items] == [
        f"{VSB}/info/1074/54341.htm",
        None,
        None,
        None,
    ]


def test_an_article_listed_with_its_twin_is_listed_once() -> None:
    html = (
        '<ul><li id="line_u6_0"><a href="content.jsp?urltype=news.NewsContentUrl&amp;'
        'wbtreeid=1074&amp;wbnewsid=9">甲文章标题</a><span>2024-01-02</span></li>'
        '<li id="line_u6_1"><a href="info/1074/9.htm">甲文章标题</a><span>2024-01-02</span></li>'
        '<li id="line_u6_2"><a href="info/1074/8.htm">乙文章标题</a><span>2024-01-01</span></li>'
        "</ul>"
    )
    page = extract_list(html, "https://a.edu.cn/list.htm", "vsb")
    assert [item.url for item in page.items] == [
        "https://a.edu.cn/content.jsp?urltype=news.NewsContentUrl&wbtreeid=1074&wbnewsid=9",
        "https://a.edu.cn/info/1074/8.htm",
    ]


@pytest.mark.parametrize(
    ("pager", "expected"),
    [
        ('<a href="list.htm?p=2">下一页</a>', "https://a.cn/list.htm?p=2"),
        ('<a href="list.htm?p=2">下页</a>', "https://a.cn/list.htm?p=2"),
        ('<a href="list.htm?p=2">&gt;</a>', "https://a.cn/list.htm?p=2"),
        ('<a class="next" href="list.htm?p=2">»</a>', "https://a.cn/list.htm?p=2"),
        (
            '<span class="page-next"><a href="list.htm?p=2">→</a></span>',
            "https://a.cn/list.htm?p=2",
        ),
        ('<a href="list.htm?p=1">下一页</a>', None),  # points at the page itself
        ('<a href="javascript:void(0)">下一页</a>', None),
        ('<p class="next">下一篇：<a href="a/2.htm">另一篇文章的标题很长</a></p>', None),
        (
            '<span>1</span> <a href="list.htm?p=2">2</a> <a href="list.htm?p=3">3</a>',
            "https://a.cn/list.htm?p=2",
        ),
        ('<a href="list.htm?p=1">1</a> <span>2</span>', None),  # the last number is current
    ],
)
def test_generic_next_page(pager: str, expected: str | None) -> None:
    html = (
        "<html><body><ul>"
        '<li><a href="a/1.htm">第一篇文章</a><span>2024-01-02</span></li>'
        '<li><a href="a/2.htm">第二篇文章</a><span>2024-01-01</span></li>'
        f'</ul><div class="pages">{pager}</div></body></html>'
    )
    assert extract_list(html, "https://a.cn/list.htm?p=1", None).next_url == expected


def test_a_lists_columnname_meta_is_its_section() -> None:
    # The breadcrumb's last link is the parent column (武大资讯); the page's own is plain text.
    html = (
        '<html><head><META Name="ColumnName" Content="武大要闻" /></head><body>'
        '<div class="posis"><a href="../index.htm">首页</a> &gt;&gt; '
        '<a href="../wdzx/wdyw.htm">武大资讯</a> &gt;&gt; 武大要闻</div><ul>'
        '<li id="line_u5_0"><a href="../info/1002/1.htm"><h5>一篇文章</h5>'
        '<span class="time">2026-03-20</span></a></li></ul></body></html>'
    )
    page = extract_list(html, "https://news.a.edu.cn/wdzx/wdyw.htm", "vsb")
    assert page.section == "武大要闻"
    assert page.items == [
        ListItem("https://news.a.edu.cn/info/1002/1.htm", "一篇文章", "2026-03-20")
    ]


def test_a_trs_list_without_createpagehtml_says_so() -> None:
    html = '<ul><li><a href="./t1.html">一篇文章标题</a><span>2024-01-02</span></li></ul>'
    page = extract_list(html, "https://a.cn/col/index.html", "trs")
    assert page.next_url is None
    assert page.parse_warnings == ["next: no createPageHTML(count, current, name, ext) call"]


def test_unknown_family_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown page family 'wordpress'"):
        extract_list("<html></html>", "https://a.cn/", "wordpress")


# ---------------------------------------------------------------- canonical URLs


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://cs.daxue-a.edu.cn/content.jsp?urltype=news.NewsContentUrl&wbtreeid=1074&wbnewsid=54341",
            "https://cs.daxue-a.edu.cn/info/1074/54341.htm",
        ),
        (  # a site under a path, parameters in another order
            "http://www.daxue-a.edu.cn/jijian/content.jsp?wbnewsid=978&wbtreeid=1081&urltype=news.NewsContentUrl",
            "http://www.daxue-a.edu.cn/jijian/info/1081/978.htm",
        ),
        (
            "https://news.daxue-b.edu.cn/2026/0318/c1234a98688/page.psp",
            "https://news.daxue-b.edu.cn/2026/0318/c1234a98688/page.htm",
        ),
        ("https://cs.daxue-a.edu.cn/content.jsp?urltype=tree.TreeTempUrl&wbtreeid=1961", None),
        ("https://cs.daxue-a.edu.cn/info/1074/54341.htm", None),
        ("https://news.daxue-b.edu.cn/2026/0318/c1234a98688/page.htm", None),
        ("not a url", None),
    ],
)
def test_canonical_article_url(url: str, canonical: str | None) -> None:
    assert canonical_article_url(url) == canonical


# ---------------------------------------------------------------- the first site, unchanged

BUCEA = "https://xww.bucea.edu.cn"
BUCEA_PAGES = {
    "news_2011_zhxw_26536.htm": f"{BUCEA}/zhxw/26536.htm",
    "news_2022_ttxw_hex.htm": f"{BUCEA}/ttxw/8f3c2a1b9d7e4f6a8b0c1d2e3f4a5b6c.htm",
    "news_broken_truncated.htm": f"{BUCEA}/zhxw/26550.htm",
}


@pytest.mark.parametrize("name", sorted(BUCEA_PAGES))
def test_bucea_articles_are_read_by_the_first_sites_extractor(name: str) -> None:
    html, url = page_text(name, FIXTURES), BUCEA_PAGES[name]
    hosts = ("*.bjedu.gov.cn", "jw.beijing.gov.cn")
    assert extract_article(html, url, "bucea", hosts) == extract_news(html, url, hosts)


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("list_ttxw_index.htm", f"{BUCEA}/ttxw/index.htm"),
        ("list_ttxw_last_page.htm", f"{BUCEA}/ttxw/index/1.htm"),
    ],
)
def test_bucea_lists_are_read_by_the_first_sites_extractor(name: str, url: str) -> None:
    html = page_text(name, FIXTURES)
    assert extract_list(html, url, "bucea") == extract_list_page(html, url)
