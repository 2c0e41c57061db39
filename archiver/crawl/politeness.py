"""A site profile's own politeness: its delay holds, whatever AutoThrottle would make of it.

A profile's ``[politeness]`` becomes a ``DOWNLOAD_SLOTS`` entry for each of its hosts
(:func:`politeness_settings`, applied by the spider's ``update_settings`` so
that ``scrapy crawl`` gets it too). AutoThrottle would then lower the slot's delay towards the
site's latency; a request to such a host is marked ``autothrottle_dont_adjust_delay``, so the
delay the archivist set is the delay kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from archiver.crawl.settings import sites_dir
from archiver.sites import ProfileError, SiteProfile, load_profiles


class SlotDelayMiddleware:
    """Keeps AutoThrottle off the delay of the hosts whose slots set one."""

    def __init__(self, hosts: frozenset[str]):
        self.hosts = hosts

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        slots: dict[str, Any] = crawler.settings.getdict("DOWNLOAD_SLOTS")
        hosts = frozenset(host for host, limits in slots.items() if "delay" in (limits or {}))
        if not hosts:
            raise NotConfigured("no download slot sets a delay of its own")
        return cls(hosts)

    def process_request(self, request: Request) -> None:
        try:
            host = (urlsplit(request.url).hostname or "").lower()
        except ValueError:
            return
        if host in self.hosts:
            request.meta["autothrottle_dont_adjust_delay"] = True


def politeness_settings(profiles: Iterable[SiteProfile]) -> dict[str, Any]:
    """``DOWNLOAD_SLOTS`` for the hosts of sites whose profiles set politeness limits of their
    own (delay, concurrency). A wildcard host has no slot of its own."""
    slots: dict[str, dict[str, Any]] = {}
    for profile in profiles:
        limits: dict[str, Any] = {}
        if profile.delay is not None:
            limits["delay"] = profile.delay
        if profile.concurrency is not None:
            limits["concurrency"] = profile.concurrency
        for host in profile.hosts:
            if limits and not host.startswith("*."):
                slots[host] = limits
    return {"DOWNLOAD_SLOTS": slots} if slots else {}


def apply_profile_politeness(settings: BaseSettings, names: Sequence[str] = ()) -> None:
    """Set ``DOWNLOAD_SLOTS`` from the profiles ``names`` (all when empty), at the spider's
    priority: ``--set DOWNLOAD_SLOTS=…`` on the command line wins."""
    if (settings.getpriority("DOWNLOAD_SLOTS") or 0) > SETTINGS_PRIORITIES["spider"]:
        return
    try:
        profiles = load_profiles(sites_dir(settings))
    except ProfileError:
        return  # reported, in one line, when the spider loads its profiles
    chosen = [p for name, p in profiles.items() if name in names or not names]
    slots = politeness_settings(chosen).get("DOWNLOAD_SLOTS")
    if slots:
        settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
