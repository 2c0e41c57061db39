"""A local "internet" for end-to-end crawl tests: a proxy serving a simulated world.

Start one with ``MockWeb()`` (a context manager) and point a client at it with
``web.env()``; what the world should yield is in ``world.expected`` (``EXPECTED`` for the
default world). ``python -m tests.mockweb`` serves it by hand.
"""

from tests.mockweb.archive import Archive, Capture
from tests.mockweb.facts import ArticleFact, BriefFact, Cite, Expected, ListItemFact, ListPageFact
from tests.mockweb.messages import Page, Request
from tests.mockweb.server import LogEntry, MockWeb
from tests.mockweb.world import EXPECTED, World, default_world, make_world

__all__ = [
    "EXPECTED",
    "Archive",
    "ArticleFact",
    "BriefFact",
    "Capture",
    "Cite",
    "Expected",
    "ListItemFact",
    "ListPageFact",
    "LogEntry",
    "MockWeb",
    "Page",
    "Request",
    "World",
    "default_world",
    "make_world",
]
