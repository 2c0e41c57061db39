"""The family sites of the mock web (VSB, SUDY WebPlus, TRS), probed as a client would.

Each list is walked from its start URL the way its family pages: VSB down through
``.p_next a``, SUDY through ``a.next`` until it is ``javascript:void(0);``, TRS by computing
the pages from ``createPageHTML(count, index, …)``. Every page is checked against the facts
it was rendered from, and the bytes on the wire against what the real servers send.
"""

from __future__ import annotations

import http.client
import re
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from email.message import Message
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from tests.mockweb import EXPECTED, MockWeb, default_world
from tests.mockweb.catalog import BRIEFS
from tests.mockweb.facts import ArticleFact, FamilySite
from tests.mockweb.families import FAMILY_SITES, family_world, vsb
from tests.mockweb.families.catalog import (
    CHALLENGED_200,
    CHALLENGED_202,
    S_INTEGRITY,
    V_ADMISSION,
    V_ASSISTANT,
)
from tests.mockweb.families.common import clock

BOM = b"\xef\xbb\xbf"
VSB, SUDY, TRS = FAMILY_SITES["vsb"], FAMILY_SITES["sudy"], FAMILY_SITES["trs"]
_CREATE_PAGE = re.compile(r'createPageHTML\((\d+),\s*(\d+),\s*"([^"]+)",\s*"([^"]+)"\)')


# -- a client -----------------------------------------------------------------------------


@dataclass
class Fetched:
    status: int
    headers: Message
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(web: MockWeb, url: str, headers: dict[str, str] | None = None) -> Fetched:
    """GET ``url`` through the mock: proxied for http, through a CONNECT tunnel for https."""
    if url.startswith("http://"):
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({"http": web.proxy_url}), _NoRedirect
        )
        try:
            with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
                return Fetched(r.status, r.headers, r.read())
        except urllib.error.HTTPError as error:
            with error:
                return Fetched(error.code, error.headers, error.read())
    parts = urlsplit(url)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", web.port, context=context, timeout=10)
    conn.set_tunnel(parts.hostname or "", 443)
    try:
        conn.request(
            "GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {}
        )
        response = conn.getresponse()
        return Fetched(response.status, response.headers, response.read())
    finally:
        conn.close()


def tree_of(got: Fetched) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(got.body.decode("utf-8-sig"))


def text_of(element: lxml.html.HtmlElement) -> str:
    return " ".join(str(element.text_content()).split()).strip("\xa0\u3000 ")


def paragraphs(container: lxml.html.HtmlElement) -> list[str]:
    return [t for p in container.xpath(".//p") if (t := text_of(p))]


@pytest.fixture(scope="module")
def web() -> Iterator[MockWeb]:
    with MockWeb(family_world()) as served:
        yield served


# -- walking the lists --------------------------------------------------------------------

Item = tuple[str, str, str]  # (absolute url, full title, date)


def walk_vsb(web: MockWeb) -> list[tuple[str, list[Item]]]:
    """Follow ``.p_next a`` from page 1 until the pager has no link to a next page."""
    url: str | None = VSB.start_url
    pages: list[tuple[str, list[Item]]] = []
    while url is not None and len(pages) < 10:
        got = fetch(web, url)
        assert got.status == 200, url
        tree = tree_of(got)
        items = [
            (
                urljoin(url, a.get("href")),
                text_of(a.xpath("./h5")[0]),
                text_of(a.xpath("./span")[0]),
            )
            for a in tree.xpath('//li[starts-with(@id, "line_u5_")]/a')
        ]
        pages.append((url, items))
        nxt = tree.xpath('//span[@class="p_pages"]/span[contains(@class, "p_next")]/a/@href')
        url = urljoin(url, nxt[0]) if nxt else None
    return pages


