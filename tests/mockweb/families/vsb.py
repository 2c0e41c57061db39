"""A VSB (博达, Visual SiteBuilder 9) news site, 武汉大学新闻网 (``news.whu.edu.cn``).

Written to the markup of SITES.md §5 and ``realpages/vsb/``: UTF-8 with a BOM and CRLF,
served as ``text/html`` without a charset; gov meta tags; the article in
``form[name=_newscontent_fromname]`` (an empty ``h1.intro``, then the title in ``h2``), meta
spans ``发布时间：`` ``来源：`` ``作者：`` ``浏览量：<script>_showDynClicks(…)</script>``, body
``#vsb_content .v_news_content`` (or ``#vsb_content_2``), the ``附件【…】`` list after it.
The big heading of every page names the channel (武大资讯), not the column (武大要闻): the
column is in ``ColumnName``, the breadcrumb and the sub-navigation. Lists count DOWN:
``wdyw.htm`` is page 1, ``wdyw/2.htm`` page 2, ``wdyw/1.htm`` the last; items
``li#line_u5_k`` whose link ``title`` is the site's name, not the article's.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs, urlsplit

from tests.mockweb.facts import ArticleFact, Block, Figure, Link, TextUrl
from tests.mockweb.families.common import (
    ListedPage,
    clock,
    day_of,
    path_of,
    serve_files,
    stamp,
)
from tests.mockweb.site import ListEntry
from tests.mockweb.world import World

VSB_HOST = "news.whu.edu.cn"
VSB_ROOT = f"https://{VSB_HOST}"
SITE_NAME = "武汉大学新闻网"
CHANNEL = "武大资讯"
COLUMN = "武大要闻"
LIST_PATH = "/wdzx/wdyw"
OWNER = 1518243296
CONTENT_TYPE = "text/html"  # no charset: only the BOM says UTF-8
ROBOTS_TXT = b"User-agent: *\nDisallow: /_dwr/\nDisallow: /aop_views/\n"

#: Furniture of every page; none of it may end up in an extracted body.
BOILERPLATE = (
    "版权所有 © 武汉大学",
    "通讯地址：湖北省武汉市武昌珞珈山",
    "上一条",
    "下一条",
    "返回列表",
    "浏览量",
    "最新阅读",
    "分享：",
)

_COLUMNS = (
    ("wdzx/wdyw.htm", "武大要闻"),
    ("wdzx/zhxw.htm", "综合新闻"),
    ("wdzx/hzjl.htm", "合作交流"),
)
_ON = ' class="on"'


@dataclass(frozen=True)
class VsbArticle:
    """An article and what only its VSB page shows."""

    fact: ArticleFact
    author: str = ""  # 作者: printed, but no field of a record
    content_id: str = "vsb_content"


def info_url(column_id: int, news_id: int) -> str:
    """The static address of an article."""
    return f"{VSB_ROOT}/info/{column_id}/{news_id}.htm"


def twin_url(article: ArticleFact) -> str:
    """The dynamic twin of an article: ``/content.jsp?urltype=news.NewsContentUrl&…``."""
    column_id, news_id = _ids(article.url)
    return (
        f"{VSB_ROOT}/content.jsp?urltype=news.NewsContentUrl"
        f"&wbtreeid={column_id}&wbnewsid={news_id}"
    )


def list_page_urls(count: int) -> list[str]:
    """``wdyw.htm``, then ``wdyw/<count-1>.htm`` down to ``wdyw/1.htm`` (the oldest)."""
    return [f"{VSB_ROOT}{LIST_PATH}.htm"] + [
        f"{VSB_ROOT}{LIST_PATH}/{n}.htm" for n in range(count - 1, 0, -1)
    ]


def _ids(url: str) -> tuple[int, int]:
    parts = urlsplit(url)
    if parts.path == "/content.jsp":
        query = parse_qs(parts.query)
        return int(query["wbtreeid"][0]), int(query["wbnewsid"][0])
    _, _info, column_id, name = parts.path.split("/")
    return int(column_id), int(name.removesuffix(".htm"))


def _rel(from_path: str, url: str) -> str:
    """How VSB links a page of its own site: relative to the linking page's folder."""
    parts = urlsplit(url)
    if parts.hostname != VSB_HOST:
        return url
    found = posixpath.relpath(parts.path, posixpath.dirname(from_path))
    return found + path_of(url).removeprefix(parts.path)


