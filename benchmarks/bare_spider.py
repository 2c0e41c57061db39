"""The baseline of the crawl benchmarks: a bare Scrapy spider that follows the links
``archiver crawl`` follows on the mirror (list items, next list page) and parses and stores
nothing else.

    python -m benchmarks.bare_spider [--set NAME=VALUE …] START_URL …

Prints the number of responses it got on stdout.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Request, Response

#: Politeness lifted, as in the benchmarks' archiver crawls.
FAST = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
}


class BareSpider(scrapy.Spider):
    """List pages: follow every item and the next page; articles: nothing."""

    name = "bare"

    def __init__(self, urls: list[str], **kwargs: Any):
        super().__init__(**kwargs)
        self.start_urls = urls
        self.pages = 0

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Request]:
        self.pages += 1
        for href in response.css("h4.media-heading a::attr(href)").getall():
            yield response.follow(href, self.parse_article)
        for href in response.css("a.Next::attr(href)").getall():
            yield response.follow(href, self.parse)

    def parse_article(self, response: Response) -> None:
        self.pages += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()
    settings: dict[str, Any] = {"LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": True, **FAST}
    settings.update(item.split("=", 1) for item in args.set)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, urls=args.urls)
    process.start()
    assert isinstance(crawler.spider, BareSpider)
    print(crawler.spider.pages)


if __name__ == "__main__":
    main()
