"""Scrapy's spider loader, plus one spider per site profile: ``scrapy crawl bucea``.

``scrapy list`` shows ``news`` (every site, or ``-a site=NAME``) and the name of every profile,
shipped or the archivist's own (``ARCHIVER_SITES_DIR``).
"""

from __future__ import annotations

from scrapy import Spider
from scrapy.settings import BaseSettings
from scrapy.spiderloader import SpiderLoader

from archiver.crawl.settings import sites_dir
from archiver.sites import load_profiles
from spiders.news import NewsSpider


class ProfileSpiderLoader(SpiderLoader):
    """Finds the spiders of ``SPIDER_MODULES``, and makes a :class:`NewsSpider` per profile."""

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self._profiles = sorted(load_profiles(sites_dir(settings)))

    def load(self, spider_name: str) -> type[Spider]:
        try:
            return super().load(spider_name)
        except KeyError:
            if spider_name not in self._profiles:
                raise
        return NewsSpider.for_site(spider_name)

    def list(self) -> list[str]:
        return sorted({*super().list(), *self._profiles})
