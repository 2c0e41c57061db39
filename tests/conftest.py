"""Shared fixtures: the simulated world, the local "internet" that serves it, a crawl of it,
and an empty archive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.store import Archive
from tests.crawling import FinishedCrawl
from tests.mockweb import MockWeb, World, default_world


@pytest.fixture
def world() -> World:
    """A fresh default world; change it freely, no other test sees it."""
    return default_world()


@pytest.fixture
def mockweb(world: World) -> Iterator[MockWeb]:
    """The mock web serving ``world``, started for one test; ``mockweb.env()`` routes to it."""
    with MockWeb(world) as web:
        yield web


@pytest.fixture(scope="module")
def default_crawl(tmp_path_factory: pytest.TempPathFactory) -> FinishedCrawl:
    """One ``archiver crawl`` of a default world of its own, run once per test module.

    For tests that only read what a crawl left: they get copies (``copy_to``, ``records()``),
    never the crawl's own files. A test that changes the world or the archive as it goes
    crawls ``world`` through ``mockweb`` itself.
    """
    return FinishedCrawl.run(default_world(), tmp_path_factory.mktemp("default-crawl"))


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    """A new, empty archive in the test's folder."""
    with Archive.open(tmp_path / "archive.db", create=True) as archive:
        yield archive