def _up(from_path: str) -> str:
    found = posixpath.relpath("/", posixpath.dirname(from_path))
    return "" if found == "." else found + "/"


def _wire(html: str) -> bytes:
    """What the server sends: a BOM, CRLF line ends, UTF-8."""
    return ("\ufeff" + html.replace("\n", "\r\n")).encode("utf-8")


# -- the page around the content ----------------------------------------------------------


def _head(
    title: str, path: str, metas: Sequence[tuple[str, str]], counter: str, page_type: int
) -> str:
    up = _up(path)
    meta = "".join(f'<META Name="{k}" Content="{escape(v)}" />\n' for k, v in metas)
    return f"""<!DOCTYPE html>
<html lang="zh-cn">

<head>
  <meta charset="utf-8" />
  <meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">
  <title>{escape(title)}-{SITE_NAME}</title><meta name="pageType" content="{page_type}">
<meta name="pageTitle" content="{escape(title)}">
<META Name="SiteName" Content="{SITE_NAME}" />
<META Name="SiteDomain" Content="{VSB_HOST}" />
{meta}
  <link rel="stylesheet" type="text/css" href="{up}css/style.css">
  <script type="text/javascript" src="{up}js/jquery.min.js"></script>
<!--Announced by Visual SiteBuilder 9-->
<link rel="stylesheet" type="text/css" href="{up}_sitegray/_sitegray_d.css" />
<script language="javascript" src="{up}_sitegray/_sitegray.js"></script>
<script type="text/javascript" src="/system/resource/js/counter.js"></script>
<script type="text/javascript">{counter}</script>
</head>

<body>
"""


def _top(path: str, article: bool) -> str:
    up = _up(path)
    leaf = f'<a href="{up}wdzx/wdyw.htm">{COLUMN}</a>\n &gt;&gt; 正文' if article else COLUMN
    sub = "".join(
        f'<li{_ON if label == COLUMN else ""}><a href="{up}{href}">{label}</a></li>\n'
        for href, label in _COLUMNS
    )
    return f"""<div id="app">
<div class="header"><div class="wp flex">
<script language="javascript" src="/system/resource/js/dynclicks.js"></script>
<div class="logo"><a href="{up}index.htm"><img src="{up}images/logob.png" alt=""></a></div>
<ul class="navs flex"><li><a href="{up}index.htm" title="首页">首页</a></li>
<li class="on"><a href="{up}wdzx/wdyw.htm" title="{CHANNEL}">{CHANNEL}</a></li>
<li><a href="{up}kydt.htm" title="学术动态">学术动态</a></li></ul>
</div></div>
<div class="nyBa"><div class="wp">
<h3 class="sys text-m">
{CHANNEL}</h3>
<div class="posi flex-center"><div class="posis"><a href="{up}index.htm">首页</a>
 &gt;&gt; <a href="{up}wdzx/wdyw.htm">{CHANNEL}</a>
 &gt;&gt; {leaf}
</div></div></div></div>
<div class="nyMain nypubbg nyarc">
<div class="nysubbnav"><div class="wp"><ul class="flex-left">
{sub}</ul></div></div>
"""


_FOOTER = """<div class="footer"><div class="fta"><div class="wp flex">
<div class="ftinfo"><p><span>通讯地址：湖北省武汉市武昌珞珈山</span></p>
<p><span>邮编: 430072</span></p></div>
<div class="ftinfo"><p><span>投稿邮箱：wdxw@whu.edu.cn</span></p></div>
</div></div>
<div class="ftb"><div class="wp flex"><p> 版权所有 © 武汉大学2026&nbsp; </p></div></div>
</div>
</div>
</body>
</html>
"""


# -- article pages ------------------------------------------------------------------------


