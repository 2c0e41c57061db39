"""How the ``archiver`` command fails: exit statuses, and every error as one line on stderr,
``archiver: error: …``."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click

from archiver.cli.terminal import terminal_text

#: Exit statuses of ``archiver``; 3 is a partial crawl, 75 is EX_TEMPFAIL: try again later.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL, EXIT_LOCKED = 0, 1, 2, 3, 75
#: A crawl stopped by Ctrl-C or SIGTERM (128 + SIGINT, the shell's habit).
EXIT_INTERRUPTED = 130


class UserError(click.ClickException):
    """Bad input the user can fix: one line, exit 2."""

    exit_code = EXIT_USAGE


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print ``message`` as one ``archiver: error:`` line on stderr and exit with ``code``."""
    # one line, even for click's multi-line messages ("Choose from:\n\tcsv,\n…"); a page's
    # text in it (an address, a title) never acts on the terminal
    line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    click.echo(f"archiver: error: {terminal_text(line)}", err=True)
    sys.exit(code)


class ArchiverGroup(click.Group):
    """Prints every click error as one line (``archiver: error: …``) instead of a usage block."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("archiver: aborted", err=True)
            sys.exit(EXIT_FAILED)
        except click.ClickException as exc:
            fail(exc.format_message(), exc.exit_code)
        sys.exit(result if isinstance(result, int) else 0)
