"""A SUDY WebPlus (苏迪) news site, 杭州电子科技大学新闻网 (``news.hdu.edu.cn``).

Written as the server sends it (SITES.md §6): the template's attributes in double quotes, what
the portlets generate in SINGLE quotes (``<div class='wp_articlecontent'>``);
``<html class="webplus-page">`` / ``"webplus-list"``; the ``sudy-wp-context`` script; paths
under ``/_upload/`` and ``/_js/``; blocks ``frag="窗口N" portletmode=…``. Articles
``/<YYYY>/<MMDD>/c<column>a<id>/page.htm`` (and the same page at ``page.psp``): ``h1.arti_title``
then an empty ``h2.arti_title``, ``p.arti_metas`` (``发布者：``, ``发布时间：``, ``浏览次数：``
with a ``WP_VisitCount`` the browser refreshes), body ``div.wp_articlecontent``. Lists count UP
(``list.htm``, ``list2.htm`` …) with the ``ul.wp_paging`` pager. Some article addresses sit
behind an anti-bot gateway that answers a JavaScript challenge instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from urllib.parse import urlsplit

from tests.mockweb.facts import ArticleFact, Block, Figure, Link, TextUrl
from tests.mockweb.families.common import LISTS_STAMP, ListedPage, serve_files, stamp
from tests.mockweb.site import ListEntry
from tests.mockweb.world import World

SUDY_HOST = "news.hdu.edu.cn"
SUDY_ROOT = f"https://{SUDY_HOST}"
SITE_NAME = "杭州电子科技大学新闻网"
COLUMN = "杭电要闻"
COLUMN_PATH = "/hdyw"
COLUMN_ID = 2615
SITE_ID = 180
CONTENT_TYPE = "text/html;charset=UTF-8"
ROBOTS_TXT = b"User-agent: *\nDisallow: /_web/\nDisallow: /_wp3services/\n"
TITLE_CUT = 16  # list link text longer than this is cut with "…"; ``title`` holds it whole

#: Furniture of every page; none of it may end up in an extracted body.
BOILERPLATE = (
    "发布者",
    "浏览次数",
    "当前位置",
    "版权所有：杭州电子科技大学",
    "浙江省杭州市钱塘区白杨街道2号大街1158号",
    "上一篇",
    "下一篇",
)


@dataclass(frozen=True)
class SudyArticle:
    """An article and what only its SUDY page shows."""

    fact: ArticleFact
    publisher: str  # 发布者: the department, or "" when only the body's sign-off names it
    views: int = 0  # 浏览次数 as the server wrote it (the browser then asks for the count)
    linked_absolute: bool = False  # the list links it with an absolute URL


def article_url(published: str, article_id: int) -> str:
    """``https://news.hdu.edu.cn/<YYYY>/<MMDD>/c2615a<id>/page.htm``."""
    day = date.fromisoformat(published[:10])
    return f"{SUDY_ROOT}/{day:%Y}/{day:%m%d}/c{COLUMN_ID}a{article_id}/page.htm"


def twin_url(article: ArticleFact) -> str:
    """The dynamic twin: the same address ending ``page.psp``."""
    return article.url.removesuffix("page.htm") + "page.psp"


def list_page_urls(count: int) -> list[str]:
    """``list.htm``, ``list2.htm`` … ``list<count>.htm``: counting up."""
    return [f"{SUDY_ROOT}{COLUMN_PATH}/list{n if n > 1 else ''}.htm" for n in range(1, count + 1)]


def _article_id(url: str) -> int:
    return int(urlsplit(url).path.split("/")[3].split("a")[1])