def render_article(
    page: VsbArticle, path: str, newer: ArticleFact | None, older: ArticleFact | None
) -> bytes:
    """An article page as served at ``path`` (its ``/info/…`` address or its twin)."""
    fact = page.fact
    column_id, news_id = _ids(fact.url)
    metas = (
        ("ColumnName", fact.column),
        ("ArticleTitle", fact.title),
        ("PubDate", clock(fact.published)),
        ("ContentSource", fact.department or ""),
        ("Url", f"{VSB_HOST}/info/{column_id}/{news_id}.htm"),
    )
    counter = f"_jsq_({column_id},'/detail.jsp',{news_id},{OWNER})"
    html = (
        _head(fact.title, path, metas, counter, 3)
        + _top(path, article=True)
        + '<div class="wp flex detail">\n<div class="nyleft">\n'
        + '<script language="javascript" src="/system/resource/js/news/newscontent.js"></script>'
        + '<script language="javascript" src="/system/resource/js/ajax.js"></script>'
        + '<form name="_newscontent_fromname">\n'
        + f'<h1 class="intro"></h1>\n<h2 class="title">{escape(fact.title)}</h2>\n'
        + _meta_line(page, news_id)
        + f'<div class="arc-con">\n<div id="{page.content_id}"><div class="v_news_content">\n'
        + "".join(_block(b, fact.word_markup, i == 0) for i, b in enumerate(fact.blocks))
        + "</div></div>\n"
        + _files(fact.files)
        + "</div>\n"
        + _siblings(path, newer, older)
        + "</form>\n</div>\n"
        + _sidebar(path, [a for a in (newer, older) if a is not None])
        + "</div>\n</div>\n"
        + _FOOTER
    )
    return _wire(html)


def _meta_line(page: VsbArticle, news_id: int) -> str:
    fact = page.fact
    return (
        '<div class="arc-info flex flexc">\n<div>\n'
        f"<span>发布时间：{clock(fact.published)}</span>\n"
        f"<span>来源：{escape(fact.department or '')}</span>\n"
        f"<span>作者：{escape(page.author)}</span>\n"
        f'<span class="ydl">浏览量：<script>_showDynClicks("wbnews", {OWNER}, {news_id})</script>'
        "</span>\n</div>\n"
        '<div class="resize" id="resize"><a href="javascript:;" class="small-size">A</a>'
        '<a href="javascript:;" class="large-size">A</a></div>\n</div>\n'
    )


def _block(block: Block, word: bool, first: bool) -> str:
    if isinstance(block, Figure):
        src = urlsplit(block.src).path
        vsl = src.rsplit("/", 1)[-1].split(".")[0]
        return (
            f'<p style="text-align: center;"><img src="{src}" width="600" vsbhref="vurl" '
            f'vurl="/_vsl/{vsl}/image" vheight="" vwidth="600" orisrc="{src}" '
            'class="img_vsb_content"></p>\n'
            f'<p style="text-align: center;">{escape(block.caption)}</p>\n'
        )
    inner = "".join(_run(r) for r in block.runs)
    if not word:
        return f'<p style="text-indent:2em;">{inner}</p>\n'
    namespace = (
        '\n   <!--?xml:namespace prefix="o" ns="urn:schemas-microsoft-com:office:office" /-->'
        if first
        else ""
    )
    return (
        '<p class="MsoNormal" style="line-height: 20pt;text-indent: 24pt;margin: 0cm 0cm 6pt">'
        f'<span style="font-family: 宋体;font-size: 12pt">{inner}<span lang="EN-US"> {namespace}\n'
        "   <o:p></o:p></span></span></p> \n"
    )


def _run(run: str | Link | TextUrl) -> str:
    if isinstance(run, str):
        return escape(run)
    if isinstance(run, TextUrl):
        return escape(run.url)
    href = run.href if urlsplit(run.href).hostname != VSB_HOST else path_of(run.href)
    return f'<a href="{escape(href)}" target="_blank">{escape(run.text)}</a>'


def _files(files: Sequence[Link]) -> str:
    """VSB's attachment list: download.jsp links whose name is only in the link text."""
    if not files:
        return ""
    items = []
    for link in files:
        parts = urlsplit(link.href)
        file_id = parse_qs(parts.query)["wbfileid"][0]
        items.append(
            f'<li>附件【<a href="{parts.path}?{parts.query}" target="_blank">'
            f"{escape(link.text)}</a>】"
            f'已下载<span id="nattach{file_id}"><script language="javascript">'
            f'getClickTimes({file_id},{OWNER},"wbnewsfile","attach")</script></span>次</li>\n'
        )
    return '<ul style="list-style-type:none;">\n' + "".join(items) + "</ul>\n"


def _siblings(path: str, newer: ArticleFact | None, older: ArticleFact | None) -> str:
    def link(label: str, other: ArticleFact | None) -> str:
        if other is None:
            return f"<p>{label}：没有了</p>\n"
        return f'<p>{label}： <a href="{_rel(path, other.url)}">{escape(other.title)}</a></p>\n'

    return (
        '<div class="arc-share">分享：<div id="share"></div></div>\n'
        '<div class="arc-sibs flex flexc"><div class="arc-sib">\n'
        + link("上一条", newer)
        + link("下一条", older)
        + f'</div><div class="arc-back"><a href="{_up(path)}wdzx/wdyw.htm">返回列表</a>'
        + "</div></div>\n"
    )


