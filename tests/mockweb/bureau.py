"""Pages of the bureau sites the news cites, rendered from :class:`BriefFact`.

- ``jw.beijing.gov.cn``: today's TRS CMS (SITES.md §2): gov meta tags in ``<head>``, visible
  ``发布日期：``/``来源：``, body ``div.TRS_Editor``; UTF-8.
- ``kxfzg.bjedu.gov.cn``: the dead 2010–2012 campaign site. Its pages only exist as web-archive
  captures: table layouts declaring ``charset=gb2312`` and encoded so, for real.
"""

from __future__ import annotations

from html import escape

from tests.mockweb.facts import BriefFact

JW_HOST = "jw.beijing.gov.cn"
KXFZG_HOST = "kxfzg.bjedu.gov.cn"
JW_SITE_NAME = "北京市教育委员会"
KXFZG_SITE_NAME = "北京教育系统创先争优活动网"

ROBOTS_ALLOW_ALL = b"User-agent: *\nDisallow:\n"


def trs_pubdate(published: str) -> str:
    """``2022-06-10T09:30+08:00`` → ``2022-06-10 09:30`` (the ``PubDate`` meta format)."""
    return f"{published[:10]} {published[11:16]}" if "T" in published else published


def render_trs_brief(brief: BriefFact) -> bytes:
    """A ``jw.beijing.gov.cn`` article page (UTF-8)."""
    title = escape(brief.title or "")
    source = escape(brief.source or "")
    column = escape(brief.column or "教育新闻")
    published = brief.published or ""
    paragraphs = "".join(f"<p>\u3000\u3000{escape(p)}</p>\n" for p in brief.paragraphs)
    html = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="SiteName" content="{JW_SITE_NAME}">
<meta name="SiteDomain" content="{JW_HOST}">
<meta name="SiteIDCode" content="1100000088">
<meta name="ColumnName" content="{column}">
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{trs_pubdate(published)}">
<meta name="ContentSource" content="{source}">
<meta name="Keywords" content="">
<title>{title}_{JW_SITE_NAME}</title>
<link href="/images/common.css" rel="stylesheet">
</head>
<body>
<div class="header"><a href="/"><img src="/images/logo.png" alt="{JW_SITE_NAME}"></a></div>
<div class="location">当前位置：<a href="../../../">首页</a> &gt; <a href="../../">教育资讯</a>
 &gt; <a href="../">{column}</a></div>
<div class="article">
<h1 class="title">{title}</h1>
<div class="info"><span>发布日期：{published[:10]}</span> <span>来源：{source}</span>
 <span>字号：<a href="javascript:;">大</a> <a href="javascript:;">中</a>
 <a href="javascript:;">小</a></span></div>
<div class="article-body"><div class="TRS_Editor">
{paragraphs}</div></div>
<div class="share">分享到：</div>
</div>
<div class="footer">主办：{JW_SITE_NAME} 京ICP备05083382号 京公网安备11010202008125号</div>
</body>
</html>
"""
    return html.encode("utf-8")


def render_trs_not_found() -> bytes:
    """What the TRS site answers, with status 404, for a page it withdrew."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<title>404-{JW_SITE_NAME}</title></head>\n<body><div class="error">'
        "<p>对不起，您访问的页面不存在或已被删除！</p>"
        '<p><a href="/">返回首页</a></p></div></body></html>\n'
    ).encode()


def render_kxfzg_brief(brief: BriefFact) -> bytes:
    """A 2011 campaign-site brief: table layout, ``charset=gb2312``, GB2312 bytes."""
    title = escape(brief.title or "")
    paragraphs = "".join(
        f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{escape(p)}</p>\r\n" for p in brief.paragraphs
    )
    html = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\r
<html xmlns="http://www.w3.org/1999/xhtml">\r
<head>\r
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />\r
<title>{title}_{KXFZG_SITE_NAME}</title>\r
<link href="/css/style.css" rel="stylesheet" type="text/css" />\r
</head>\r
<body>\r
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">\r
  <tr><td><img src="/images/banner.jpg" width="980" height="160" /></td></tr>\r
  <tr><td class="nav"><a href="/">首页</a> | <a href="/gzdt/">工作动态</a> | \
<a href="/gzjb/">工作简报</a> | <a href="/jyjl/">经验交流</a></td></tr>\r
</table>\r
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">\r
  <tr>\r
    <td width="220" valign="top" class="left"><b>工作简报</b><br />\r
      <a href="/gzjb/">更多简报</a></td>\r
    <td width="760" valign="top">\r
      <table width="100%" border="0" cellpadding="6" cellspacing="0">\r
        <tr><td class="weizhi">您现在的位置：<a href="/">首页</a> &gt;&gt; 工作简报</td></tr>\r
        <tr><td align="center" class="title"><b>{title}</b></td></tr>\r
        <tr><td align="center" class="info">发布时间：{brief.published or ""}  \
来源：{escape(brief.source or "")}</td></tr>\r
        <tr><td class="content" valign="top">\r
{paragraphs}        </td></tr>\r
        <tr><td align="right">【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>\r
      </table>\r
    </td>\r
  </tr>\r
</table>\r
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">\r
  <tr><td align="center" class="foot">主办：中共北京市委教育工作委员会 \
版权所有 京ICP备05083382号</td></tr>\r
</table>\r
</body>\r
</html>\r
"""
    html.encode("gb2312")  # raises if a character outside GB2312 slipped in
    return html.encode("gb18030")