def _head(title: str, page_class: str, description: str = "") -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"  class="{page_class}"  >
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">
<title>{escape(title)}</title>
<meta name="description" content="{escape(description)}" />
<link type="text/css" href="/_css/_system/system.css" rel="stylesheet"/>
<link type="text/css" href="/_upload/site/1/style/1/1.css" rel="stylesheet"/>
<link type="text/css" href="/_upload/site/00/b4/{SITE_ID}/style/178/178.css" rel="stylesheet"/>
<link type="text/css" href="/_js/_portletPlugs/sudyNavi/css/sudyNav.css" rel="stylesheet" />
<script language="javascript" src="/_js/jquery.min.js" sudy-wp-context="" \
sudy-wp-siteId="{SITE_ID}"></script>
<script language="javascript" src="/_js/jquery.sudy.wp.visitcount.js"></script>
<script type="text/javascript" src="/_js/_portletPlugs/sudyNavi/jquery.sudyNav.js"></script>
<link rel="stylesheet" href="/_upload/tpl/00/e1/225/template225/style.css" type="text/css" />
</head>
<body class="list">
<div class="wrapper header" id="header"><div class="inner">
<div class="sitelogo" frag="窗口1" portletmode="simpleSiteAttri"><a href="/main.htm" title="返回{SITE_NAME}首页"><img border='0' src='/_upload/site/00/b4/{SITE_ID}/logo.png' /></a></div>
<div class="navbar" frag="窗口2" portletmode="simpleSudyNavi"><ul class="wp-menu">
<li class="menu-item i1"><a class="menu-link" href="/main.htm" target="_self">首页</a></li>
<li class="menu-item i2"><a class="menu-link" href="{COLUMN_PATH}/list.htm" target="_self">{COLUMN}</a></li>
<li class="menu-item i3"><a class="menu-link" href="/zhxw/list.htm" target="_self">综合新闻</a></li>
</ul></div>
</div></div>
<div class="wrapper" id="d-container"><div class="inner clearfix">
<div class="col_menu"><div class="col_menu_head">
<h3 class="col_name" frag="窗口3" portletmode="simpleColumnAttri"><span class='col_name_text'>{COLUMN}</span></h3>
</div></div>
<div class="col_news"><div class="col_news_head">
<ul class="col_metas clearfix" frag="窗口4" portletmode="simpleColumnAttri"><li class='col_path'><span class='path_name'>当前位置：</span><a href='/main.htm' target='_self'>首页</a><span class='possplit'>&nbsp;&nbsp;</span><a href='{COLUMN_PATH}/list.htm' target='_self'>{COLUMN}</a></li></ul>
</div>
<div class="col_news_con"><div class="col_news_box">
"""  # noqa: E501


_FOOTER = """</div></div></div>
</div></div>
<div class="wrapper footer" id="footer"><div class="inner" frag="窗口99" portletmode="simpleEditor">
<p class='copyright'><span>版权所有：杭州电子科技大学</span> <span>地址：浙江省杭州市钱塘区白杨街道2号大街1158号</span> <span>浙ICP备05018276号</span></p>
</div></div>
</body>
</html>
"""  # noqa: E501


# -- article pages ------------------------------------------------------------------------


def render_article(
    page: SudyArticle, newer: ArticleFact | None, older: ArticleFact | None
) -> bytes:
    """The article page (the same bytes answer at ``page.htm`` and ``page.psp``)."""
    fact = page.fact
    article_id = _article_id(fact.url)
    visits = f"/_visitcountdisplay?siteId={SITE_ID}&type=3&articleId={article_id}"
    first = fact.paragraphs[0] if fact.paragraphs else ""
    html = (
        _head(fact.title, "webplus-page", first[:60])
        + '<div frag="窗口5" portletmode="simpleArticleAttri">\n'
        + "<div class='article'>\n"
        + f"<h1 class='arti_title'>{escape(fact.title)}</h1>\n"
        + "<h2 class='arti_title'></h2>\n"
        + "<p class='arti_metas'>"
        + f"<span class='arti_publisher'>发布者：{escape(page.publisher)}</span>"
        + f"<span class='arti_update'>发布时间：{fact.published[:10]}</span>"
        + f"<span class='arti_views'>浏览次数：<span class='WP_VisitCount' url='{visits}'>"
        + f"{page.views}</span></span></p>\n"
        + "<div class='entry'>\n<div class='read'><div class='wp_articlecontent'>"
        + "".join(_block(b) for b in fact.blocks)
        + "</div></div>\n</div>\n</div>\n</div>\n"
        + _siblings(newer, older)
        + _FOOTER
    )
    return html.encode("utf-8")


def _block(block: Block) -> str:
    if isinstance(block, Figure):
        src = urlsplit(block.src).path
        name = src.rsplit("/", 1)[-1]
        return (
            f'<p style="text-align:center;"><img data-layer="photo" src="{src}" '
            f"original-src=\"{src}\" sudyfile-attr=\"{{'title':'{name}'}}\" "
            'style="width:600px;" /></p>\n'
            f'<p style="text-align:center;">{escape(block.caption)}</p>\n'
        )
    text = block.text
    align = "text-align:right;" if text.startswith("（") and text.endswith("）") else ""
    return f'<p style="text-indent:2em;{align}">{"".join(_run(r) for r in block.runs)}</p>\n'


def _run(run: str | Link | TextUrl) -> str:
    if isinstance(run, str):
        return escape(run)
    if isinstance(run, TextUrl):
        return escape(run.url)
    parts = urlsplit(run.href)
    if parts.hostname != SUDY_HOST:
        return f'<a href="{escape(run.href)}" target="_blank">{escape(run.text)}</a>'
    # An attached file: its name rides in a single-quoted JSON-ish attribute.
    return (
        f"<a href=\"{parts.path}\" sudyfile-attr=\"{{'title':'{escape(run.text)}'}}\">"
        f"{escape(run.text)}</a>"
    )


def _siblings(newer: ArticleFact | None, older: ArticleFact | None) -> str:
    def link(cls: str, label: str, other: ArticleFact | None) -> str:
        if other is None:
            return f"<li class='{cls}'>{label}：没有了</li>"
        path = urlsplit(other.url).path
        return f"<li class='{cls}'>{label}：<a href='{path}'>{escape(other.title)}</a></li>"

    return (
        '<div frag="窗口6" portletmode="simpleArticleNavi"><ul class=\'arti_nav\'>'
        + link("prev", "上一篇", newer)
        + link("next", "下一篇", older)
        + "</ul></div>\n"
    )


def add_articles(
    world: World, pages: Sequence[SudyArticle], articles: Sequence[ArticleFact]
) -> None:
    """Serve every article at ``page.htm`` and ``page.psp``, with its files."""
    by_url = {p.fact.url: p for p in pages}
    for i, fact in enumerate(articles):
        extra = by_url[fact.url]
        page = SudyArticle(fact, extra.publisher, extra.views)
        newer = articles[i - 1] if i else None
        older = articles[i + 1] if i + 1 < len(articles) else None
        body = render_article(page, newer, older)
        modified = stamp(fact.published)
        for url in (fact.url, twin_url(fact)):
            world.set_page(
                SUDY_HOST, urlsplit(url).path, body, CONTENT_TYPE, last_modified=modified
            )
        serve_files(world, fact, modified)


# -- the anti-bot gateway -----------------------------------------------------------------


def add_challenge(world: World, url: str, status: int) -> None:
    """Make ``url`` answer the gateway's JavaScript challenge (``$_ts``) with ``status``."""
    seed = hashlib.sha256(url.encode()).hexdigest()
    world.set_page(
        SUDY_HOST,
        urlsplit(url).path,
        render_challenge(seed),
        "text/html",
        status=status,
        headers={"Set-Cookie": f"Ovb8mTnaCaUbS={seed[:40]}; path=/; HttpOnly"},
        last_modified=LISTS_STAMP,
    )


