"""Which CMS made a page, from markers in the page itself (never from its host name).

The markers are searched in the text as served, comments included (TRS and ENP write theirs
as comments, which the parser drops), and with either quote around attributes (SUDY's server
bytes use single quotes). Families are tried in an order that settles pages carrying the
markers of two: Hanweb pages also hold TRS's ``<!--<$[信息内容]>`` comments, VSB and UCAP
bodies may hold a ``TRS_Editor`` pasted from a government site.
"""

from __future__ import annotations

import functools
import re

_Q = r"""["']"""


def _class(name: str) -> str:
    """An attribute ``class`` holding the word ``name``, either quote."""
    return rf"""\bclass\s*=\s*{_Q}(?:[^"']*\s)?{name}(?:\s[^"']*)?{_Q}"""


def _id(name: str) -> str:
    return rf"""\bid\s*=\s*{_Q}{name}{_Q}"""


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# (family, markers of which one suffices, markers of which two are needed)
_MARKERS: tuple[tuple[str, tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]], ...] = (
    (
        "bucea",
        # two of h2.detail-title, div#art, div.m-content (articles); lists: see below
        (),
        (
            _any(rf"<h2\b[^>]*{_class('detail-title')}"),
            _any(rf"<div\b[^>]*{_id('art')}"),
            _any(rf"<div\b[^>]*{_class('m-content')}"),
        ),
    ),
    ("enp", (_any(r"<!--\s*enpproperty\b"),), ()),
    ("ucap", (_any(_id("UCAP-CONTENT")),), ()),
    (
        "hanweb",
        (_any(r"<datastore>\s*(?:<nextgroup>|<recordset>)"),),
        (
            _any(_id("zoom")),
            _any(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html", r"\bjcms\b", r"/module/jslib/"),
        ),
    ),
    (
        "sudy",
        (
            _any(r"""<html\b[^>]*\bclass\s*=\s*["'][^"']*\bwebplus-(?:page|list)\b"""),
            _any(r"\bsudy-wp-context\b", r"\bsudy-wp-siteid\b"),
            _any(_class("wp_articlecontent")),
        ),
        (
            _any(r"""["'(]/_upload/"""),
            _any(r"/_js/_portletPlugs/"),
            _any(r"""\bportletmode\s*=\s*["']simple"""),
            _any(_class("wp_paging")),
        ),
    ),
    (
        "vsb",
        (
            _any(r"""\bname\s*=\s*["']_newscontent_fromname["']"""),
            _any(rf"""\bid\s*=\s*{_Q}vsb_content(?:_\d+)?{_Q}"""),
            _any(r"\b_showDynClicks\s*\("),
            _any(r"""["']/system/resource/"""),
            _any(_class("p_pages")),
        ),
        (),
    ),
    (
        "trs",
        (
            _any(_class("TRS_Editor")),
            _any(r"\bcreatePageHTML\(\s*\w+\s*,\s*\w+\s*,\s*[\"']"),
            _any(r"<!--\s*<\$\[信息内容\]>"),
        ),
        (),
    ),
)
# bucea's list pages: a.Next and div.media (checked apart: two markers of their own).
_BUCEA_LIST = (_any(rf"<a\b[^>]*{_class('Next')}"), _any(rf"<div\b[^>]*{_class('media')}"))

_TS = re.compile(r"""\$_ts\s*=\s*window\s*\[\s*["']\$_ts["']\s*\]""")
_META_R = re.compile(r"""<meta\b[^>]*\sr\s*=\s*["']?m\b["']?[^>]*>""", re.IGNORECASE)
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_INVISIBLE = re.compile(
    r"<(style|noscript|title)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.IGNORECASE | re.DOTALL
)
# "A page of almost only script": this much inline script, this little visible text.
_MIN_SCRIPT_CHARS = 1000
_MAX_VISIBLE_CHARS = 40


def detect_family(html: str, url: str = "") -> str | None:
    """The CMS family whose markers the page carries, or None (the caller falls back to the
    generic extractors). An anti-bot challenge page is never any family's page. ``url`` is
    not consulted: a family is told by its markup, wherever it is hosted."""
    if is_challenge_page(html):
        return None
    for family, alone, together in _MARKERS:
        if any(p.search(html) for p in alone):
            return family
        if together and sum(1 for p in together if p.search(html)) >= 2:
            return family
        if family == "bucea" and all(p.search(html) for p in _BUCEA_LIST):
            return family
    return None


# A page is asked twice (by the spider, then by the extractor), in the same text: the second
# answer is a look-up (a str keeps its hash).
@functools.lru_cache(maxsize=4)
def is_challenge_page(html: str) -> bool:
    """True for an anti-bot gateway's JavaScript challenge (``$_ts=window['$_ts']``, a
    ``<meta … r="m">``, or a page of almost only script): never an article or a list."""
    if _TS.search(html) or _META_R.search(html):
        return True
    script_chars = sum(len(m.group(1).strip()) for m in _SCRIPT.finditer(html))
    if script_chars < _MIN_SCRIPT_CHARS:
        return False
    visible = _INVISIBLE.sub(" ", _SCRIPT.sub(" ", html))
    return len("".join(visible.split())) <= _MAX_VISIBLE_CHARS
