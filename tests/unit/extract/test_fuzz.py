"""Every extractor, fuzzed: no exception, no hang, and no value the page does not hold.

Pages are the fixture pages mutated (hostile snippets inserted, spans cut, duplicated or
truncated, bytes flipped) and HTML-ish pages generated from the markup the extractors look
for. Each page goes through every extractor, under every family. Bounded in time: a fixed
number of examples, a deadline per page, and a watchdog that ends the run with a traceback
if an extractor never returns (a regex or a parser stuck in C code ignores signals).
"""

from __future__ import annotations

import faulthandler
import html as html_lib
import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from archiver.extract import (
    AUTO,
    FAMILIES,
    canonical_article_url,
    decode_html,
    detect_family,
    extract_article,
    extract_brief,
    extract_bureau_page,
    extract_document,
    extract_list,
    extract_list_page,
    extract_news,
    find_cited_urls,
)
from archiver.extract.generic import extract_generic
from archiver.extract.guard import EXTRACTOR_FAILED
from archiver.extract.html import parse_html
from archiver.records import Brief, ListPage, News
from tests.fixtures import PAGES
from tests.fixtures.families import URLS as FAMILY_URLS
from tests.fixtures.news import URLS as NEWS_URLS

CITED = ("*.bjedu.gov.cn", "*.bjedu.cn", "jw.beijing.gov.cn", "*.moe.gov.cn", "*.gov.cn")
SELECTORS = {"title": "h2, h1", "published": "span.date, .info", "department": "p:nth-child(2)",
             "body": "#content, div.TRS_Editor"}  # fmt: skip

# -- the pages ---------------------------------------------------------------------------

_GENERIC = json.loads((PAGES / "generic" / "expected.json").read_text(encoding="utf-8"))
_OTHER_URLS = {
    "brief_kxfzg_2448_gb2312.html": "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html",
    "brief_kxfzg_2502_gbk_chars.html": "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-18/2502.html",
    "brief_trs_jw_beijing_t20220609.html":
        "http://jw.beijing.gov.cn/jyzx/jyxw/202206/t20220609_2738200.html",
    "brief_trs_labels_only_t20190322.html":
        "http://jw.beijing.gov.cn/tzgg/201903/t20190322_1456789.html",
    "brief_vsb_xcb_bjedu_4518_bom.htm": "https://xcb.bjedu.cn/info/1021/4518.htm",
    "list_ttxw_index.htm": "https://xww.bucea.edu.cn/ttxw/index.htm",
    "list_ttxw_last_page.htm": "https://xww.bucea.edu.cn/ttxw/index/1.htm",
}  # fmt: skip
URL_OF = {
    **_OTHER_URLS,
    **NEWS_URLS,
    **FAMILY_URLS,
    **{name: facts["url"] for name, facts in _GENERIC.items() if isinstance(facts, dict)},
}
PAGE_FILES = sorted(p for p in PAGES.rglob("*") if p.suffix in (".htm", ".html"))
SEED_PAGES = [(p.name, p.read_bytes()) for p in PAGE_FILES]
OTHER_URLS = [
    "https://xww.bucea.edu.cn/zhxw/26536.htm",
    "http://jw.beijing.gov.cn/tzgg/202403/t20240311_3612345.html",
    "https://news.daxue-b.edu.cn/2026/0326/c1234a98765/page.htm",
    "http://u:p@[::1]:8080/x;p?q=1#f",
    "https://例子.中国/新闻/a.htm?x=1",
    "https://xww.bucea.edu.cn/%E4%B8%AD/a%zz.htm",
    "http://a/",
]

