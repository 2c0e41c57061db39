"""The site-agnostic news spider: sites and lists from profiles, state carried in requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from archiver.crawl.faults import LocalFault
from archiver.crawl.incremental import Incremental
from archiver.crawl.run import crawl_settings
from archiver.records import Listing, ListWalked, News, PageFailed
from archiver.sites import SiteProfile, StartList, bundled_profiles
from archiver.store import Archive
from archiver.store.known import ArchivedPages
from spiders.loader import ProfileSpiderLoader
from spiders.news import NewsSpider
from tests.factories import make_news
from tests.fixtures import PAGES

DEMO = SiteProfile(
    name="demo", title="示例", family="bucea", hosts=("news.demo.edu.cn",),
    lists=(StartList("https://news.demo.edu.cn/xxyw/index.htm", "学校要闻"),),
    cited_hosts=("jw.beijing.gov.cn",),
)  # fmt: skip
PROFILES = {**bundled_profiles(), "demo": DEMO}


def spider(tmp_path: Path, **kwargs: object) -> NewsSpider:
    crawler = get_crawler(NewsSpider, {"ARCHIVER_DB": str(tmp_path / "archive.db")})
    made = crawler._create_spider(profiles=PROFILES, **kwargs)
    assert isinstance(made, NewsSpider)
    crawler.spider = made
    return made


def rules(db: Path) -> Incremental:
    """The incremental rules with the default run length, over the archive ``db``."""
    Archive.open(db, create=True).close()
    return Incremental(ArchivedPages(db, snapshot=True), full=False, known_run=10)


def test_every_profiles_lists_by_default(tmp_path: Path) -> None:
    assert spider(tmp_path).start_lists() == [
        ("https://xww.bucea.edu.cn/ttxw/index.htm", "bucea"),
        ("https://xww.bucea.edu.cn/zhxw/index.htm", "bucea"),
        ("https://news.demo.edu.cn/xxyw/index.htm", "demo"),
    ]


def test_sites_and_start_urls_choose_the_lists(tmp_path: Path) -> None:
    assert spider(tmp_path, site="demo").start_urls == ["https://news.demo.edu.cn/xxyw/index.htm"]
    chosen = spider(tmp_path, start_urls="https://xww.bucea.edu.cn/xxyw/index.htm")
    assert chosen.start_lists() == [("https://xww.bucea.edu.cn/xxyw/index.htm", "bucea")]
    with pytest.raises(ValueError, match="no site profile named 'nosuch'"):
        spider(tmp_path, site="nosuch")
    with pytest.raises(ValueError, match="is not a page of the sites demo"):
        spider(tmp_path, site="demo", start_urls=["https://xww.bucea.edu.cn/ttxw/index.htm"])


def test_a_list_of_a_site_with_no_profile_gets_one_made_for_it(tmp_path: Path) -> None:
    made = spider(tmp_path, start_urls="https://news.example.edu.cn/xwzx/list.htm")
    assert made.start_lists() == [("https://news.example.edu.cn/xwzx/list.htm",
                                   "news-example-edu-cn")]  # fmt: skip
    adhoc = made.profiles["news-example-edu-cn"]
    assert adhoc.family == "auto" and adhoc.hosts == ("news.example.edu.cn",)
    assert adhoc.owns("https://news.example.edu.cn/2026/0301/c1a2/page.htm")


def test_a_spider_per_profile_and_the_loader_lists_them(tmp_path: Path) -> None:
    assert spider(tmp_path).start_urls  # the class itself knows no site
    bucea = NewsSpider.for_site("bucea")
    assert bucea.name == "bucea" and bucea.default_sites == ("bucea",)
    loader = ProfileSpiderLoader(crawl_settings(tmp_path / "archive.db"))
    assert {"news", "bucea"} <= set(loader.list())
    assert loader.load("news") is NewsSpider
    assert issubclass(loader.load("bucea"), NewsSpider)
    with pytest.raises(KeyError):
        loader.load("nosuch")


@pytest.fixture
def walking(tmp_path: Path) -> Iterator[NewsSpider]:
    """A spider whose archive already holds one article listed on the test page."""
    crawling = spider(tmp_path)
    db = tmp_path / "archive.db"
    crawling.incremental = rules(db)
    yield crawling
    crawling.close_index()
    assert db.exists()


def list_response(name: str, url: str, **cb_kwargs: object) -> HtmlResponse:
    request = Request(url, cb_kwargs=cb_kwargs)
    return HtmlResponse(url, body=(PAGES / name).read_bytes(), request=request)


def test_a_list_page_yields_listings_and_requests_and_passes_its_state_on(
    walking: NewsSpider,
) -> None:
    url = "https://xww.bucea.edu.cn/ttxw/index.htm"
    out = list(walking.parse_list(list_response("list_ttxw_index.htm", url), lst=url,
                                  site="bucea"))  # fmt: skip
    listings = [o for o in out if isinstance(o, Listing)]
    articles = [o for o in out if isinstance(o, Request) and o.callback == walking.parse_article]
    pages = [o for o in out if isinstance(o, Request) and o.callback == walking.parse_list]
    assert len(listings) == 1 and len(listings[0].urls) == len(articles)
    assert listings[0].urls == [a.cb_kwargs["url"] for a in articles]
    assert all(a.cb_kwargs["site"] == "bucea" for a in articles)
    assert {a.cb_kwargs["section"] for a in articles} == {listings[0].section}
    assert all(a.url.startswith("https://xww.bucea.edu.cn/") for a in articles)
    assert len(pages) == 1 and pages[0].cb_kwargs == {"lst": url, "site": "bucea", "streak": 0}


def test_the_last_list_page_marks_the_list_walked(walking: NewsSpider) -> None:
    url = "https://xww.bucea.edu.cn/ttxw/1.htm"  # its a.Next points at itself
    out = list(walking.parse_list(list_response("list_ttxw_last_page.htm", url),
                                  lst="https://xww.bucea.edu.cn/ttxw/index.htm", site="bucea"))
    walked = [o for o in out if isinstance(o, ListWalked)]
    assert [w.start_url for w in walked] == ["https://xww.bucea.edu.cn/ttxw/index.htm"]
    assert not any(isinstance(o, Request) and o.callback == walking.parse_list for o in out)


def test_an_article_carries_its_list_label_and_cites_on_its_profiles_hosts(
    walking: NewsSpider,
) -> None:
    url = "https://xww.bucea.edu.cn/ttxw/3f9a6c2e8b1d4e7fa0c5b2d9e6f1a8c3.htm"
    body = (PAGES / "news_2022_ttxw_hex.htm").read_bytes()
    response = HtmlResponse(url, body=body, request=Request(url))
    out = list(walking.parse_article(response, url=url, site="bucea", section="头条新闻"))
    (news,) = [o for o in out if isinstance(o, News)]
    assert "头条新闻" in news.sections
    briefs = [o for o in out if isinstance(o, Request) and o.callback == walking.parse_brief]
    assert [b.url for b in briefs] == [c.url for c in news.cites] != []


def test_known_items_lengthen_the_run_in_the_request(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    url = "https://xww.bucea.edu.cn/ttxw/index.htm"
    crawling = spider(tmp_path)
    crawling.incremental = rules(db)
    first = list(crawling.parse_list(list_response("list_ttxw_index.htm", url), lst=url,
                                     site="bucea"))  # fmt: skip
    listed = [url for o in first if isinstance(o, Listing) for url in o.urls]
    crawling.close_index()
    with Archive.open(db) as archive:
        for item in listed:
            archive.save_document(make_news(url=item))
    crawling.incremental = rules(db)
    again = list(crawling.parse_list(list_response("list_ttxw_index.htm", url), lst=url,
                                     site="bucea", streak=2))  # fmt: skip
    (next_page,) = [
        o for o in again if isinstance(o, Request) and o.callback == crawling.parse_list
    ]
    assert next_page.cb_kwargs["streak"] == 2 + len(listed)
    conditional = [o for o in again if isinstance(o, Request) and o.url in listed]
    assert all("handle_httpstatus_list" in o.meta for o in conditional)
    crawling.close_index()


# -- every page asked for ends as a record or a named failure ---------------------------------

MAINTENANCE = "<html><head><title>系统维护</title></head><body><h1>系统维护中</h1></body></html>"


def test_a_list_page_that_lists_nothing_is_a_failed_page_not_the_end(
    walking: NewsSpider,
) -> None:
    url = "https://xww.bucea.edu.cn/ttxw/index.htm"
    response = HtmlResponse(url, body=MAINTENANCE.encode(), encoding="utf-8", request=Request(url))
    (failed,) = walking.parse_list(response, lst=url, site="bucea")
    assert isinstance(failed, PageFailed)
    assert (failed.url, failed.kind, failed.reason) == (
        url,
        "list",
        "the list page lists no articles",
    )


def test_a_next_page_off_the_site_is_a_failure_not_the_end(walking: NewsSpider) -> None:
    url = "https://xww.bucea.edu.cn/ttxw/index.htm"
    body = (PAGES / "list_ttxw_index.htm").read_bytes()
    off_site = b'href="https://evil.example/64.htm" class="Next"'
    body = body.replace(b'href="index/64.htm" class="Next"', off_site)
    out = list(walking.parse_list(HtmlResponse(url, body=body, request=Request(url)), lst=url,
                                  site="bucea"))  # fmt: skip
    assert not any(isinstance(o, ListWalked) for o in out)
    (failed,) = [o for o in out if isinstance(o, PageFailed)]
    assert "is off the site: the list ends unwalked" in failed.reason


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (MAINTENANCE, "text/html", "the page has no title, date or body"),
        ("", "text/html", "the page has no title, date or body"),
        ("%PDF-1.4", "application/pdf", "not an HTML page (Content-Type: application/pdf)"),
        ('{"code": 500}', "application/json", "not an HTML page (Content-Type: application/json)"),
    ],
)
def test_an_article_address_answering_no_article_is_a_failed_page(
    walking: NewsSpider, body: str, content_type: str, reason: str
) -> None:
    url = "https://xww.bucea.edu.cn/zhxw/26536.htm"
    response = HtmlResponse(url, body=body.encode(), encoding="utf-8", request=Request(url),
                            headers={"Content-Type": content_type})  # fmt: skip
    (failed,) = walking.parse_article(response, url=url, site="bucea")
    assert isinstance(failed, PageFailed) and failed.reason.startswith(reason)


def test_a_brief_answering_a_maintenance_page_is_asked_of_the_web_archive(
    walking: NewsSpider,
) -> None:
    url = "https://jw.beijing.gov.cn/jyzx/jyxw/202206/t20220610_2741234.html"
    response = HtmlResponse(url, body=MAINTENANCE.encode(), encoding="utf-8", request=Request(url))
    (recovery,) = walking.parse_brief(response, brief_url=url)
    assert isinstance(recovery, Request) and recovery.url.startswith("https://archive.org/")
    assert recovery.cb_kwargs["live_error"].startswith("the page has only a title, no article")


def errback_failure(request: Request, exc: Exception) -> Failure:
    failure = Failure(exc)
    failure.request = request  # type: ignore[attr-defined]  # as Scrapy sets it
    return failure


def test_only_robots_txt_skips_and_a_local_fault_blames_no_site(walking: NewsSpider) -> None:
    url = "https://xww.bucea.edu.cn/system/26999.htm"
    article = Request(url, cb_kwargs={"url": url, "site": "bucea"})
    assert (
        walking.page_failed(errback_failure(article, IgnoreRequest("Forbidden by robots.txt")))
        is None
    )
    full = LocalFault("no space left on device (writing warc)")
    assert walking.page_failed(errback_failure(article, full)) is None
    brief = Request(url, cb_kwargs={"brief_url": url})
    assert walking.brief_failed(errback_failure(brief, full)) is None  # no web archive, no record
    loop = walking.page_failed(errback_failure(article, IgnoreRequest("max redirections reached")))
    assert isinstance(loop, PageFailed) and loop.reason.startswith("a redirect loop")


def test_the_spider_names_its_scope_and_keeps_to_it(tmp_path: Path) -> None:
    bucea = spider(tmp_path, site="bucea")
    assert bucea.allowed_hosts == (
        "xww.bucea.edu.cn", "*.bjedu.gov.cn", "*.bjedu.cn", "jw.beijing.gov.cn", "*.moe.gov.cn",
        "archive.org", "web.archive.org",
    )  # fmt: skip
    bucea.incremental = rules(tmp_path / "archive.db")
    url = "https://xww.bucea.edu.cn/zhxw/26536.htm"
    news = make_news(attachments=["http://10.0.0.5/a.doc", "https://xww.bucea.edu.cn/b.doc"])
    files = list(bucea.parse_article(_page_of(news), url=url, site="bucea"))
    refused = [o for o in files if isinstance(o, PageFailed)]
    assert [(f.url, f.kind) for f in refused] == [("http://10.0.0.5/a.doc", "file")]
    assert refused[0].reason.startswith("refused: 10.0.0.5 is an IP address: a private")
    fetched = [o.url for o in files if isinstance(o, Request) and o.callback == bucea.parse_file]
    assert fetched == ["https://xww.bucea.edu.cn/b.doc"]
    bucea.close_index()


def _page_of(news: News) -> HtmlResponse:
    links = "".join(f'<p><a href="{a}">附件{i}.doc</a></p>' for i, a in enumerate(news.attachments))
    html = (f'<html><body><h2 class="detail-title">{news.title}</h2><p><small>发布时间:'
            f'{news.published}</small></p><div class="m-content" id="art"><p>{news.body}</p>'
            f"{links}</div></body></html>")  # fmt: skip
    return HtmlResponse(news.url, body=html.encode(), encoding="utf-8", request=Request(news.url))


def test_what_an_earlier_run_left_undone_is_asked_for_at_the_start(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with Archive.open(db, create=True) as archive:  # killed after the article, before the rest
        archive.save_document(make_news())
    crawling = spider(tmp_path, site="bucea")
    crawling.incremental = rules(db)
    undone = list(crawling.unfinished([crawling.profiles["bucea"]]))
    assert [(r.url, r.callback) for r in undone] == [
        (make_news().cites[0].url, crawling.parse_brief),
        (make_news().attachments[0], crawling.parse_file),
    ]
    assert not list(crawling.unfinished([DEMO]))  # another site's work is not this crawl's
    crawling.close_index()


def test_a_list_page_dropped_as_a_duplicate_is_a_loop_and_an_error(
    walking: NewsSpider, caplog: pytest.LogCaptureFixture
) -> None:
    url = "https://xww.bucea.edu.cn/ttxw/index.htm"
    stats = walking.crawler.stats
    assert stats is not None
    stats.open_spider()
    walking.list_page_dropped(Request(url, callback=walking.parse_article))  # a duplicate article
    assert stats.get_value("archiver/errors") is None
    walking.list_page_dropped(Request(url, callback=walking.parse_list))
    assert stats.get_value("archiver/errors") == 1
    assert f"failed to fetch {url}: the list's pages loop back" in caplog.text
