"""extract_list_page over section list pages (/<section>/index.htm)."""

from __future__ import annotations

import pytest

from archiver.extract import decode_html, extract_list_page
from archiver.records import ListItem, ListPage
from tests.fixtures import PAGES

SITE = "https://xww.bucea.edu.cn"

EXPECTED = [
    (
        # First page: a cut "…" link text beside its full title attribute, a title
        # attribute spread over lines, a WeChat item, an item without title attribute,
        # a cut item without one, relative hrefs, a left sidebar with its own column box,
        # and a.Next 下页 before a.Next 尾页.
        "list_ttxw_index.htm",
        ListPage(
            url=f"{SITE}/ttxw/index.htm",
            section="头条新闻",
            items=[
                ListItem(
                    f"{SITE}/ttxw/8f3c2a1b9d7e4f6a8b0c1d2e3f4a5b6c.htm",
                    "学校召开2022年巡察工作动员部署会暨第一轮巡察工作培训会",
                    "2022-06-10",
                ),
                ListItem(
                    "https://mp.weixin.qq.com/s/Xb7kQ2mZ9pLrT4vW1yN3cA",
                    "【喜报】我校学子在全国大学生结构设计竞赛中获一等奖",
                    "2022-06-05",
                ),
                ListItem(
                    f"{SITE}/ttxw/85698.htm",
                    "北京建筑大学与北京市规划和自然资源委员会签署战略合作协议",
                    "2022-05-30",
                ),
                ListItem(
                    f"{SITE}/zhxw/26536.htm", "学校召开深入开展创先争优活动推进会", "2011-04-11"
                ),
                ListItem(f"{SITE}/tgx/85701.htm", None, "2022-05-04"),
            ],
            next_url=f"{SITE}/ttxw/index/64.htm",
            parse_warnings=["item 5: link text is cut short and there is no title attribute"],
        ),
    ),
    (
        # Last page: its a.Next points at the page itself.
        "list_ttxw_last_page.htm",
        ListPage(
            url=f"{SITE}/ttxw/index/1.htm",
            section="头条新闻",
            items=[
                ListItem(
                    f"{SITE}/xxyw/18840.htm", "我校召开2009年度党员领导干部民主生活会", "2010-01-12"
                ),
                ListItem(f"{SITE}/zhxw/18801.htm", "学校举行2010年新年联欢会", "2009-12-31"),
            ],
            next_url=None,
        ),
    ),
]


@pytest.mark.parametrize(("name", "expected"), EXPECTED, ids=[name for name, _ in EXPECTED])
def test_list_page(name: str, expected: ListPage) -> None:
    text, _encoding = decode_html((PAGES / name).read_bytes(), "text/html")
    assert extract_list_page(text, expected.url) == expected


def test_cut_link_text_is_never_a_title() -> None:
    text, _ = decode_html((PAGES / "list_ttxw_index.htm").read_bytes())
    page = extract_list_page(text, f"{SITE}/ttxw/index.htm")
    assert not any(item.title and item.title.endswith(("…", "...")) for item in page.items)


def page_with(pager: str, item: str = "") -> str:
    item = item or (
        '<div class="media"><h4 class="media-heading"><a href="../zhxw/1.htm" title="标题">'
        '标题</a></h4><div class="u-date">2020-01-02</div></div>'
    )
    return f"<html><body>{item}<div class='pager'>{pager}</div></body></html>"


@pytest.mark.parametrize(
    ("pager", "next_url"),
    [
        ("", None),  # no a.Next at all
        ('<span class="Disabled">下页</span>', None),
        ('<a class="Next" href="">下页</a>', None),
        ('<a class="Next" href="javascript:;">下页</a>', None),
        ('<a class="Next" href="index.htm">下页</a>', None),  # itself
        ('<a class="Next" href="index.htm#top">下页</a>', None),  # itself
        ('<a class="Next" href="/ttxw/index.htm">下页</a>', None),  # itself
        ('<a class="Next" href="index/63.htm">下页</a>', f"{SITE}/ttxw/index/63.htm"),
        ('<a class="Next" href="https://xww.bucea.edu.cn/ttxw/index/2.htm">下页</a>',
         f"{SITE}/ttxw/index/2.htm"),
        ('<a class="Prev" href="index/9.htm">上页</a>', None),
    ],
)  # fmt: skip
def test_next_url(pager: str, next_url: str | None) -> None:
    assert extract_list_page(page_with(pager), f"{SITE}/ttxw/index.htm").next_url == next_url


@pytest.mark.parametrize(
    ("item", "expected", "warnings"),
    [
        (
            '<div class="media"><h4 class="media-heading"><a href="a.htm">全文标题</a></h4>'
            '<div class="u-date">2020-01-02</div></div>',
            ListItem(f"{SITE}/ttxw/a.htm", "全文标题", "2020-01-02"),
            [],
        ),
        (
            '<div class="media"><h4 class="media-heading"><a href="a.htm" title="">被截断的…</a>'
            "</h4></div>",
            ListItem(f"{SITE}/ttxw/a.htm", None, None),
            [
                "item 1: link text is cut short and there is no title attribute",
                "item 1: no date in div.u-date",
            ],
        ),
        (
            '<div class="media"><h4 class="media-heading"><a href="a.htm" title="标">标</a>'
            '</h4><div class="u-date">2020-13-45</div></div>',
            ListItem(f"{SITE}/ttxw/a.htm", "标", None),
            ["item 1: no date in div.u-date"],
        ),
    ],
)
def test_item_edge_cases(item: str, expected: ListItem, warnings: list[str]) -> None:
    page = extract_list_page(page_with("", item), f"{SITE}/ttxw/index.htm")
    assert page.items == [expected]
    assert [w for w in page.parse_warnings if w.startswith("item")] == warnings


def test_items_without_links_are_skipped_with_a_warning() -> None:
    page = extract_list_page(
        page_with("", '<div class="media"><h4 class="media-heading">无链接</h4></div>'),
        f"{SITE}/ttxw/index.htm",
    )
    assert page.items == []
    assert page.parse_warnings == [
        "item 1: no h4.media-heading > a",
        "section: no column label or breadcrumb on page",
    ]


def test_odd_input() -> None:
    page = extract_list_page("", f"{SITE}/ttxw/index.htm")
    assert page == ListPage(
        url=f"{SITE}/ttxw/index.htm",
        section=None,
        parse_warnings=[
            "items: no div.media on page",
            "section: no column label or breadcrumb on page",
        ],
    )