def walk_sudy(web: MockWeb) -> list[tuple[str, list[Item]]]:
    """Follow ``a.next`` until it leads nowhere; the pager's counters agree on the way."""
    url: str | None = SUDY.start_url
    pages: list[tuple[str, list[Item]]] = []
    while url is not None and len(pages) < 10:
        got = fetch(web, url)
        assert got.status == 200, url
        tree = tree_of(got)
        items = [
            (
                urljoin(url, a.get("href")),
                a.get("title"),
                text_of(li.xpath('.//span[@class="Article_PublishDate"]')[0]),
            )
            for li in tree.xpath('//ul[@class="wp_article_list"]/li[contains(@class, "list_item")]')
            for a in li.xpath('.//span[@class="Article_Title"]/a')
        ]
        pages.append((url, items))
        pager = tree.xpath('//ul[contains(@class, "wp_paging")]')[0]
        assert pager.findtext('.//em[@class="curr_page"]') == str(len(pages))
        assert pager.findtext('.//em[@class="all_pages"]') == str(len(SUDY.expected.list_pages))
        nxt = pager.xpath('.//a[@class="next"]/@href')[0]
        url = None if nxt.startswith("javascript:") else urljoin(url, nxt)
    return pages


def walk_trs(web: MockWeb) -> list[tuple[str, list[Item]]]:
    """Read the page count from ``createPageHTML(…)`` on page 1, then fetch every page."""
    first = fetch(web, TRS.start_url)
    calls = _CREATE_PAGE.findall(first.body.decode())
    assert len(calls) == 1, "the count is in the call, after the function's own definition"
    count, index, name, ext = calls[0]
    assert index == "0"
    urls = [urljoin(TRS.start_url, f"{name}.{ext}")] + [
        urljoin(TRS.start_url, f"{name}_{i}.{ext}") for i in range(1, int(count))
    ]
    pages: list[tuple[str, list[Item]]] = []
    for i, url in enumerate(urls):
        got = fetch(web, url)
        assert got.status == 200, url
        assert _CREATE_PAGE.findall(got.body.decode()) == [(count, str(i), name, ext)]
        items = [
            (urljoin(url, a.get("href")), a.get("title"), text_of(a.xpath("../span")[0]))
            for a in tree_of(got).xpath('//ul[@class="list"]/li/a')
        ]
        pages.append((url, items))
    return pages


WALKERS = {"vsb": walk_vsb, "sudy": walk_sudy, "trs": walk_trs}


@pytest.mark.parametrize("family", ["vsb", "sudy", "trs"])
def test_list_is_walked_as_the_family_pages_it(web: MockWeb, family: str) -> None:
    site = FAMILY_SITES[family]
    pages = WALKERS[family](web)
    assert [url for url, _ in pages] == [p.url for p in site.expected.list_pages]
    for (_, items), fact in zip(pages, site.expected.list_pages, strict=True):
        assert items == [(i.url, i.title, i.date) for i in fact.items]


def test_page_files_count_down_on_vsb_and_up_on_sudy_and_trs() -> None:
    assert [p.url.removeprefix(VSB.start_url[:-4]) for p in VSB.expected.list_pages] == [
        ".htm", "/2.htm", "/1.htm",
    ]  # fmt: skip
    assert [p.url.rsplit("/", 1)[1] for p in SUDY.expected.list_pages] == [
        "list.htm", "list2.htm", "list3.htm",
    ]  # fmt: skip
    assert [p.url.rsplit("/", 1)[1] for p in TRS.expected.list_pages] == [
        "index.html", "index_1.html", "index_2.html",
    ]  # fmt: skip


@pytest.mark.parametrize("family", ["vsb", "sudy", "trs"])
def test_every_listed_article_is_served_with_its_title(web: MockWeb, family: str) -> None:
    site = FAMILY_SITES[family]
    listed = [i.url for p in site.expected.list_pages for i in p.items]
    articles = [
        u for u in listed if u not in site.challenged and u not in site.expected.never_fetched
    ]
    assert {site.twins.get(u, u) for u in articles} == {a.url for a in site.expected.articles}
    for url in articles:
        got = fetch(web, url)
        assert got.status == 200, url
        fact = site.expected.article(site.twins.get(url, url))
        assert fact.title in got.body.decode("utf-8-sig")
        assert got.headers["ETag"] and got.headers["Last-Modified"]
        assert fetch(web, url, {"If-None-Match": got.headers["ETag"]}).status == 304


