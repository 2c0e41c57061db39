"""A local "internet" for end-to-end crawl tests: a proxy serving a simulated world.

Start one with ``MockWeb()`` (a context manager) and point a client at it with
``web.env()``; what the world should yield is in ``world.expected`` (``EXPECTED`` for the
default world). ``family_world()`` adds a VSB, a SUDY and a TRS news site, whose facts are in
``world.expected.family_sites`` (``FAMILY_SITES``). ``python -m tests.mockweb`` serves the
default world by hand.
"""

from tests.mockweb.archive import Archive, Capture
from tests.mockweb.facts import (
    ArticleFact,
    BriefFact,
    Cite,
    Expected,
    FamilySite,
    ListItemFact,
    ListPageFact,
)
from tests.mockweb.families import FAMILY_SITES, family_world
from tests.mockweb.messages import Page, Request
from tests.mockweb.server import LogEntry, MockWeb
from tests.mockweb.world import EXPECTED, World, default_world, make_world

__all__ = [
    "EXPECTED",
    "FAMILY_SITES",
    "Archive",
    "ArticleFact",
    "BriefFact",
    "Capture",
    "Cite",
    "Expected",
    "FamilySite",
    "ListItemFact",
    "ListPageFact",
    "LogEntry",
    "MockWeb",
    "Page",
    "Request",
    "World",
    "default_world",
    "family_world",
    "make_world",
]
