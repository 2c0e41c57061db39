"""A TRS WCM (拓尔思) bureau news site, 湖南省教育厅 (``jyt.hunan.gov.cn``, plain http).

Written to the markup of SITES.md §6 and the TRS pages in ``realpages/gov/``: gov meta tags
(``SiteName``, ``ColumnName``, ``ArticleTitle``, ``PubDate`` with a time, ``ContentSource``,
``Url``); the body in ``div.TRS_Editor``, which opens with an inline
``<style>.TRS_Editor P{…}</style>`` and an unquoted ``class=Custom_UnionStyle``, between
``<!--<$[信息内容]>begin-->`` comments; visible ``发布日期：`` (the date alone) and ``来源：``;
images ``./W0….jpg`` and attachments ``./P0….pdf`` beside the article. Lists ``index.html``,
``index_1.html``, ``index_2.html`` (page 2 is ``_1``) whose page count is ONLY in
``createPageHTML(<count>, <index>, "index", "html")``, after the function's own definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from urllib.parse import urlsplit

from tests.mockweb.facts import ArticleFact, Block, Figure, Link, TextUrl
from tests.mockweb.families.common import ListedPage, clock, serve_files, stamp
from tests.mockweb.site import ListEntry
from tests.mockweb.world import World

TRS_HOST = "jyt.hunan.gov.cn"
TRS_ROOT = f"http://{TRS_HOST}"
SITE_NAME = "湖南省教育厅"
COLUMN = "教育要闻"
COLUMN_PATH = "/jyt/sjyt/jyyw"
CONTENT_TYPE = "text/html; charset=UTF-8"
ROBOTS_TXT = b"User-agent: *\nDisallow: /module/\n"
TITLE_CUT = 20  # list link text longer than this is cut with "..."

#: Furniture of every page; none of it may end up in an extracted body.
BOILERPLATE = (
    "字体：",
    "打印本页",
    "关闭窗口",
    "主办：湖南省教育厅",
    "湘ICP备",
    "责任编辑",
    ".TRS_Editor",
    "当前位置",
)

_STYLE = (
    '<style type="text/css">.TRS_Editor P{margin-top:5px;margin-bottom:5px;line-height:2;'
    "font-family:宋体;font-size:12pt;}.TRS_Editor DIV{margin-top:5px;margin-bottom:5px;"
    "line-height:2;font-family:宋体;font-size:12pt;}.TRS_Editor TD{font-family:宋体;"
    "font-size:12pt;}</style>"
)

# The pager the lists write with document.write; only the call's arguments give the count.
_PAGER_SCRIPT = r"""<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
if(_nPageCount == null || _nPageCount<=1){
return;
}
var nCurrIndex = _nCurrIndex || 0;
if(nCurrIndex == 0){
document.write("<span class='nopage'>首页</span>&nbsp;<span class='nopage'>上一页</span>&nbsp;");
}else{
document.write("<a href=\""+_sPageName+"."+_sPageExt+"\">首页</a>&nbsp;");
if(nCurrIndex == 1){
document.write("<a href=\""+_sPageName+"."+_sPageExt+"\">上一页</a>&nbsp;");
}else{
document.write("<a href=\""+_sPageName+"_"+(nCurrIndex-1)+"."+_sPageExt+"\">上一页</a>&nbsp;");
}
}
if(nCurrIndex == _nPageCount-1){
document.write("<span class='nopage'>下一页</span>&nbsp;<span class='nopage'>尾页</span>");
}else{
document.write("<a href=\""+_sPageName+"_"+(nCurrIndex+1)+"."+_sPageExt+"\">下一页</a>&nbsp;");
document.write("<a href=\""+_sPageName+"_"+(_nPageCount-1)+"."+_sPageExt+"\">尾页</a>");
}
}
</script>
"""


def doc_url(published: str, doc_id: int) -> str:
    """``http://jyt.hunan.gov.cn/jyt/sjyt/jyyw/<YYYYMM>/t<YYYYMMDD>_<docid>.html``."""
    day = date.fromisoformat(published[:10])
    return f"{TRS_ROOT}{COLUMN_PATH}/{day:%Y%m}/t{day:%Y%m%d}_{doc_id}.html"


def list_page_urls(count: int) -> list[str]:
    """``index.html``, then ``index_1.html`` … ``index_<count-1>.html``: counting up."""
    return [f"{TRS_ROOT}{COLUMN_PATH}/index.html"] + [
        f"{TRS_ROOT}{COLUMN_PATH}/index_{n}.html" for n in range(1, count)
    ]