# Snippets that broke, or could break, an extractor: control characters and character
# references lxml keeps, early ends of the page, half-open containers, odd dates and numbers,
# unparsable addresses, declarations of encodings, deep nesting.
HOSTILE = [
    b"\x00", b"\x01", b"\x08", b"\x0b", b"\x0c", b"\x1a", b"\x1b[2J", b"\x1b]52;c;aGk=\x07",
    b"\x7f", b"\xc2\x9b31m", b"\r", "\u2028\u202e\u200b\ufeff".encode(), b"\xef\xbf\xbe",
    b"&#0;", b"&#26;", b"&#27;", b"&#x9b;", b"&#xD800;", b"&#xFFFE;", b"&#1114112;",
    b"&#99999999999999999999;", b"&#x;", b"&", b"&nbsp", b"&amp;amp;",
    b"</html>", b"</body>", b"<html>", b"<body>", b"</div>", b"</table>", b"</td></tr>",
    b"<!--", b"-->", b"<![CDATA[", b"]]>", b"<?xml version='1.0' encoding='gbk'?>",
    b"<script>", b"</script>", b"<style>", b"<title>", b"</title>", b"<frameset>", b"<svg>",
    b'<div class="TRS_Editor">', b'<div id="zoom">', b'<div id="vsb_content">',
    b'<div class="v_news_content">', b'<td class="content">', b'<div id="UCAP-CONTENT">',
    b'<h2 class="detail-title">', b"</h2>", b'<div class="media"><h4 class="media-heading">',
    b'<a class="Next" href="javascript:;">', b'<span class="p_next"><a href="?a=%">',
    b'<a href="http://[x">http://[x</a>', b'<a href="http://jw.beijing.gov.cn:99999/a">x</a>',
    b"http://kxfzg.bjedu.gov.cn:0/", b'<img src="//[::1">', b'<base href="http://[x/">',
    b'<a href="\x00javascript:x">', b'<a href="data:text/html,x">',
    "发布时间：2011-13-45 25:61".encode(), "发布日期：9999年99月99日".encode(),
    "日期：0000-00-00".encode(), "时间：2011年2月30日".encode(), "部门：".encode(),
    "来源：　".encode(), "供稿：审核：".encode(), "【打印本页】【关闭窗口】".encode(),
    b'<meta name="PubDate" content="2011-02-30 99:99">', b'<meta name="ArticleTitle" content="">',
    b'<meta name="ColumnName" content="\x1b[31m">', b'<meta charset="x-unknown">',
    b'<meta charset="utf-16">', b'<meta http-equiv="Content-Type" content="text/html; charset=">',
    b"createPageHTML(99999999999999999999,-1,\"index\",\"html\");", b"createPageHTML(0,0,'','');",
    b"<!--enpproperty <title>\x1a</title><date>2011-99-99</date>/enpproperty-->",
    b'<font size="+99999999999999999999">', b'<font size="-">',
    b'<p style="font-size:1e999px;font-weight:999999999999">',
    b"<st1:chsdate>", b"<o:p>", b"<meta name=ContentStart>",
    "<!--<$[信息内容]>begin-->".encode(), "<!--<$[信息来源]>end-->".encode(),
    b"\xff\xfe", b"\xef\xbb\xbf", b"\xe4\xb8", b"\x81", b"\xa1",
    b"<div>" * 300, b"<i>" * 2000, b"<table><tr><td>" * 100, b"<p>" * 100,
]  # fmt: skip


@st.composite
def mutated_pages(draw: st.DrawFn) -> tuple[bytes, str]:
    """A fixture page with up to six mutations, and the address it stands for."""
    name, page = draw(st.sampled_from(SEED_PAGES))
    raw = bytearray(page)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(raw)))
        op = draw(st.sampled_from(["insert", "insert", "cut", "truncate", "repeat", "bytes"]))
        if op == "insert":
            raw[at:at] = draw(st.sampled_from(HOSTILE))
        elif op == "cut":
            del raw[at : at + draw(st.integers(1, 2000))]
        elif op == "truncate":
            del raw[at:]
        elif op == "repeat":
            start = draw(st.integers(0, len(raw)))
            raw[at:at] = raw[start : start + draw(st.integers(1, 800))]
        else:
            raw[at:at] = draw(st.binary(min_size=1, max_size=8))
    url = URL_OF.get(name) or draw(st.sampled_from(OTHER_URLS))
    return bytes(raw), url


# -- generated pages: the markup the extractors look for, nested at random -------------------

_WORDS = [
    "学校", "新闻", "工作简报", "发布时间：", "发布日期：", "日期：", "来源：", "部门：", "供稿：",
    "审核：", "作者：", "信息来源：", "2011-04-11", "2022-06-10 10:30", "2011年4月9日", "10:30",
    "当前位置：", "首页", ">", "【打印】", "关闭", "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html",
    "下一页", "尾页", "…", "\u3000\u3000", "\xa0", "&nbsp;", "&lt;", "&#26;", "\x1a", "\x1b[31m",
]  # fmt: skip
_CLASSES = [
    "TRS_Editor", "detail-title", "v_news_content", "media", "media-heading", "u-date", "Next",
    "p_next", "wp_articlecontent", "article-content", "content", "info", "title", "zoom",
    "m-content", "column-title", "breadcrumb", "arti_metas", "arti_title", "list", "news_list",
    "page", "footer", "share",
]  # fmt: skip
_IDS = ["zoom", "vsb_content", "UCAP-CONTENT", "content", "art", "fontzoom", "artibody"]
_TAGS = [
    "div", "p", "span", "td", "tr", "table", "tbody", "h1", "h2", "h3", "h4", "a", "font", "b",
    "strong", "li", "ul", "em", "br", "img", "script", "style", "form", "iframe", "st1:chsdate",
    "o:p", "title", "meta", "select", "center",
]  # fmt: skip
_META_NAMES = ["ArticleTitle", "PubDate", "ContentSource", "ColumnName", "SiteName", "publishdate",
               "description", "og:title", "keywords"]  # fmt: skip

