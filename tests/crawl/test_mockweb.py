"""The mock web itself, probed with standard-library clients (no Scrapy).

http URLs go through ``urllib`` with a ``ProxyHandler`` (absolute-form requests); https URLs
through ``http.client`` with ``set_tunnel`` (CONNECT, then TLS) and an unverified context.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from urllib.parse import quote, urljoin, urlsplit

import lxml.html
import pytest
from cryptography import x509

from tests.fixtures import REPO
from tests.mockweb import EXPECTED, Capture, MockWeb, World, make_world
from tests.mockweb.catalog import (
    A_REVIEW,
    BRIEF_2448,
    BRIEF_2502,
    BRIEF_2611,
    BRIEF_JW_GONE,
    BRIEF_JW_LIVE,
)

NEWS = "https://xww.bucea.edu.cn"
AVAILABLE = "https://archive.org/wayback/available"
CDX = "https://web.archive.org/cdx/search/cdx"
WEB = "https://web.archive.org/web"
CDX_HEADER = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


# -- clients ------------------------------------------------------------------------------


@dataclass
class Fetched:
    status: int
    headers: Message
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # let the test see the 3xx itself


def fetch(
    web: MockWeb, url: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> Fetched:
    """GET ``url`` through the mock: a proxied request for http, a CONNECT tunnel for https."""
    if url.startswith("https://"):
        return fetch_https(web, url, headers, method)
    return fetch_http(web, url, headers, method)


def fetch_http(
    web: MockWeb, url: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> Fetched:
    proxy = urllib.request.ProxyHandler({"http": web.proxy_url})
    opener = urllib.request.build_opener(proxy, _NoRedirect)
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with opener.open(request, timeout=10) as response:
            return Fetched(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:  # 3xx, 4xx and 5xx all land here
        with error:
            return Fetched(error.code, error.headers, error.read())


def tunnel(web: MockWeb, host: str) -> http.client.HTTPSConnection:
    """An HTTPS connection to ``host`` through the mock's CONNECT."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", web.port, context=context, timeout=10)
    conn.set_tunnel(host, 443)
    return conn


def fetch_https(
    web: MockWeb, url: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> Fetched:
    parts = urlsplit(url)
    conn = tunnel(web, parts.hostname or "")
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, target, headers=headers or {})
        response = conn.getresponse()
        return Fetched(response.status, response.headers, response.read())
    finally:
        conn.close()


def fetch_json(web: MockWeb, url: str) -> object:
    got = fetch(web, url)
    assert got.status == 200, got
    assert got.headers["Content-Type"] == "application/json"
    return json.loads(got.body)


def html(got: Fetched) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(got.body)


def text_of(element: lxml.html.HtmlElement) -> str:
    return str(element.text_content()).strip(" \n\t\xa0\u3000")


# -- serving ------------------------------------------------------------------------------


def test_list_pages_chain_by_a_next_and_the_last_points_at_itself(mockweb: MockWeb) -> None:
    url, seen = f"{NEWS}/ttxw/index.htm", []
    while url not in seen:
        seen.append(url)
        got = fetch(mockweb, url)
        assert got.status == 200
        assert got.headers["Content-Type"] == "text/html; charset=utf-8"
        url = urljoin(url, html(got).xpath('//a[@class="Next"]/@href')[0])
    assert seen == [f"{NEWS}/ttxw/index.htm", f"{NEWS}/ttxw/2.htm", f"{NEWS}/ttxw/1.htm"]
    assert url == f"{NEWS}/ttxw/1.htm"


def test_list_pages_match_expected(mockweb: MockWeb) -> None:
    for fact in EXPECTED.list_pages:
        tree = html(fetch(mockweb, fact.url))
        items = [
            (
                urljoin(fact.url, a.get("href")),
                a.get("title"),
                text_of(a.xpath('ancestor::div[@class="media"]//div[@class="u-date"]')[0]),
            )
            for a in tree.xpath('//div[@class="media"]//h4[@class="media-heading"]/a')
        ]
        assert items == [(i.url, i.title, i.date) for i in fact.items]
        assert text_of(tree.xpath('//div[@class="column-title"]/h3')[0]) == fact.section
    cut = [a.text for a in html(fetch(mockweb, f"{NEWS}/ttxw/index.htm")).xpath("//h4/a")]
    assert any(t.endswith("…") for t in cut), "long titles are cut in the link text"