def render_challenge(seed: str) -> bytes:
    """The gateway's first answer: no content, a script that computes a cookie and reloads."""
    token = (seed * 4)[:128]
    script = seed[:12]
    return (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; '
        'charset=utf-8"><meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">'
        f'<meta content="{token}" r="m"><!--[if lt IE 9]><script r="m">'
        'document.createElement("section")</script><![endif]-->'
        '<script type="text/javascript" r="m">$_ts=window[\'$_ts\'];if(!$_ts)$_ts={};'
        f'$_ts.nsd={int(seed[:4], 16)};$_ts.cd="{seed[4:60]}";</script>'
        f'<script type="text/javascript" charset="utf-8" src="/{script}/{seed[12:20]}.js" '
        'r="m"></script></head><body></body></html>'
    ).encode()


# -- list pages ---------------------------------------------------------------------------


def render_list_page(
    page: ListedPage, *, per_count: int, all_count: int, absolute: Collection[str]
) -> bytes:
    """A page of the list: ``ul.wp_article_list > li.list_item`` and the ``wp_paging`` pager."""
    items = "".join(_item(k, e, e.url in absolute) for k, e in enumerate(page.items, 1))
    html = (
        _head(COLUMN, "webplus-list")
        + '<div frag="窗口6" portletmode="simpleList">\n'
        + f'<div id="wp_news_w6"> \n<ul class="wp_article_list">\n{items}</ul>\n</div>\n'
        + _pager(page, per_count, all_count)
        + "</div>\n"
        + _FOOTER
    )
    return html.encode("utf-8")