_CHARACTERS = list("学院通知简报党委会议2011-04年月日:：/ .\n\t")
texts = st.one_of(
    st.sampled_from(_WORDS),
    st.text(alphabet=st.sampled_from(_CHARACTERS), max_size=20),
    st.text(max_size=6),
)


@st.composite
def attributes(draw: st.DrawFn) -> str:
    """A few attributes of the kinds the extractors read."""
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["class", "id", "href", "src", "title", "style", "meta"]))
        if kind == "class":
            value = " ".join(draw(st.lists(st.sampled_from(_CLASSES), min_size=1, max_size=2)))
        elif kind == "id":
            value = draw(st.sampled_from(_IDS))
        elif kind in ("href", "src"):
            value = draw(st.sampled_from([*OTHER_URLS, "../a.htm", "files/a.doc", "x.pdf?v=1",
                                          "javascript:;", "#", "", "http://[x", "//x.jpg"]))
        elif kind == "style":
            value = draw(st.sampled_from(["font-weight:bold", "font-size:18px", "font-size:9pt",
                                          "display:none", "font-size:px"]))  # fmt: skip
        elif kind == "meta":
            parts.append(f'name="{draw(st.sampled_from(_META_NAMES))}"')
            kind, value = "content", draw(texts)
        else:
            value = draw(texts)
        quoted = value.replace('"', "&quot;")
        parts.append(f'{kind}="{quoted}"')
    return (" " + " ".join(parts)) if parts else ""


def _element(tag: str, attrs: str, children: list[str], closed: bool) -> str:
    return f"<{tag}{attrs}>{''.join(children)}" + (f"</{tag}>" if closed else "")


markup = st.recursive(
    texts,
    lambda inner: st.builds(
        _element, st.sampled_from(_TAGS), attributes(), st.lists(inner, max_size=5),
        st.booleans(),
    ),  # fmt: skip
    max_leaves=40,
)


@st.composite
def generated_pages(draw: st.DrawFn) -> tuple[bytes, str]:
    """An HTML-ish page: head, body of generated markup, in UTF-8 or GBK, maybe declared."""
    head = "".join(draw(st.lists(markup, max_size=3)))
    body = "".join(draw(st.lists(markup, min_size=1, max_size=6)))
    charset = draw(st.sampled_from(["utf-8", "gbk", "gb2312"]))
    declared = draw(st.sampled_from(["", charset, "utf-8", "gb2312"]))
    meta = f'<meta charset="{declared}">' if declared else ""
    page = f"<html><head>{meta}{head}</head><body>{body}</body></html>"
    if draw(st.booleans()):
        page = page.replace("</body></html>", "")
    return page.encode(charset, "replace"), draw(st.sampled_from(OTHER_URLS))


# -- every extractor ---------------------------------------------------------------------------


def extractors(raw: bytes, url: str) -> Iterator[tuple[str, Callable[[], Any]]]:
    """(name, call) of every extractor over the page."""
    text, _encoding = decode_html(raw)
    yield "extract_document(news)", lambda: extract_document(
        raw, url, kind="news", cited_hosts=CITED
    )
    yield "extract_document(brief)", lambda: extract_document(raw, url, kind="brief")
    yield "extract_document(selectors)", lambda: extract_document(
        raw, url, kind="news", family=AUTO, selectors=SELECTORS
    )
    for family in (None, *FAMILIES):
        yield f"extract_article({family})", lambda f=family: extract_article(raw, url, f, CITED)
        yield f"extract_bureau_page({family})", lambda f=family: extract_bureau_page(raw, url, f)
        yield f"extract_list({family})", lambda f=family: extract_list(raw, url, f)
    yield "extract_news", lambda: extract_news(text, url, CITED)
    yield "extract_brief", lambda: extract_brief(text, url)
    yield "extract_list_page", lambda: extract_list_page(text, url)
    yield "extract_generic", lambda: extract_generic(text, url)
    yield "detect_family", lambda: detect_family(raw, url)
    yield "find_cited_urls", lambda: find_cited_urls(text, url, CITED)