def _head(title: str, metas: Sequence[tuple[str, str]]) -> str:
    meta = "".join(f'<meta name="{k}" content="{escape(v)}">\n' for k, v in metas)
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="SiteName" content="{SITE_NAME}">
<meta name="SiteDomain" content="{TRS_HOST}">
<meta name="SiteIDCode" content="4300000052">
<meta name="ColumnName" content="{COLUMN}">
<meta name="ColumnType" content="{COLUMN}">
{meta}<title>{escape(title)}-{SITE_NAME}</title>
<link href="/jyt/xhtml/css/common.css" rel="stylesheet" type="text/css">
<script type="text/javascript" src="/jyt/xhtml/js/jquery.min.js"></script>
</head>
<body>
<div class="header"><div class="logo"><a href="/jyt/index.html"><img src="/jyt/xhtml/images/logo.png" alt="{SITE_NAME}"></a></div>
<ul class="nav"><li><a href="/jyt/index.html">首页</a></li><li><a href="/jyt/sjyt/jyyw/index.html">{COLUMN}</a></li><li><a href="/jyt/sjyt/tzgg/index.html">通知公告</a></li></ul></div>
"""  # noqa: E501


def _location(up: str) -> str:
    return (
        f'<div class="location">当前位置：<a href="{up}../../">首页</a> &gt; '
        f'<a href="{up}../">省教育厅</a> &gt; <a href="{up or "./"}">{COLUMN}</a></div>\n'
    )


_FOOTER = """<div class="footer"><p>主办：湖南省教育厅 承办：湖南省教育厅办公室</p>
<p>湘ICP备05008102号 湘公网安备43010202000123号</p></div>
</body>
</html>
"""


# -- article pages ------------------------------------------------------------------------


def render_article(fact: ArticleFact) -> bytes:
    """A TRS article page."""
    name = urlsplit(fact.url).path.rsplit("/", 1)[-1]
    metas = (
        ("ArticleTitle", fact.title),
        ("PubDate", clock(fact.published)),
        ("ContentSource", fact.department or ""),
        ("Keywords", ""),
        ("Author", fact.department or ""),
        ("Description", fact.paragraphs[0][:60] if fact.paragraphs else ""),
        ("Url", f"./{name}"),
    )
    html = (
        _head(fact.title, metas)
        + _location("../")
        + '<div class="main"><div class="article">\n'
        + f'<h2 class="article-title">{escape(fact.title)}</h2>\n'
        + '<div class="article-info">'
        + f"<span>发布日期：{fact.published[:10]}</span>"
        + f"<span>来源：{escape(fact.department or '')}</span>"
        + '<span>【字体：<a href="javascript:;">大</a> <a href="javascript:;">中</a> '
        + '<a href="javascript:;">小</a>】</span>'
        + '<span><a href="javascript:window.print()">打印本页</a></span></div>\n'
        + '<div class="article-content" id="j-show-body">'
        + '<!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin--><meta name="ContentStart">'
        + f'<div class="TRS_Editor">{_STYLE}<div class=Custom_UnionStyle>\n'
        + "".join(_block(b) for b in fact.blocks)
        + "</div></div>"
        + '<meta name="ContentEnd"><!--ZJEG_RSS.content.end--><!--<$[信息内容]>end-->\n'
        + "</div>\n"
        + '<div class="article-editor">（责任编辑：<!--<$[信息录入人]>begin-->周敏'
        + "<!--<$[信息录入人]>end-->）</div>\n"
        + '<div class="article-close"><a href="javascript:window.close()">【关闭窗口】</a></div>\n'
        + "</div></div>\n"
        + _FOOTER
    )
    return html.encode("utf-8")


def _block(block: Block) -> str:
    if isinstance(block, Figure):
        name = urlsplit(block.src).path.rsplit("/", 1)[-1]
        return (
            f'<p style="text-align: center;"><img src="./{name}" oldsrc="{name}" alt="" '
            'style="border-width: 0px;"></p>\n'
            f'<p style="text-align: center;">{escape(block.caption)}</p>\n'
        )
    return "<p>\u3000\u3000" + "".join(_run(r) for r in block.runs) + "</p>\n"


def _run(run: str | Link | TextUrl) -> str:
    if isinstance(run, str):
        return escape(run)
    if isinstance(run, TextUrl):
        return escape(run.url)
    parts = urlsplit(run.href)
    if parts.hostname == TRS_HOST:  # a file beside the article: ./P0….pdf
        name = parts.path.rsplit("/", 1)[-1]
        return f'<a href="./{name}" oldsrc="{name}">{escape(run.text)}</a>'
    return f'<a href="{escape(run.href)}" target="_blank">{escape(run.text)}</a>'


def add_articles(world: World, articles: Sequence[ArticleFact]) -> None:
    """Serve every article with its files."""
    for fact in articles:
        modified = stamp(fact.published)
        world.set_page(
            TRS_HOST, urlsplit(fact.url).path, render_article(fact), CONTENT_TYPE,
            last_modified=modified,
        )  # fmt: skip
        serve_files(world, fact, modified)


# -- list pages ---------------------------------------------------------------------------


def render_list_page(page: ListedPage) -> bytes:
    """A page of the list: ``ul.list`` items and the ``createPageHTML`` call."""
    items = "".join(_item(e) for e in page.items)
    call = f'createPageHTML({page.count}, {page.number - 1}, "index", "html");'
    html = (
        _head(COLUMN, ())
        + _location("")
        + f'<div class="main"><div class="column-title">{COLUMN}</div>\n'
        + f'<ul class="list">\n{items}</ul>\n'
        + '<div class="page">\n'
        + _PAGER_SCRIPT
        + f'<script type="text/javascript">{call}</script>\n'
        + "</div></div>\n"
        + _FOOTER
    )
    return html.encode("utf-8")


def _item(entry: ListEntry) -> str:
    parts = urlsplit(entry.url)
    href = entry.url
    if parts.hostname == TRS_HOST:
        href = "./" + parts.path.removeprefix(COLUMN_PATH + "/")
    shown = entry.title if len(entry.title) <= TITLE_CUT else entry.title[:TITLE_CUT] + "..."
    return (
        f'<li><a href="{escape(href)}" target="_blank" title="{escape(entry.title)}">'
        f"{escape(shown)}</a><span>{entry.date}</span></li>\n"
    )
