"""Running the ``archiver`` command in-process, through click's test runner."""

from __future__ import annotations

from click.testing import CliRunner, Result

from archiver.cli import cli


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """``archiver ARGS…`` with click's runner; exceptions propagate (a traceback is a bug)."""
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