def test_articles_match_expected(mockweb: MockWeb) -> None:
    for fact in EXPECTED.articles:
        got = fetch(mockweb, fact.url)
        assert got.status == 200, fact.url
        tree = html(got)
        assert text_of(tree.xpath('//h2[@class="detail-title"]')[0]) == fact.title
        assert tree.findtext(".//title").startswith(fact.title + "-")
        meta = text_of(tree.xpath("//p/small")[0])
        assert fact.published in meta and (fact.department or "") in meta
        body = tree.xpath('//div[@class="m-content"][@id="art"]')[0]
        paragraphs = [text_of(p) for p in body.xpath("./p") if text_of(p)]
        assert paragraphs == list(fact.paragraphs), fact.url
        links = {urljoin(fact.url, h) for h in body.xpath(".//a/@href")}
        assert links == {c.url for c in fact.cites if c.how == "link"} | set(fact.attachments)
        assert [urljoin(fact.url, s) for s in body.xpath(".//img/@src")] == list(fact.images)
        for phrase in fact.must_contain:
            assert phrase in body.text_content()


def test_article_keeps_word_markup_and_page_furniture(mockweb: MockWeb) -> None:
    page = fetch(mockweb, A_REVIEW.url).body.decode()
    assert '">5月6日</st1:chsdate>上午' in page
    assert "<o:p></o:p>" in page and "<!--?xml:namespace" in page
    assert f"网址: {BRIEF_2502.url}）。" in page
    assert "部门: 发布时间:2011-05-06 阅读次数:" in page
    for furniture in EXPECTED.boilerplate:
        assert furniture in page


def test_images_and_attachments_are_served(mockweb: MockWeb) -> None:
    article = EXPECTED.articles[0]
    assert fetch(mockweb, article.images[0]).headers["Content-Type"] == "image/jpeg"
    assert fetch(mockweb, article.attachments[0]).headers["Content-Type"] == "application/msword"


def test_keep_alive_serves_several_requests_in_one_tunnel(mockweb: MockWeb) -> None:
    conn = tunnel(mockweb, "xww.bucea.edu.cn")
    try:
        for path in ("/ttxw/index.htm", "/ttxw/2.htm", "/robots.txt"):
            conn.request("GET", path)
            response = conn.getresponse()
            assert response.status == 200 and response.read()
    finally:
        conn.close()
    assert [e.method for e in mockweb.log] == ["CONNECT", "GET", "GET", "GET"]


def test_certificate_names_the_connect_host(mockweb: MockWeb) -> None:
    conn = tunnel(mockweb, "web.archive.org")
    try:
        conn.request("GET", "/robots.txt")
        conn.getresponse().read()
        der = conn.sock.getpeercert(binary_form=True)
    finally:
        conn.close()
    assert der is not None
    san = x509.load_der_x509_certificate(der).extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    )
    assert san.value.get_values_for_type(x509.DNSName) == ["web.archive.org"]


def test_origin_form_is_routed_by_host_header(mockweb: MockWeb) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", mockweb.port, timeout=10)
    try:
        conn.request("GET", "/robots.txt", headers={"Host": "jw.beijing.gov.cn"})
        assert conn.getresponse().read() == b"User-agent: *\nDisallow:\n"
        conn.request("GET", "/ttxw/index.htm")  # Host: 127.0.0.1:PORT → the news site
        response = conn.getresponse()
        assert response.status == 200 and "头条新闻" in response.read().decode()
    finally:
        conn.close()
    assert [e.host for e in mockweb.log] == ["jw.beijing.gov.cn", "xww.bucea.edu.cn"]


