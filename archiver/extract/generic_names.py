"""The class and id names of page regions: which name furniture (comments, related
articles, share boxes, footers …) and which may name the article.

Readability's "unlikely candidates" list, plus the pinyin names of Chinese templates
(``xgxw`` 相关新闻, ``tuijian`` 推荐, ``fenxiang`` 分享, ``pinglun`` 评论 …).
"""

from __future__ import annotations

import re

# Words of names of regions that are not the article, and of those that may well be.
_UNLIKELY = frozenset(
    """comment comments pinglun recommend recommends recommendation tuijian related relate
    xgxw xgwz xgyd xgtj sidebar footer foot copyright share sharing bdshare fenxiang ad ads
    advert adverts advertisement banner popup modal dialog login hot hotnews rank ranking
    paihang nav navbar navigation menu breadcrumb breadcrumbs crumb crumbs pager pagination
    paging sitemap toolbar tools tags keywords prevnext references reflist""".split()
)
_LIKELY = frozenset(
    """article content main body text detail details post entry zoom editor story cont
    con news artical wenzhang zhengwen""".split()
)
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
#: Always themselves: never furniture by a class name.
NEVER_FURNITURE = frozenset({"html", "body", "article", "main"})


def furniture_names(cls: str, ident: str) -> bool:
    """True when a class attribute ``cls`` or an ``ident`` names page furniture and
    nothing article-like. A BEM name counts by its last element
    (``detail__recommend--wrapper`` is a recommend box, whatever block it belongs to)."""
    names = cls.split()
    if ident:
        names.append(ident)
    bad = good = False
    for name in names:
        for token in _TOKEN_SPLIT.split(name.rsplit("__", 1)[-1].lower()):
            if token in _UNLIKELY:
                bad = True
            elif token in _LIKELY:
                good = True
    return bad and not good
