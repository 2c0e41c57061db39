"""The README documents every command, every option and every export field."""

from __future__ import annotations

import re

import click
import pytest

from archiver.cli import cli
from archiver.export import BRIEF_FIELDS, COMMON_FIELDS, NEWS_FIELDS
from tests.fixtures import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


# the group loads its commands lazily: list them, and load each, as click does
COMMANDS = cli.list_commands(click.Context(cli))


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"| `archiver {name}` |" in README


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    assert command.help and len(command.help.strip()) > 20
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"archiver {name} {param.opts[0]} has no help"


@pytest.mark.parametrize("field", [*COMMON_FIELDS, *NEWS_FIELDS, *BRIEF_FIELDS])
def test_every_export_field_is_in_the_contract(field: str) -> None:
    assert re.search(rf"^\| `{field}` \|", README, re.M), field


def test_the_readme_opens_with_the_two_commands() -> None:
    first_block = README.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(first_block) == 2
    assert first_block[0].endswith("archiver crawl")
    assert first_block[1].endswith("pytest")