def test_robots(mockweb: MockWeb) -> None:
    assert fetch(mockweb, f"{NEWS}/robots.txt").body == b"User-agent: *\nDisallow: /system/\n"
    for host in ("archive.org", "web.archive.org"):
        robots = fetch(mockweb, f"https://{host}/robots.txt").body.decode()
        assert {"Allow: /wayback/", "Allow: /cdx/", "Allow: /web/"} <= set(robots.splitlines())
    listed = fetch(mockweb, f"{NEWS}/zhxw/1.htm").body.decode()
    assert 'href="../system/26999.htm"' in listed
    assert f"{NEWS}/system/26999.htm" in EXPECTED.never_fetched
    assert "https://mp.weixin.qq.com/s/abc" in EXPECTED.never_fetched


def test_unknown_path_is_404(mockweb: MockWeb) -> None:
    assert fetch(mockweb, f"{NEWS}/zhxw/99999.htm").status == 404


# -- the bureaus --------------------------------------------------------------------------


def test_live_trs_brief(mockweb: MockWeb) -> None:
    tree = html(fetch(mockweb, BRIEF_JW_LIVE.url))
    meta = {m.get("name"): m.get("content") for m in tree.xpath("//meta[@name]")}
    assert meta["ArticleTitle"] == BRIEF_JW_LIVE.title
    assert meta["PubDate"] == "2022-06-10 09:30"
    assert meta["ContentSource"] == BRIEF_JW_LIVE.source
    assert meta["ColumnName"] == "教育新闻" and meta["SiteName"] == "北京市教育委员会"
    info = text_of(tree.xpath('//div[@class="info"]')[0])
    assert "发布日期：2022-06-10" in info and f"来源：{BRIEF_JW_LIVE.source}" in info
    paragraphs = [text_of(p) for p in tree.xpath('//div[@class="TRS_Editor"]/p')]
    assert paragraphs == list(BRIEF_JW_LIVE.paragraphs)


def test_withdrawn_trs_brief_is_404(mockweb: MockWeb) -> None:
    assert fetch(mockweb, BRIEF_JW_GONE.url).status == 404


def test_dead_host_via_http_proxy_is_502(mockweb: MockWeb) -> None:
    for url in (BRIEF_2448.url, "http://mp.weixin.qq.com/s/abc"):  # dead, and unknown
        got = fetch(mockweb, url)
        assert got.status == 502
        assert got.headers["X-Squid-Error"] == "ERR_DNS_FAIL 0"
        assert b"Unable to determine IP address" in got.body


def test_dead_host_via_connect_fails_the_tunnel(mockweb: MockWeb) -> None:
    with pytest.raises(OSError, match="Tunnel connection failed: 502"):
        fetch(mockweb, "https://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html")
    with pytest.raises(OSError, match="Tunnel connection failed: 502"):
        fetch(mockweb, "https://mp.weixin.qq.com/s/abc")
    assert [(e.method, e.host, e.status) for e in mockweb.log] == [
        ("CONNECT", "kxfzg.bjedu.gov.cn", 502),
        ("CONNECT", "mp.weixin.qq.com", 502),
    ]


# -- the archive --------------------------------------------------------------------------


def test_availability_finds_an_indexed_capture(mockweb: MockWeb) -> None:
    answer = fetch_json(mockweb, f"{AVAILABLE}?url={quote(BRIEF_2448.url, safe='')}")
    assert answer == {
        "url": BRIEF_2448.url,
        "archived_snapshots": {
            "closest": {
                "status": "200",
                "available": True,
                "url": f"http://web.archive.org/web/20110415083012/{BRIEF_2448.url}",
                "timestamp": "20110415083012",
            }
        },
    }
    with_ts = fetch_json(mockweb, f"{AVAILABLE}?url={BRIEF_2448.url}&timestamp=20110411")
    assert isinstance(answer, dict) and isinstance(with_ts, dict)
    assert with_ts["timestamp"] == "20110411"
    assert with_ts["archived_snapshots"] == answer["archived_snapshots"]


def test_availability_says_none_for_cdx_only_and_unarchived(mockweb: MockWeb) -> None:
    for brief in (BRIEF_2502, BRIEF_2611):
        answer = fetch_json(mockweb, f"{AVAILABLE}?url={brief.url}")
        assert answer == {"url": brief.url, "archived_snapshots": {}}


