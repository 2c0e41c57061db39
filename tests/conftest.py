"""Shared fixtures: the simulated world and the local "internet" that serves it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
