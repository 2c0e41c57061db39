"""Shared fixtures: the simulated world, the local "internet" that serves it, and an empty
archive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.store import Archive
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


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    """A new, empty archive in the test's folder."""
    with Archive.open(tmp_path / "archive.db", create=True) as archive:
        yield archive
