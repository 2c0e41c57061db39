"""The crawl's scope: which URLs and addresses a crawl may fetch from, the middleware that
refuses every other request, and the resolver that refuses private answers."""

from __future__ import annotations

import ipaddress
from types import SimpleNamespace

import pytest
from scrapy.http import Request
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError

from archiver.crawl.resolver import AddressRefused, ScopedResolver, proxy_hosts, refusal_of
from archiver.crawl.scope import (
    CrawlScope,
    OutOfScope,
    ScopeMiddleware,
    address_refusal,
    allowed_networks,
    ip_literal,
)

HOSTS = ("xww.bucea.edu.cn", "*.bjedu.gov.cn", "web.archive.org")
SCOPE = CrawlScope(HOSTS)
NO_REACTOR = SimpleNamespace()  # the resolver's checks need none


@pytest.mark.parametrize(
    "url",
    [
        "https://xww.bucea.edu.cn/zhxw/26536.htm",
        "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html",
        "http://bjedu.gov.cn/",  # *.domain covers the domain itself
        "https://web.archive.org/web/20110415083012id_/http://kxfzg.bjedu.gov.cn/x.html",
        "https://xww.bucea.edu.cn:8443/zhxw/1.htm",  # a port of a host in scope
        "https://XWW.bucea.edu.cn./zhxw/1.htm",  # case and the root dot do not matter
    ],
)
def test_hosts_in_scope_are_allowed(url: str) -> None:
    assert SCOPE.refusal(url) is None


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://127.0.0.1:8080/secret.pdf", "127.0.0.1 is an IP address: a loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]/", "::1 is an IP address: a loopback"),
        ("http://2130706433/", "2130706433 is an IP address: a loopback"),
        ("http://0x7f.1/", "a loopback"),
        ("http://0177.0.0.1/", "a loopback"),
        ("http://127.1/", "a loopback"),
        ("http://[::ffff:127.0.0.1]/", "a loopback"),
        ("http://10.0.0.5/", "a private network address"),
        ("http://192.168.1.1/", "a private network address"),
        ("http://100.64.0.1/", "not a public address"),  # carrier-grade NAT
        ("http://0.0.0.0/", "the unspecified address"),
        ("http://224.0.0.1/", "a multicast address"),
        ("http://1.2.3.4.5/", "is an IP address"),  # ends in a number: never a host name
        ("http://8.8.8.8/", "8.8.8.8 is an IP address: not a host name"),  # public, still bare
        ("http://site@127.0.0.1/", "it names a user"),
        ("http://xww.bucea.edu.cn@evil.example/", "it names a user"),
        ("http://localhost/", "localhost is this machine"),
        ("http://a.localhost/", "is this machine"),
        ("https://files.evil.example/x.pdf", "not a host of this crawl"),
        ("https://xww.bucea.edu.cn.evil.example/", "not a host of this crawl"),
        ("file:///etc/passwd", "not an http(s) address"),
        ("ftp://xww.bucea.edu.cn/x", "not an http(s) address"),
        ("http://%31%32%37.0.0.1/", "is an IP address"),
        ("http://%6c%6f%63%61%6c%68%6f%73%74/", "not a valid host name"),
        ("http://xww.bucea.edu.cn:99999/", "not a valid address"),
        ("http:///nohost", "it names no host"),
    ],
)
def test_everything_else_is_refused_with_a_reason(url: str, says: str) -> None:
    reason = SCOPE.refusal(url)
    assert reason is not None and says in reason, reason


def test_without_hosts_only_the_address_rules_hold() -> None:
    anywhere = CrawlScope()
    assert anywhere.allows("https://news.example.edu.cn/1.htm")
    assert not anywhere.allows("http://127.0.0.1/")
    assert not anywhere.allows("http://localhost/")


def test_an_allowed_network_opens_an_address_named_as_a_host() -> None:
    intranet = CrawlScope(("10.1.2.3", "news.intra.edu.cn"), allowed_networks_of("10.0.0.0/8"))
    assert intranet.allows("http://10.1.2.3/list.htm")
    assert not intranet.allows("http://10.9.9.9/")  # not a host of the crawl
    assert not intranet.allows("http://127.0.0.1/")  # not in the allowed network