def test_cdx_lists_captures_header_first(mockweb: MockWeb) -> None:
    original = fetch(mockweb, f"{WEB}/20110510120233id_/{BRIEF_2502.url}").body
    rows = fetch_json(mockweb, f"{CDX}?url={quote(BRIEF_2502.url, safe='')}&output=json")
    assert rows == [
        CDX_HEADER,
        [
            "cn,gov,bjedu,kxfzg)/gzjb/2011-05-06/2502.html",
            "20110510120233",
            BRIEF_2502.url,
            "text/html",
            "200",
            base64.b32encode(hashlib.sha1(original).digest()).decode(),
            str(len(original)),
        ],
    ]
    assert fetch_json(mockweb, f"{CDX}?url={BRIEF_2611.url}&output=json") == []
    assert fetch_json(mockweb, f"{CDX}?url={BRIEF_2448.url}&output=json&fl=timestamp") == [
        ["timestamp"],
        ["20110415083012"],
    ]
    text = fetch(mockweb, f"{CDX}?url={BRIEF_2448.url}&fl=timestamp,original").body
    assert text == f"20110415083012 {BRIEF_2448.url}\n".encode()


def test_id_capture_is_the_original_gb2312_bytes(mockweb: MockWeb) -> None:
    got = fetch(mockweb, f"{WEB}/20110415083012id_/{BRIEF_2448.url}")
    assert got.status == 200
    assert got.headers["Content-Type"] == "text/html"
    assert got.headers["Memento-Datetime"] == "Fri, 15 Apr 2011 08:30:12 GMT"
    page = got.body.decode("gb18030")
    assert got.body.decode("gb2312") == page  # only GB2312 characters, for real
    with pytest.raises(UnicodeDecodeError):
        got.body.decode("utf-8")
    assert '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />' in page
    assert f'<td align="center" class="title"><b>{BRIEF_2448.title}</b></td>' in page
    assert "发布时间：2011-04-11  来源：北京市教育工委" in page
    assert "wm-ipp" not in page and "web.archive.org" not in page


def test_id_capture_of_a_trs_page(mockweb: MockWeb) -> None:
    got = fetch(mockweb, f"{WEB}/20210620031522id_/{BRIEF_JW_GONE.url}")
    assert got.status == 200
    assert f'<meta name="ArticleTitle" content="{BRIEF_JW_GONE.title}">' in got.body.decode()


def test_rewritten_replay_carries_the_toolbar(mockweb: MockWeb) -> None:
    original = fetch(mockweb, f"{WEB}/20110415083012id_/{BRIEF_2448.url}").body
    got = fetch(mockweb, f"{WEB}/20110415083012/{BRIEF_2448.url}")
    assert got.status == 200 and got.body != original
    page = got.body.decode("gb18030")
    assert "<!-- BEGIN WAYBACK TOOLBAR INSERT -->" in page and 'id="wm-ipp-base"' in page
    assert 'href="https://web.archive.org/web/20110415083012/http://kxfzg.bjedu.gov.cn/' in page
    assert BRIEF_2448.paragraphs[0] in page


def test_inexact_timestamp_redirects_to_the_nearest_capture(mockweb: MockWeb) -> None:
    got = fetch(mockweb, f"{WEB}/2011id_/{BRIEF_2448.url}")
    assert got.status == 302
    assert got.headers["Location"] == f"{WEB}/20110415083012id_/{BRIEF_2448.url}"
    got = fetch(mockweb, f"{WEB}/20110401/{BRIEF_2448.url}")
    assert got.headers["Location"] == f"{WEB}/20110415083012/{BRIEF_2448.url}"

    mockweb.world.archive.add(Capture(BRIEF_2448.url, "20120101000000", b"later"))
    assert fetch(mockweb, f"{WEB}/20111231id_/{BRIEF_2448.url}").headers["Location"] == (
        f"{WEB}/20120101000000id_/{BRIEF_2448.url}"
    )
    assert fetch(mockweb, f"{WEB}/20110501id_/{BRIEF_2448.url}").headers["Location"] == (
        f"{WEB}/20110415083012id_/{BRIEF_2448.url}"
    )


