"""A profile's own politeness: download slots for its hosts, kept from AutoThrottle."""

from __future__ import annotations

from pathlib import Path

from scrapy.http import Request
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from archiver.crawl.politeness import SlotDelayMiddleware, apply_profile_politeness
from archiver.crawl.run import crawl_settings
from spiders.news import NewsSpider

SLOW = """
name = "slow"
title = "慢站"
family = "auto"
hosts = ["news.slow.edu.cn"]

[politeness]
delay = 3
concurrency = 1

[[lists]]
url = "https://news.slow.edu.cn/xwzx/list.htm"
"""


def settings_with_profile(tmp_path: Path) -> Settings:
    (tmp_path / "sites").mkdir(parents=True)
    (tmp_path / "sites" / "slow.toml").write_text(SLOW, encoding="utf-8")
    return crawl_settings(tmp_path / "archive.db")


def test_the_spider_turns_profile_politeness_into_download_slots(tmp_path: Path) -> None:
    settings = settings_with_profile(tmp_path)
    NewsSpider.update_settings(settings)
    assert settings.getdict("DOWNLOAD_SLOTS") == {
        "news.slow.edu.cn": {"delay": 3.0, "concurrency": 1}
    }
    only_bucea = settings_with_profile(tmp_path / "b")
    NewsSpider.for_site("bucea").update_settings(only_bucea)
    assert only_bucea.getdict("DOWNLOAD_SLOTS") == {}  # the slow site is not crawled


def test_the_command_line_wins(tmp_path: Path) -> None:
    settings = settings_with_profile(tmp_path)
    settings.set("DOWNLOAD_SLOTS", {"news.slow.edu.cn": {"delay": 9}}, priority="cmdline")
    apply_profile_politeness(settings)
    assert settings.getdict("DOWNLOAD_SLOTS") == {"news.slow.edu.cn": {"delay": 9}}


def test_autothrottle_keeps_off_a_slots_own_delay() -> None:
    crawler = get_crawler(settings_dict={"DOWNLOAD_SLOTS": {"news.slow.edu.cn": {"delay": 3}}})
    middleware = SlotDelayMiddleware.from_crawler(crawler)
    slow, other = Request("https://news.slow.edu.cn/a.htm"), Request("https://x.edu.cn/a.htm")
    middleware.process_request(slow)
    middleware.process_request(other)
    assert slow.meta["autothrottle_dont_adjust_delay"] is True
    assert "autothrottle_dont_adjust_delay" not in other.meta