# -- what a value may be: something the page holds -------------------------------------------

_SPACE = re.compile(r"\s+")
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\ufeff\ufffe\uffff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f]")


def _squeeze(text: str) -> str:
    return _SPACE.sub("", _INVISIBLE.sub("", text)).replace("\xa0", "").replace("\u3000", "")


class PageText:
    """The texts of a page a value may be taken from, each squeezed (no spaces, no
    invisible characters): its text, its comments, its attributes, its source."""

    def __init__(self, raw: bytes) -> None:
        text, _encoding = decode_html(raw)
        self.source = _squeeze(html_lib.unescape(text))
        parser = etree.HTMLParser(remove_comments=False, remove_pis=True)
        try:
            root = etree.fromstring(text, parser)
        except (etree.ParserError, ValueError):
            root = None
        texts: list[str] = []
        attributes: list[str] = []
        if root is not None:
            tree = root.getroottree()
            texts.append("".join(tree.xpath("//text()")))
            visible = "".join(_visible_text(tree.getroot()))
            texts.append(visible)
            texts.append("".join(c.text or "" for c in tree.xpath("//comment()")))
            attributes = [str(value) for value in tree.xpath("//@*")]
        # and as the extractors parse it (an unclosed <title> closed, a second root joined)
        ours = parse_html(text).getroottree()
        ours_visible = "".join(_visible_text(ours.getroot()))
        texts += ["".join(ours.xpath("//text()")), ours_visible]
        self.visible = [_squeeze(t) for t in (visible if root is not None else "", ours_visible)]
        self.texts = [_squeeze(t) for t in texts] + [self.source]
        self.attributes = [_squeeze(a) for a in attributes]
        # (for dates: spaces kept, so that "2022-06-10 10:30" keeps its day apart)
        self.spaced = [_INVISIBLE.sub("", t) for t in [*texts, html_lib.unescape(text)]]

    def holds(self, value: str) -> bool:
        """Whether ``value`` (squeezed) is one attribute's, or the text of the page in a few
        pieces, in order: a heading's text around an element that is not read (a script, an
        inner <title>), or around markup a mutation put in its middle, is still the page's;
        else whether its characters are, in order, text the page shows (never markup)."""
        needle = _squeeze(value)
        return (
            not needle
            or any(needle in attribute for attribute in self.attributes)
            or any(in_pieces(needle, text) for text in self.texts)
            or any(_in_order(needle, text) for text in self.visible)
        )


# Elements whose text no reader sees (the extractors' SKIP_TAGS but head, whose text is
# only its <title>'s, unless broken markup put the body in it).
_UNSEEN = frozenset(
    "script style noscript template iframe object embed select textarea button input title "
    "svg canvas".split()
)


def _visible_text(el: Any) -> Iterator[str]:
    """The text of ``el`` a reader sees, in order (its tail left to the caller)."""
    if not isinstance(el.tag, str) or el.tag in _UNSEEN:
        return
    yield el.text or ""
    for child in el:
        yield from _visible_text(child)
        yield child.tail or ""


def _in_order(needle: str, text: str) -> bool:
    rest = iter(text)
    return all(ch in rest for ch in needle)


def in_pieces(needle: str, text: str, most: int = 4) -> bool:
    """Whether ``needle`` is at most ``most`` pieces of ``text``, in order (each piece the
    longest that is found, where it is first found)."""
    at = done = pieces = 0
    while done < len(needle):
        found = None
        low, high = 1, len(needle) - done
        while low <= high:  # a prefix found means every shorter one is found too
            middle = (low + high) // 2
            position = text.find(needle[done : done + middle], at)
            if position >= 0:
                found, low = (middle, position), middle + 1
            else:
                high = middle - 1
        pieces += 1
        if found is None or pieces > most:
            return False
        done, at = done + found[0], found[1] + found[0]
    return True


_ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_HAN_NUMBER = re.compile("[〇零一二三四五六七八九十]+")
_HAN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def _han_number(match: re.Match[str]) -> str:
    """二〇〇七 → 2007, 七 → 7, 二十 → 20, 十二 → 12 (the numbers of dates)."""
    text = match.group()
    if "十" not in text:
        return "".join(str(_HAN_DIGITS[c]) for c in text)
    tens, _, ones = text.partition("十")
    value = (_HAN_DIGITS.get(tens[-1:], 1) if tens else 1) * 10 + _HAN_DIGITS.get(ones[:1], 0)
    return str(value)


def date_is_in(published: str, page: PageText, url: str) -> bool:
    """Whether the page (or its address) writes the date: its year, with the month and day
    as numbers close by, in any order (2011-04-09, 2011年4月9日, 二〇一一年四月九日, a badge
    "09 2011.04"), or all three run together (t20110409)."""
    year, month, day = _ISO.match(published).groups()  # type: ignore[union-attr]
    return any(_writes_date(text, year, month, day) for text in [*page.spaced, url])


def _writes_date(text: str, year: str, month: str, day: str) -> bool:
    text = "".join(str(int(c)) if c.isdecimal() else c for c in text)
    text = _HAN_NUMBER.sub(_han_number, text)
    if f"{year}{month}{day}" in text:
        return True
    for found in re.finditer(year, text):
        near = text[max(0, found.start() - 30) : found.end() + 30]
        numbers = [int(n) for n in re.findall(r"\d+", near)]
        if int(month) in numbers and int(day) in numbers:
            return True
    return False


def check(name: str, result: Any, page: PageText, raw: bytes, url: str) -> None:
    """What every extractor's result must be: no net caught it, every value in the page."""
    warnings = getattr(result, "parse_warnings", None) or []
    failed = [w for w in warnings if w.startswith(EXTRACTOR_FAILED)]
    assert not failed, f"{name}: {failed}"
    values: list[tuple[str, str | None]] = []
    if isinstance(result, News | Brief) or hasattr(result, "body_element"):
        for field in ("title", "department", "contributor", "reviewer", "source"):
            values.append((field, getattr(result, field, None)))
        values += [("sections", s) for s in getattr(result, "sections", None) or []]
        published = getattr(result, "published", None)
        if published:
            assert date_is_in(published, page, url), f"{name}: published {published} not in page"
    if isinstance(result, ListPage):
        values.append(("section", result.section))
        for item in result.items:
            values.append(("item title", item.title))
            if item.date:
                assert date_is_in(item.date, page, url), f"{name}: item date {item.date}"
    for field, value in values:
        if value is None:
            continue
        assert page.holds(value), f"{name}: {field} {value!r} is not in the page"
        assert not _CONTROL.search(value), f"{name}: {field} {value!r} holds a control character"
    body = getattr(result, "body", None)
    if isinstance(body, str):
        assert not _CONTROL.search(body.replace("\t", "").replace("\n", "")), name


@contextmanager
def watchdog(seconds: float) -> Iterator[None]:
    """End the whole run with every thread's traceback if the block takes longer than
    ``seconds``: a hang in C code (a regex, the parser) would otherwise never end."""
    faulthandler.dump_traceback_later(seconds, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


def run_every_extractor(raw: bytes, url: str) -> None:
    """Run and check every extractor over one page."""
    page = PageText(raw)
    with watchdog(120):
        for name, call in extractors(raw, url):
            check(name, call(), page, raw, url)


FUZZ = settings(
    # a longer hunt: ARCHIVER_FUZZ_EXAMPLES=2000 pytest tests/unit/extract/test_fuzz.py
    max_examples=int(os.environ.get("ARCHIVER_FUZZ_EXAMPLES", "60")),
    deadline=timedelta(seconds=10),  # one page through every extractor: well under 1 s
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(mutated_pages())
def test_mutated_pages(page: tuple[bytes, str]) -> None:
    run_every_extractor(*page)


@FUZZ
@given(generated_pages())
def test_generated_pages(page: tuple[bytes, str]) -> None:
    run_every_extractor(*page)


@pytest.mark.parametrize(("name", "raw"), SEED_PAGES, ids=[name for name, _ in SEED_PAGES])
def test_the_fixture_pages_themselves(name: str, raw: bytes) -> None:
    run_every_extractor(raw, URL_OF.get(name, OTHER_URLS[0]))


def test_every_fixture_page_has_its_address() -> None:
    assert {name for name, _raw in SEED_PAGES} <= set(URL_OF)


@pytest.mark.parametrize("url", [*URL_OF.values(), *OTHER_URLS])
def test_canonical_article_url(url: str) -> None:
    canonical_article_url(url)