def test_replay_of_an_unarchived_url_is_404(mockweb: MockWeb) -> None:
    assert fetch(mockweb, f"{WEB}/20110620000000id_/{BRIEF_2611.url}").status == 404


def test_archive_answers_over_plain_http_too(mockweb: MockWeb) -> None:
    got = fetch(mockweb, f"http://web.archive.org/web/20110415083012id_/{BRIEF_2448.url}")
    assert got.status == 200 and b"charset=gb2312" in got.body


# -- HTTP semantics -----------------------------------------------------------------------


def test_etag_and_conditional_requests(mockweb: MockWeb) -> None:
    url = f"{NEWS}/zhxw/26536.htm"
    first = fetch(mockweb, url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag == '"' + hashlib.sha1(first.body).hexdigest() + '"'
    assert modified == "Mon, 11 Apr 2011 04:00:00 GMT"  # noon in Beijing on the publish day

    for headers in ({"If-None-Match": etag}, {"If-None-Match": f"W/{etag}, \"x\""},
                    {"If-Modified-Since": modified}):  # fmt: skip
        again = fetch(mockweb, url, headers)
        assert (again.status, again.body, again.headers["ETag"]) == (304, b"", etag)
    assert fetch(mockweb, url, {"If-None-Match": '"other"'}).status == 200
    assert fetch(mockweb, url, {"If-Modified-Since": "Sun, 10 Apr 2011 00:00:00 GMT"}).status == 200


def test_a_changed_page_is_modified(mockweb: MockWeb) -> None:
    url = f"{NEWS}/zhxw/26536.htm"
    before = fetch(mockweb, url)
    mockweb.set_page("xww.bucea.edu.cn", "/zhxw/26536.htm", b"<html>changed</html>")
    after = fetch(mockweb, url, {"If-None-Match": before.headers["ETag"]})
    assert (after.status, after.body) == (200, b"<html>changed</html>")
    since = fetch(mockweb, url, {"If-Modified-Since": before.headers["Last-Modified"]})
    assert since.status == 200


def test_head_sends_headers_only(mockweb: MockWeb) -> None:
    url = f"{NEWS}/ttxw/index.htm"
    full = fetch(mockweb, url)
    head = fetch(mockweb, url, method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["Content-Length"] == str(len(full.body))
    assert head.headers["ETag"] == full.headers["ETag"]
    assert mockweb.log[-1].method == "HEAD" and mockweb.log[-1].bytes_sent == 0


def test_other_methods_are_refused(mockweb: MockWeb) -> None:
    assert fetch(mockweb, f"{NEWS}/ttxw/index.htm", method="POST").status == 405


# -- the log, the world, the process ------------------------------------------------------


def test_request_log(mockweb: MockWeb) -> None:
    got = fetch(mockweb, f"{AVAILABLE}?url={BRIEF_2448.url}", {"X-Probe": "1"})
    fetch(mockweb, BRIEF_2448.url)
    connect, api, dead = mockweb.log
    assert (connect.method, connect.scheme, connect.host, connect.path) == (
        "CONNECT", "https", "archive.org", "",
    )  # fmt: skip
    assert (connect.status, connect.bytes_sent) == (200, 0)
    assert (api.method, api.scheme, api.host) == ("GET", "https", "archive.org")
    assert api.path == f"/wayback/available?url={BRIEF_2448.url}"
    assert api.headers["X-Probe"] == "1"
    assert (api.status, api.bytes_sent) == (200, len(got.body))
    assert api.url == f"{AVAILABLE}?url={BRIEF_2448.url}"
    assert (dead.scheme, dead.host, dead.status) == ("http", "kxfzg.bjedu.gov.cn", 502)
    assert mockweb.requested_urls() == [api.url, BRIEF_2448.url]
    mockweb.clear_log()
    assert mockweb.log == []


def test_world_changes_while_serving(mockweb: MockWeb) -> None:
    mockweb.set_page("example.edu.cn", "/a.htm", "<p>新</p>".encode(), headers={"X-A": "1"})
    got = fetch(mockweb, "https://example.edu.cn/a.htm")
    assert (got.status, got.body.decode(), got.headers["X-A"]) == (200, "<p>新</p>", "1")
    mockweb.remove_page("example.edu.cn", "/a.htm")
    assert fetch(mockweb, "https://example.edu.cn/a.htm").status == 404

    mockweb.kill_host("xww.bucea.edu.cn")
    assert fetch(mockweb, "http://xww.bucea.edu.cn/robots.txt").status == 502
    with pytest.raises(OSError, match="502"):
        fetch(mockweb, f"{NEWS}/robots.txt")
    mockweb.revive_host("xww.bucea.edu.cn")
    assert fetch(mockweb, f"{NEWS}/robots.txt").status == 200

    mockweb.revive_host("kxfzg.bjedu.gov.cn")
    mockweb.set_page("kxfzg.bjedu.gov.cn", "/gzjb/2011-04-11/2448.html", b"back")
    assert fetch(mockweb, BRIEF_2448.url).body == b"back"


def test_env_routes_every_scheme_to_the_proxy(mockweb: MockWeb) -> None:
    proxy = f"http://127.0.0.1:{mockweb.port}"
    assert mockweb.proxy_url == proxy
    assert mockweb.env() == {
        "http_proxy": proxy, "https_proxy": proxy, "HTTP_PROXY": proxy, "HTTPS_PROXY": proxy,
        "no_proxy": "", "NO_PROXY": "",
    }  # fmt: skip


def test_client_disconnects_are_quiet(mockweb: MockWeb, capfd: pytest.CaptureFixture[str]) -> None:
    address = ("127.0.0.1", mockweb.port)
    for data in (
        b"GET http://xww.bucea.edu.cn/robots.txt HTTP/1.1\r\nHo",  # cut mid-request
        b"CONNECT xww.bucea.edu.cn:443 HTTP/1.1\r\n\r\n",  # gone before the handshake
        b"CONNECT xww.bucea.edu.cn:443 HTTP/1.1\r\n\r\nthis is not TLS\r\n\r\n",
        b"\x16\x03\x01garbage\r\n\r\n",
    ):
        with socket.create_connection(address, timeout=5) as sock:
            sock.sendall(data)
            time.sleep(0.05)
    time.sleep(0.2)
    assert fetch(mockweb, f"{NEWS}/robots.txt").status == 200
    assert capfd.readouterr().err == ""


def test_stop_ends_kept_alive_connections(world: World) -> None:
    web = MockWeb(world).start()
    conn = tunnel(web, "xww.bucea.edu.cn")
    conn.request("GET", "/robots.txt")
    conn.getresponse().read()
    started = time.monotonic()
    web.stop()
    assert time.monotonic() - started < 2
    with pytest.raises(OSError):
        conn.request("GET", "/robots.txt")
        conn.getresponse()
    conn.close()


def test_make_world_is_large_and_cheap() -> None:
    started = time.monotonic()
    big = make_world(3000)
    assert time.monotonic() - started < 10
    assert len(big.expected.articles) == 3000
    listed = {i.url for p in big.expected.list_pages for i in p.items}
    assert listed == {a.url for a in big.expected.articles}
    assert {b.url for b in big.expected.briefs} == {BRIEF_JW_LIVE.url, BRIEF_2448.url}
    last = big.page("xww.bucea.edu.cn", "/ttxw/1.htm")
    assert last is not None and b'<a class="Next" href="1.htm">' in last.body


def test_cli_serves_until_interrupted() -> None:
    root = REPO
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.mockweb", "--port", "0"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        proxy = proc.stdout.readline().strip()
        assert proxy.startswith("http://127.0.0.1:")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy}))
        with opener.open("http://xww.bucea.edu.cn/robots.txt", timeout=10) as response:
            assert b"Disallow: /system/" in response.read()
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