@pytest.mark.parametrize("family", ["vsb", "sudy", "trs"])
def test_robots_txt(web: MockWeb, family: str) -> None:
    site = FAMILY_SITES[family]
    got = fetch(web, f"{site.start_url.split('/', 3)[0]}//{site.host}/robots.txt")
    assert got.status == 200 and got.headers["Content-Type"] == "text/plain"
    assert got.body.startswith(b"User-agent: *\n")


# -- VSB ----------------------------------------------------------------------------------


def test_vsb_wire_is_bom_utf8_without_charset(web: MockWeb) -> None:
    for url in [VSB.start_url, *(a.url for a in VSB.expected.articles)]:
        got = fetch(web, url)
        assert got.headers["Content-Type"] == "text/html", url
        assert got.body.startswith(BOM + b"<!DOCTYPE html>\r\n"), url
        assert b"/system/resource/js/" in got.body


def test_vsb_articles_match_facts(web: MockWeb) -> None:
    for fact in VSB.expected.articles:
        got = fetch(web, fact.url)
        tree = tree_of(got)
        form = tree.xpath('//form[@name="_newscontent_fromname"]')[0]
        assert text_of(form.xpath(".//h2")[0]) == fact.title
        assert text_of(form.xpath(".//h1")[0]) == ""
        meta = {m.get("name"): m.get("content") for m in tree.xpath("//meta[@name]")}
        assert meta["ArticleTitle"] == fact.title
        assert meta["PubDate"] == clock(fact.published)
        assert meta["ContentSource"] == (fact.department or "")
        assert meta["ColumnName"] == fact.column
        info = text_of(form.xpath('.//div[contains(@class, "arc-info")]')[0])
        assert f"发布时间：{clock(fact.published)}" in info and "作者：" in info
        assert f"来源：{fact.department or ''} " in info and "浏览量：" in info
        news_id = fact.url.rsplit("/", 1)[1].removesuffix(".htm")
        clicks = form.xpath('.//span[@class="ydl"]/script')[0].text
        assert clicks == f'_showDynClicks("wbnews", {vsb.OWNER}, {news_id})'  # JS: no content
        body = form.xpath('.//div[starts-with(@id, "vsb_content")]/div[@class="v_news_content"]')[0]
        assert paragraphs(body) == list(fact.paragraphs), fact.url
        assert [urljoin(fact.url, s) for s in body.xpath(".//img/@src")] == list(fact.images)
        links = [urljoin(fact.url, h) for h in body.xpath(".//a/@href")]
        files = [urljoin(fact.url, h) for h in form.xpath(".//ul/li/a/@href")]
        assert links == [c.url for c in fact.cites if c.how == "link"] + [
            a for a in fact.attachments if a not in files
        ]
        assert files == [f.href for f in fact.files]


def test_vsb_twin_is_the_same_article(web: MockWeb) -> None:
    assert len(VSB.twins) == len(VSB.expected.articles)
    twin = next(t for t, u in VSB.twins.items() if u == V_ADMISSION.fact.url)
    assert twin.startswith(f"https://{VSB.host}/content.jsp?urltype=news.NewsContentUrl&wbtreeid=")
    listed = [i.url for p in VSB.expected.list_pages for i in p.items]
    assert twin in listed and V_ADMISSION.fact.url not in listed
    static, dynamic = tree_of(fetch(web, V_ADMISSION.fact.url)), tree_of(fetch(web, twin))
    for tree in (static, dynamic):
        assert tree.xpath('//div[@id="vsb_content_2"]')
        body = tree.xpath('//div[@class="v_news_content"]')[0]
        assert paragraphs(body) == list(V_ADMISSION.fact.paragraphs)
        meta = {m.get("name"): m.get("content") for m in tree.xpath("//meta[@name]")}
        assert meta["Url"] == "news.whu.edu.cn/info/1002/71201.htm"


