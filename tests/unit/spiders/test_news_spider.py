"""The site-agnostic news spider: sites and lists from profiles, state carried in requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from archiver.crawl.incremental import Incremental
from archiver.crawl.run import crawl_settings
from archiver.records import Listing, ListWalked, News
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
    assert listings and len(listings) == len(articles)
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
    listed = [o.url for o in first if isinstance(o, Listing)]
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
