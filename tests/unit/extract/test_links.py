"""find_cited_urls: bureau briefs cited as links and as addresses written in the text."""

from __future__ import annotations

import pytest

from archiver.extract import find_cited_urls
from archiver.extract.links import find_attachments, find_images, normalise_url
from archiver.extract.text import parse_html
from archiver.records import Citation
from archiver.sites import bundled_profiles

BASE = "https://xww.bucea.edu.cn/zhxw/26536.htm"
BRIEF = "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html"


CITED_HOSTS = bundled_profiles()["bucea"].cited_hosts


def cited(body: str) -> list[Citation]:
    return find_cited_urls(f"<div id='art'>{body}</div>", BASE, CITED_HOSTS)


@pytest.mark.parametrize(
    "written",
    [
        f"网址: {BRIEF}",
        f"网址：{BRIEF}）。",
        f"（详见{BRIEF}）。",
        f"见{BRIEF}，",
        f"见{BRIEF}、另见",
        f"见{BRIEF}；",
        f"见{BRIEF}：",
        f"见{BRIEF}！",
        f"见{BRIEF}？",
        f"「{BRIEF}」",
        f"『{BRIEF}』",
        f"“{BRIEF}”",
        f"‘{BRIEF}’",
        f"see {BRIEF}.",
        f"see {BRIEF},",
        f"see {BRIEF};",
        f"see {BRIEF}:",
        f"see {BRIEF}!",
        f"see {BRIEF}?",
        f"(see {BRIEF})",
        f"see {BRIEF}).",
        f"see {BRIEF}#top",
        f"网址:&nbsp;{BRIEF}&nbsp;",
        f"网址:\u3000{BRIEF}\u3000下载",
        f"<span>网址：</span><span>{BRIEF}</span><span>）。</span>",
    ],
)
def test_text_address_ends_before_punctuation(written: str) -> None:
    assert cited(f"<p>{written}</p>") == [Citation(BRIEF, "text")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # relative link on the news site: not a bureau page
        ('<a href="../zhxw/26536.htm">另一篇</a>', []),
        # off-bureau hosts, as link and as text
        ('<a href="http://www.bucea.edu.cn/">学校</a> http://www.moe.edu.cn/x.html', []),
        # *.bjedu.gov.cn covers the apex too; *.moe.gov.cn and jw.beijing.gov.cn count
        (
            '<a href="http://bjedu.gov.cn/a.htm">a</a><a href="http://www.moe.gov.cn/b.htm">b</a>'
            '<a href="http://jw.beijing.gov.cn/c.html">c</a>',
            [
                Citation("http://bjedu.gov.cn/a.htm", "link"),
                Citation("http://www.moe.gov.cn/b.htm", "link"),
                Citation("http://jw.beijing.gov.cn/c.html", "link"),
            ],
        ),
        # a link whose text is its own address is one citation, the link
        (f'<a href="{BRIEF}">{BRIEF}</a>', [Citation(BRIEF, "link")]),
        # the same brief linked and written: one of each, in document order
        (
            f"<p>网址：{BRIEF}</p><p><a href='{BRIEF}'>简报</a></p>",
            [Citation(BRIEF, "text"), Citation(BRIEF, "link")],
        ),
        (
            f"<p><a href='{BRIEF}'>简报</a></p><p>网址：{BRIEF}</p>",
            [Citation(BRIEF, "link"), Citation(BRIEF, "text")],
        ),
        # repeats collapse; fragments go; the host is lower-cased, the path kept as written
        (
            f"<p>{BRIEF}</p><p>{BRIEF}#x</p><p>http://KXFZG.bjedu.gov.cn/GZJB/2011-04-11/2448.html</p>",
            [
                Citation(BRIEF, "text"),
                Citation("http://kxfzg.bjedu.gov.cn/GZJB/2011-04-11/2448.html", "text"),
            ],
        ),
        # the query is kept
        (
            "<p>http://www.bjedu.gov.cn/publish/portal0/tab67/info.htm?id=28811&amp;p=2。</p>",
            [
                Citation(
                    "http://www.bjedu.gov.cn/publish/portal0/tab67/info.htm?id=28811&p=2", "text"
                )
            ],
        ),
        # web-archive replay addresses point at the original
        (
            f'<a href="https://web.archive.org/web/20110501000000/{BRIEF}">存档</a>'
            f'<a href="/web/20110501000000id_/{BRIEF.replace("//", "/")}">存档2</a>',
            [Citation(BRIEF, "link")],
        ),
        # javascript: and mailto: links are no citations
        ('<a href="javascript:void(0)">x</a><a href="mailto:a@bjedu.gov.cn">y</a>', []),
    ],
)
def test_cited_urls(body: str, expected: list[Citation]) -> None:
    assert cited(body) == expected


def test_relative_links_on_a_bureau_page_resolve() -> None:
    body = parse_html('<div><a href="../2011-04-18/2502.html">下一期</a></div>')
    assert find_cited_urls(body, BRIEF, ["kxfzg.bjedu.gov.cn"]) == [
        Citation("http://kxfzg.bjedu.gov.cn/gzjb/2011-04-18/2502.html", "link")
    ]


def test_bureau_hosts_are_a_parameter() -> None:
    body = f"<p>{BRIEF}</p><p>http://jw.beijing.gov.cn/x.html</p>"
    assert find_cited_urls(body, BASE, ["jw.beijing.gov.cn"]) == [
        Citation("http://jw.beijing.gov.cn/x.html", "text")
    ]


def test_images_and_attachments_are_absolute() -> None:
    body = parse_html(
        "<div><img src='../img/a.jpg'><img src='../img/a.jpg'><img src='/b.png?x=1'>"
        "<a href='f/a.DOCX'>a</a><a href='f/b.pdf?download=1'>b</a><a href='f/c.zip#x'>c</a>"
        "<a href='f/d.rar'>d</a><a href='f/e.pptx'>e</a><a href='f/g.xlsx'>g</a>"
        "<a href='f/h.htm'>h</a><a href='f/i.doc.htm'>i</a><a href='f/j.jpg'>j</a>"
        "<a href='x.htm?file=k.pdf'>k</a></div>"
    )
    assert find_images(body, BASE) == [
        "https://xww.bucea.edu.cn/img/a.jpg",
        "https://xww.bucea.edu.cn/b.png?x=1",
    ]
    assert find_attachments(body, BASE) == [
        "https://xww.bucea.edu.cn/zhxw/f/a.DOCX",
        "https://xww.bucea.edu.cn/zhxw/f/b.pdf?download=1",
        "https://xww.bucea.edu.cn/zhxw/f/c.zip",
        "https://xww.bucea.edu.cn/zhxw/f/d.rar",
        "https://xww.bucea.edu.cn/zhxw/f/e.pptx",
        "https://xww.bucea.edu.cn/zhxw/f/g.xlsx",
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Kxfzg.BJEDU.gov.cn/Gzjb/a.html#p2", "http://kxfzg.bjedu.gov.cn/Gzjb/a.html"),
        ("http://kxfzg.bjedu.gov.cn:8080/a?b=1", "http://kxfzg.bjedu.gov.cn:8080/a?b=1"),
        ("https://web.archive.org/web/2011id_/http://kxfzg.bjedu.gov.cn/a", "http://kxfzg.bjedu.gov.cn/a"),
        ("ftp://kxfzg.bjedu.gov.cn/a", None),
        ("http://", None),
        ("http://[::1", None),
    ],
)  # fmt: skip
def test_normalise_url(url: str, expected: str | None) -> None:
    assert normalise_url(url) == expected
