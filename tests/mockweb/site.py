"""Pages of the university news site (北京建筑大学新闻网), rendered from facts.

The markup follows the real site (SITES.md §1): list items ``div.media`` →
``h4.media-heading > a`` with relative hrefs, full title in ``title``, cut link text, date in
``div.u-date``, pager ``a.Next``; article title ``h2.detail-title``, meta line ``p > small``,
body ``div.m-content#art``, and the page furniture (sidebar, font-size widget, footer) that an
extractor must leave out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

from tests.mockweb.facts import ArticleFact, Block, Figure, Link, Run, TextUrl

NEWS_HOST = "xww.bucea.edu.cn"
NEWS_ROOT = f"https://{NEWS_HOST}"
SITE_SUFFIX = "-北京建筑大学新闻网"
TITLE_CUT = 18  # list link text longer than this is cut with "…", as on the real site

#: Furniture printed on every page; none of it may leak into an extracted body.
BOILERPLATE = (
    "字号大小",
    "阅读次数",
    "京ICP备案:09079300",
    "版权所有 :北京建筑大学",
    "版权与免责声明",
    "微博账号",
    "微信公众号",
    "西城校区",
    "热点新闻",
)

ROBOTS_TXT = b"User-agent: *\nDisallow: /system/\n"

_NAV = (
    ("../ttxw/index.htm", "头条新闻"),
    ("../zhxw/index.htm", "综合新闻"),
    ("../xxyw/index.htm", "学校要闻"),
    ("../tgx/index.htm", "图说建大"),
)

_FOOTER = """<div class="g-footer"><div class="container">
<p class="f-name">北京建筑大学</p>
<p>西城校区：北京市西城区展览馆路1号 邮编：100044</p>
<p>大兴校区：北京市大兴区永源路15号 邮编：102616</p>
<p>京ICP备案:09079300 京公网安备11010202000157号 版权所有 :北京建筑大学</p>
<p><a href="../bqsm.htm">版权与免责声明</a> | <a href="https://weibo.com/bucea">微博账号</a> |
<a href="../wxgzh.htm">微信公众号</a></p>
</div></div>"""


@dataclass(frozen=True)
class ListEntry:
    """An item of a section list: an article of the site or an off-site link."""

    url: str  # absolute
    title: str
    date: str


def relative_href(url: str) -> str:
    """How the site writes a link to one of its own pages: ``../<column>/<file>``."""
    parts = urlsplit(url)
    if parts.hostname != NEWS_HOST:
        return url
    return ".." + parts.path + (f"?{parts.query}" if parts.query else "")


def cut_title(title: str) -> str:
    """The list link text: long titles are cut with ``…`` (the ``title`` attribute is whole)."""
    return title if len(title) <= TITLE_CUT else title[:TITLE_CUT] + "…"


def _head(title: str) -> str:
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}{SITE_SUFFIX}</title>\n"
        '<link rel="stylesheet" href="../css/bootstrap.min.css">\n'
        '<link rel="stylesheet" href="../css/style.css">\n'
        '<script src="../js/jquery.min.js"></script>\n</head>\n'
    )


def _header() -> str:
    links = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in _NAV)
    return (
        '<div class="g-header"><div class="container">'
        '<a class="logo" href="../index.htm">'
        '<img src="../images/logo.png" alt="北京建筑大学新闻网"></a>'
        f'<ul class="nav"><li><a href="../index.htm">首页</a></li>{links}</ul></div></div>\n'
    )


def _column_title(label: str) -> str:
    return (
        f'<div class="column-title"><h3>{escape(label)}</h3></div>\n'
        '<div class="m-position">当前位置：<a href="../index.htm">首页</a> &gt; '
        f'<a href="index.htm">{escape(label)}</a></div>\n'
    )


# -- list pages ---------------------------------------------------------------------------


def render_list_page(
    label: str, entries: Sequence[ListEntry], next_href: str, prev_href: str | None
) -> str:
    """A section list page; ``next_href`` is relative (the last page's points at itself)."""
    items = "".join(_list_item(e) for e in entries)
    prev = f'<a class="Prev" href="{prev_href}">上页</a> ' if prev_href else ""
    return (
        _head(label)
        + "<body>\n"
        + _header()
        + '<div class="g-main container"><div class="row"><div class="col-md-9">\n'
        + _column_title(label)
        + f'<div class="m-list">\n{items}</div>\n'
        + '<div class="pb_sys_common pb_sys_normal pb_sys_style1">'
        + f'{prev}<a class="Next" href="{next_href}">下页</a></div>\n'
        + "</div></div></div>\n"
        + _FOOTER
        + "\n</body>\n</html>\n"
    )


def _list_item(entry: ListEntry) -> str:
    href = escape(relative_href(entry.url))
    return (
        '<div class="media">\n'
        f'  <div class="media-left"><a href="{href}" target="_blank">'
        '<img class="media-object" src="../images/nopic.jpg" alt=""></a></div>\n'
        '  <div class="media-body">\n'
        f'    <h4 class="media-heading"><a href="{href}" target="_blank" '
        f'title="{escape(entry.title)}">{escape(cut_title(entry.title))}</a></h4>\n'
        f'    <div class="u-date">{entry.date}</div>\n'
        "  </div>\n</div>\n"
    )


# -- article pages ------------------------------------------------------------------------


def render_article(article: ArticleFact, sidebar: Iterable[ArticleFact]) -> str:
    """An article page: column label, title, meta line, font widget, body, sidebar, footer."""
    return (
        _head(article.title)
        + "<body>\n"
        + _header()
        + '<div class="g-main container"><div class="row">\n<div class="col-md-8">\n'
        + _column_title(article.column)
        + '<div class="detail">\n'
        + f'<h2 class="detail-title">{escape(article.title)}</h2>\n'
        + f"<p><small>{meta_line(article)}</small></p>\n"
        + '<div class="font-size">字号大小：<a href="javascript:doZoom(18)">大</a> '
        '<a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a></div>\n'
        + f'<div class="m-content" id="art">\n{render_body(article)}</div>\n'
        + "</div>\n</div>\n"
        + _sidebar(sidebar)
        + "</div></div>\n"
        + _FOOTER
        + "\n</body>\n</html>\n"
    )


def meta_line(article: ArticleFact) -> str:
    """The ``p > small`` meta line. Read counts are filled by JavaScript, so stay empty."""
    colon = {"ascii": (":", ":"), "fullwidth": ("：", "："), "mixed": ("：", ":")}
    c1, c2 = colon[article.meta_style]
    sep = " " if article.meta_style == "mixed" else ""  # some pages put a space after labels
    parts = [f"部门{c1}{sep}{escape(article.department or '')}"]
    if article.contributor:
        parts.append(f"供稿{c2}{escape(article.contributor)}")
    if article.reviewer:
        parts.append(f"审核{c1}{sep}{escape(article.reviewer)}")
    parts.append(f"发布时间{c2}{article.published}")
    news_id = urlsplit(article.url).path.rsplit("/", 1)[-1].removesuffix(".htm")
    parts.append(
        f'阅读次数{c2}<span id="dynclicks_{news_id[:8]}"></span>'
        f'<script>_showDynClicks("wbnews", 1396542917, "{news_id}")</script>'
    )
    return " ".join(parts)


def _sidebar(articles: Iterable[ArticleFact]) -> str:
    # Other headlines with their own dates: a trap for naive date and title extractors.
    items = "".join(
        f'<li><a href="{escape(relative_href(a.url))}" title="{escape(a.title)}">'
        f'{escape(cut_title(a.title))}</a><span class="date">{a.published}</span></li>'
        for a in articles
    )
    return f'<div class="col-md-4 sidebar"><h3>热点新闻</h3><ul>{items}</ul></div>\n'


def render_body(article: ArticleFact) -> str:
    """The inner HTML of ``div.m-content#art``."""
    year = article.published[:4]
    out: list[str] = []
    if article.word_markup:
        # What a browser leaves of Word's ``<?xml:namespace …/>`` processing instructions.
        out.append(
            '<!--?xml:namespace prefix = "st1" '
            'ns = "urn:schemas-microsoft-com:office:smarttags" /-->'
            '<!--?xml:namespace prefix = "o" ns = "urn:schemas-microsoft-com:office:office" /-->\n'
        )
    for block in article.blocks:
        out.append(_render_block(block, article.word_markup, year))
    return "".join(out)


def _render_block(block: Block, word: bool, year: str) -> str:
    if isinstance(block, Figure):
        return (
            f'<p style="text-align:center"><img src="{escape(relative_href(block.src))}" '
            'width="600" border="0" vspace="0" alt=""></p>\n'
            f'<p style="text-align:center">{escape(block.caption)}</p>\n'
        )
    inner = "".join(_render_run(run) for run in block.runs)
    if word:
        inner = _word_dates(inner, year)
        return (
            '<p class="MsoNormal" style="text-indent:21pt">&nbsp;&nbsp;&nbsp;&nbsp;'
            f'<span style="font-family:宋体">{inner}</span><o:p></o:p></p>\n'
        )
    return f"<p>\u3000\u3000{inner}</p>\n"


def _render_run(run: Run) -> str:
    if isinstance(run, str):
        return escape(run)
    if isinstance(run, TextUrl):
        return escape(run.url)
    return _render_link(run)


def _render_link(link: Link) -> str:
    return f'<a href="{escape(relative_href(link.href))}" target="_blank">{escape(link.text)}</a>'


_MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")


def _word_dates(html: str, year: str) -> str:
    """Wrap dates the way Word's smart tags did: text INSIDE an unknown namespaced tag."""

    def tag(m: re.Match[str]) -> str:
        month, day = m.groups()
        return (
            f'<st1:chsdate isrocdate="False" islunardate="False" day="{day}" month="{month}" '
            f'year="{year}" w:st="on">{m.group(0)}</st1:chsdate>'
        )

    return _MONTH_DAY.sub(tag, html)


def render_static_page(title: str, text: str) -> str:
    """A plain page of the site (disclaimer, pages under ``/system/``)."""
    return (
        _head(title)
        + "<body>\n"
        + _header()
        + f'<div class="g-main container"><h2>{escape(title)}</h2><p>{escape(text)}</p></div>\n'
        + _FOOTER
        + "\n</body>\n</html>\n"
    )