def test_vsb_files_and_traps(web: MockWeb) -> None:
    download = V_ADMISSION.fact.files[0].href
    got = fetch(web, download)
    assert got.status == 200 and got.body.startswith(b"PK")
    assert "filename*=UTF-8''" in got.headers["Content-Disposition"]
    pdf = fetch(web, V_ADMISSION.fact.attachments[0])
    assert pdf.headers["Content-Type"] == "application/pdf"
    page = fetch(web, V_ASSISTANT.fact.url).body.decode("utf-8-sig")
    assert '<p class="MsoNormal"' in page and "<o:p></o:p>" in page
    assert "<span>来源：</span>" in page and V_ASSISTANT.fact.department is None
    listed = fetch(web, VSB.start_url).body.decode("utf-8-sig")
    assert 'title="武汉大学新闻网"' in listed  # the link's title is the site's, not the article's
    assert '<h3 class="sys text-m">\r\n武大资讯</h3>' in listed  # the channel, not the column


# -- SUDY ---------------------------------------------------------------------------------


def test_sudy_wire_keeps_single_quotes(web: MockWeb) -> None:
    listed = fetch(web, SUDY.start_url)
    assert listed.headers["Content-Type"] == "text/html;charset=UTF-8"
    assert (
        b'class="webplus-list"' in listed.body
        and b"<span class='Article_Title'><a href='" in listed.body
    )
    for fact in SUDY.expected.articles:
        raw = fetch(web, fact.url).body
        assert b'class="webplus-page"' in raw and b'sudy-wp-context=""' in raw
        assert b"<div class='wp_articlecontent'>" in raw
        assert 'frag="窗口5" portletmode="simpleArticleAttri"'.encode() in raw
        assert b"<h2 class='arti_title'></h2>" in raw
        assert b"class='WP_VisitCount' url='/_visitcountdisplay?" in raw


def test_sudy_articles_match_facts(web: MockWeb) -> None:
    for fact in SUDY.expected.articles:
        tree = tree_of(fetch(web, fact.url))
        assert text_of(tree.xpath('//h1[@class="arti_title"]')[0]) == fact.title
        assert (
            text_of(tree.xpath('//span[@class="arti_update"]')[0]) == f"发布时间：{fact.published}"
        )
        publisher = text_of(tree.xpath('//span[@class="arti_publisher"]')[0])
        body = tree.xpath('//div[@class="wp_articlecontent"]')[0]
        assert paragraphs(body) == list(fact.paragraphs), fact.url
        if fact.url == S_INTEGRITY.fact.url:  # only the sign-off names the department
            assert publisher == "发布者：" and paragraphs(body)[-1] == f"（{fact.department}）"
        else:
            assert publisher == f"发布者：{fact.department}"
        assert [urljoin(fact.url, s) for s in body.xpath(".//img/@src")] == list(fact.images)
        files = body.xpath(".//a[@sudyfile-attr]")
        assert [urljoin(fact.url, a.get("href")) for a in files] == list(fact.attachments)
        for a in files:
            assert a.get("sudyfile-attr") == f"{{'title':'{a.text}'}}"
        for url in [*fact.images, *fact.attachments]:
            assert fetch(web, url).status == 200


def test_sudy_twin_and_absolute_link(web: MockWeb) -> None:
    for twin, url in SUDY.twins.items():
        assert twin == url.removesuffix("page.htm") + "page.psp"
        assert fetch(web, twin).body == fetch(web, url).body
    listed = [i.url for p in SUDY.expected.list_pages for i in p.items]
    assert sum(u.endswith("page.psp") for u in listed) == 1
    raw = fetch(web, SUDY.expected.list_pages[1].url).body.decode()
    assert f"href='https://{SUDY.host}/" in raw


def test_sudy_gateway_answers_a_challenge_not_an_article(web: MockWeb) -> None:
    assert SUDY.challenged == (CHALLENGED_202.url, CHALLENGED_200.url)
    for url, status in ((CHALLENGED_202.url, 202), (CHALLENGED_200.url, 200)):
        got = fetch(web, url)
        assert got.status == status
        page = got.body.decode()
        assert "$_ts=window['$_ts']" in page and 'r="m">' in page
        assert "arti_title" not in page and CHALLENGED_202.title not in page
        assert got.headers["Set-Cookie"]
        with pytest.raises(KeyError):
            SUDY.expected.article(url)