def _item(k: int, entry: ListEntry, absolute: bool) -> str:
    href = entry.url if absolute else urlsplit(entry.url).path
    shown = entry.title if len(entry.title) <= TITLE_CUT else entry.title[:TITLE_CUT] + "…"
    return (
        f'<li class="list_item i{k}">\n<div class="fields pr_fields">\n'
        f"<span class='Article_Index'>{k}</span>\n"
        f"<span class='Article_Title'><a href='{href}' target='_blank' "
        f"title='{escape(entry.title)}'>{escape(shown)}</a></span>\n"
        '</div>\n<div class="fields ex_fields">\n'
        f"<span class='Article_PublishDate'>{entry.date}</span>\n"
        '</div>\n<div class="clear"></div>\n</li>\n'
    )


def _pager(page: ListedPage, per_count: int, all_count: int) -> str:
    none = "javascript:void(0);"

    def href(number: int, usable: bool) -> str:
        return urlsplit(page.urls[number - 1]).path if usable else none

    n, count = page.number, page.count
    return f"""<div id="wp_paging_w6"> 
<ul class="wp_paging clearfix"> 
     <li class="pages_count"> 
         <span class="per_page">每页&nbsp;<em class="per_count">{per_count}</em>&nbsp;记录&nbsp;</span> 
         <span class="all_count">总共&nbsp;<em class="all_count">{all_count}</em>&nbsp;记录&nbsp;</span> 
     </li> 
     <li class="page_nav"> 
         <a class="first" href="{href(1, n > 1)}" target="_self"><span>第一页</span></a> 
         <a class="prev" href="{href(n - 1, n > 1)}" target="_self"><span>&lt;&lt;上一页</span></a> 
         <a class="next" href="{href(n + 1, n < count)}" target="_self"><span>下一页&gt;&gt;</span></a> 
         <a class="last" href="{href(count, n < count)}" target="_self"><span>尾页</span></a> 
     </li> 
     <li class="page_jump"> 
         <span class="pages">页码&nbsp;<em class="curr_page">{n}</em>/<em class="all_pages">{count}</em></span> 
         <span><input class="pageNum" type="text" /><input type="hidden" class="currPage" value="{n}" /></span>
         <span><a class="pagingJump" href="{none}" target="_self">跳转到&nbsp;</a></span> 
     </li> 
</ul> 
</div>
"""  # noqa: E501, W291