def _sidebar(path: str, others: Sequence[ArticleFact]) -> str:
    # Other headlines with their dates: a trap for naive title and date extractors.
    items = "".join(
        f'<li><a href="{_rel(path, a.url)}" title="{escape(a.title)}">{escape(a.title)}</a>'
        f"<span>{day_of(a.published)}</span></li>\n"
        for a in others
    )
    return (
        '<div class="nyright"><dl class="item1"><dt>最新阅读</dt><dd><ul>\n'
        f"{items}</ul></dd></dl></div>\n"
    )


def add_articles(
    world: World, pages: Sequence[VsbArticle], articles: Sequence[ArticleFact]
) -> None:
    """Serve every article at its address and at its twin, with its files."""
    by_url = {p.fact.url: p for p in pages}
    for i, fact in enumerate(articles):
        page = VsbArticle(fact, by_url[fact.url].author, by_url[fact.url].content_id)
        newer = articles[i - 1] if i else None
        older = articles[i + 1] if i + 1 < len(articles) else None
        modified = stamp(fact.published)
        for url in (fact.url, twin_url(fact)):
            body = render_article(page, urlsplit(url).path, newer, older)
            world.set_page(VSB_HOST, path_of(url), body, CONTENT_TYPE, last_modified=modified)
        serve_files(world, fact, modified)


# -- list pages ---------------------------------------------------------------------------


def render_list_page(page: ListedPage) -> bytes:
    """A page of the list: ``li#line_u5_k`` items, the ``span.p_pages`` pager."""
    path = urlsplit(page.url).path
    items = "".join(_item(path, k, e) for k, e in enumerate(page.items))
    ids = [_ids(e.url)[1] for e in page.items if urlsplit(e.url).hostname == VSB_HOST]
    clicks = ",".join(f"'dynclicks_u5_{i}'" for i in ids)
    counter = f"_jsq_(1002,'/list.jsp',-1,{OWNER})"
    metas = (("ColumnName", COLUMN),)
    html = (
        _head(COLUMN, path, metas, counter, 2)
        + _top(path, article=False)
        + '<div class="wp"><div class="list">\n'
        + '<script language="javascript" src="/system/resource/js/centerCutImg.js"></script>'
        + '<script language="javascript" src="/system/resource/js/ajax.js"></script><ul>\n'
        + items
        + "</ul>\n"
        + f'<div class="pagebar" style="text-align:center;">{_pager(path, page)}</div>'
        + f"<script>_showDynClickBatch([{clicks}],[{','.join(map(str, ids))}],"
        + f'"wbnews", {OWNER})</script>\n'
        + "</div></div>\n</div>\n"
        + _FOOTER
    )
    return _wire(html)


def _item(path: str, k: int, entry: ListEntry) -> str:
    return (
        f'<li id="line_u5_{k}">\n'
        f'    <a href="{_rel(path, entry.url)}" title="{SITE_NAME}">\n'
        f"        <h5>{escape(entry.title)}</h5>\n"
        f'        <span class="time">{entry.date}</span>\n'
        "    </a>\n</li>\n"
    )


def _pager(path: str, page: ListedPage) -> str:
    def href(number: int) -> str:
        return _rel(path, page.urls[number - 1])

    n, count = page.number, page.count
    out = ['<span class="p_pages">']
    if n == 1:
        out.append('<span class="p_first_d p_fun_d">首页</span>')
        out.append('<span class="p_prev_d p_fun_d">上一页</span>')
    else:
        out.append(f'<span class="p_first p_fun"><a href="{href(1)}">首页</a></span>')
        out.append(f'<span class="p_prev p_fun"><a href="{href(n - 1)}">上一页</a></span>')
    for k in range(1, count + 1):
        if k == n:
            out.append(f'<span class="p_no_d">{k}</span>')
        else:
            out.append(f'<span class="p_no"><a href="{href(k)}">{k}</a></span>')
    if n == count:
        out.append('<span class="p_next_d p_fun_d">下一页</span>')
        out.append('<span class="p_last_d p_fun_d">尾页</span>')
    else:
        out.append(f'<span class="p_next p_fun"><a href="{href(n + 1)}">下一页</a></span>')
        out.append(f'<span class="p_last p_fun"><a href="{href(count)}">尾页</a></span>')
    return "".join(out) + "</span>"