def allowed_networks_of(*cidrs: str) -> tuple[ipaddress.IPv4Network, ...]:
    return tuple(ipaddress.IPv4Network(c) for c in cidrs)


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("[::1]", "::1"),
        ("1.2.3.4.5", "0.0.0.0"),  # no valid address, still no host name
        ("08.1", "0.0.0.0"),
    ],
)
def test_ip_literals_in_every_spelling(host: str, address: str) -> None:
    assert ip_literal(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize("host", ["xww.bucea.edu.cn", "a1.b2", "0x7f.example", "123.example.com"])
def test_host_names_are_not_literals(host: str) -> None:
    assert ip_literal(host) is None


def test_address_kinds_and_allowed_networks() -> None:
    assert address_refusal(ipaddress.ip_address("93.184.216.34")) is None
    assert "loopback" in (address_refusal(ipaddress.ip_address("::ffff:127.0.0.1")) or "")
    assert "reserved" in (address_refusal(ipaddress.ip_address("240.0.0.1")) or "")
    assert "link-local" in (address_refusal(ipaddress.ip_address("fe80::1")) or "")
    private = ipaddress.ip_address("10.3.4.5")
    assert address_refusal(private, allowed_networks_of("10.0.0.0/8")) is None


def test_the_setting_lists_networks() -> None:
    crawler = get_crawler(settings_dict={"ARCHIVER_ALLOWED_NETWORKS": "10.0.0.0/8, 172.16.0.1"})
    assert allowed_networks(crawler.settings) == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("172.16.0.1/32"),
    )


# -- the middleware ------------------------------------------------------------------------------


def middleware(hosts: tuple[str, ...] = HOSTS) -> ScopeMiddleware:
    crawler = get_crawler()
    crawler.stats.open_spider()  # type: ignore[union-attr]
    made = ScopeMiddleware.from_crawler(crawler)
    made.spider_opened(SimpleNamespace(allowed_hosts=hosts))  # type: ignore[arg-type]
    return made


def test_the_middleware_lets_the_crawls_hosts_through() -> None:
    assert middleware().process_request(Request("https://xww.bucea.edu.cn/zhxw/1.htm")) is None
    robots = Request("https://xww.bucea.edu.cn/robots.txt", meta={"dont_obey_robotstxt": True})
    assert middleware().process_request(robots) is None


def test_the_middleware_refuses_a_request_and_a_redirect_hop_by_name() -> None:
    scoped = middleware()
    with pytest.raises(OutOfScope, match=r"^refused: 10\.0\.0\.5 is an IP address"):
        scoped.process_request(Request("http://10.0.0.5/secret.pdf"))
    hop = Request(
        "http://169.254.169.254/latest/meta-data/",
        meta={"redirect_urls": ["https://xww.bucea.edu.cn/__local/meta.doc"]},
    )
    with pytest.raises(OutOfScope, match="^refused a redirect to http://169.254.169.254/"):
        scoped.process_request(hop)
    assert scoped.crawler.stats.get_value("archiver/refused") == 2  # type: ignore[union-attr]


def test_a_spider_without_hosts_is_held_to_the_address_rules() -> None:
    anywhere = middleware(())
    assert anywhere.process_request(Request("https://news.example.edu.cn/")) is None
    with pytest.raises(OutOfScope):
        anywhere.process_request(Request("http://127.0.0.1:9/"))


# -- the resolver --------------------------------------------------------------------------------


def resolver(*proxies: str) -> ScopedResolver:
    # the check needs no reactor (importing one here would install the wrong one for Scrapy)
    networks = allowed_networks_of("10.9.0.0/16")
    return ScopedResolver(NO_REACTOR, 0, 5.0, networks, proxies)  # type: ignore[arg-type]


def test_the_resolver_passes_public_and_allowed_answers() -> None:
    assert resolver().checked("93.184.216.34", "www.example.edu.cn") == "93.184.216.34"
    assert resolver().checked("10.9.1.1", "news.intra.edu.cn") == "10.9.1.1"


def test_the_resolver_refuses_a_private_answer_and_says_why() -> None:
    with pytest.raises(AddressRefused, match="rebind.example.com resolves to 127.0.0.1, a loop"):
        resolver().checked("127.0.0.1", "rebind.example.com")
    assert isinstance(AddressRefused(), DNSLookupError)  # the downloader's own lookup failure
    assert refusal_of("REBIND.example.com") == (
        "rebind.example.com resolves to 127.0.0.1, a loopback address (this machine)"
    )
    assert refusal_of("other.example.com") is None


def test_the_proxy_may_be_anywhere() -> None:
    assert resolver("127.0.0.1", "proxy.campus").checked("127.0.0.1", "127.0.0.1") == "127.0.0.1"
    assert resolver("proxy.campus").checked("10.1.1.1", "PROXY.campus") == "10.1.1.1"


def test_the_proxies_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:3128")
    monkeypatch.setenv("https_proxy", "proxy.campus:8080")
    assert sorted(proxy_hosts()) == ["127.0.0.1", "proxy.campus"]