# -- TRS ----------------------------------------------------------------------------------


def test_trs_articles_match_facts(web: MockWeb) -> None:
    assert TRS.start_url.startswith("http://")  # plain http: the proxy's absolute form
    for fact in TRS.expected.articles:
        got = fetch(web, fact.url)
        raw = got.body.decode()
        assert "<!--<$[信息内容]>begin-->" in raw and '<style type="text/css">.TRS_Editor P{' in raw
        assert re.search(r"/t\d{8}_\d+\.html$", fact.url)
        tree = tree_of(got)
        meta = {m.get("name"): m.get("content") for m in tree.xpath("//meta[@name]")}
        assert meta["ArticleTitle"] == fact.title
        assert meta["PubDate"] == clock(fact.published) and "T" in fact.published
        assert meta["ContentSource"] == fact.department
        info = text_of(tree.xpath('//div[@class="article-info"]')[0])
        assert f"发布日期：{fact.published[:10]}" in info and f"来源：{fact.department}" in info
        editor = tree.xpath('//div[@class="TRS_Editor"]')[0]
        assert paragraphs(editor) == list(fact.paragraphs), fact.url
        links = [urljoin(fact.url, h) for h in editor.xpath(".//a/@href")]
        assert links == [c.url for c in fact.cites] + list(fact.attachments)
        images = [urljoin(fact.url, s) for s in editor.xpath(".//img/@src")]
        assert images == list(fact.images)
        for url in [*fact.images, *fact.attachments]:
            assert fetch(web, url).status == 200


def test_trs_off_site_item_is_never_fetched() -> None:
    assert TRS.expected.never_fetched == (
        "https://www.gov.cn/zhengce/content/202603/content_7061234.htm",
    )
    assert TRS.expected.never_fetched[0] in [
        i.url for p in TRS.expected.list_pages for i in p.items
    ]


# -- the facts ----------------------------------------------------------------------------


def test_each_site_cites_a_brief_of_the_default_world() -> None:
    hows = set()
    for site in FAMILY_SITES.values():
        assert site.expected.briefs and set(site.expected.briefs) <= set(BRIEFS)
        hows |= {c.how for a in site.expected.articles for c in a.cites}
        assert all(a.sections == (site.section,) for a in site.expected.articles)
        assert site.expected.start_urls == (site.start_url,)
    assert hows == {"link", "text"}
    assert {s.family for s in FAMILY_SITES.values()} == {"vsb", "sudy", "trs"}


def test_published_carries_a_time_when_the_page_gives_one() -> None:
    assert all("T" in a.published for a in VSB.expected.articles)  # 发布时间 and PubDate
    assert all(len(a.published) == 10 for a in SUDY.expected.articles)  # the date alone
    assert all(a.published.endswith("+08:00") for a in TRS.expected.articles)  # PubDate


def test_the_default_world_is_unchanged() -> None:
    plain, families = default_world(), family_world()
    assert replace(families.expected, family_sites={}) == EXPECTED
    assert families.expected.family_sites.keys() == FAMILY_SITES.keys()
    for host in ("xww.bucea.edu.cn", "jw.beijing.gov.cn", "archive.org", "web.archive.org"):
        assert families.paths(host) == plain.paths(host)
        for path in plain.paths(host):
            old, new = plain.page(host, path), families.page(host, path)
            assert old is not None and new is not None
            assert (new.body, new.content_type, new.status) == (
                old.body,
                old.content_type,
                old.status,
            )
    assert not families.is_reachable("kxfzg.bjedu.gov.cn")


def test_facts_are_articles_of_their_own_host() -> None:
    for site in FAMILY_SITES.values():
        for fact in site.expected.articles:
            assert isinstance(fact, ArticleFact) and fact.site == site.host
            assert isinstance(site, FamilySite) and fact.title and fact.paragraphs
