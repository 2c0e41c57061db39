"""Page text on a terminal: shown, never obeyed.

A page (or a published archive) may hold control characters: ESC sequences that colour,
clear the screen, move the cursor, set the window title or write the clipboard (OSC 52),
their 8-bit forms (CSI, U+009B), a carriage return that overwrites a line, a bell. What the
commands print for people (``show``, ``search``'s table, ``history``, ``diff``, ``stats``,
``runs``, ``sites``, error lines) shows each of them as a visible escape, ``\\x1b``; data
formats (CSV, JSON, TOML) written to stdout are escaped the same way only when stdout is a
terminal, and are exact when it is a file or a pipe.
"""

from __future__ import annotations

import re
from typing import IO, Any

# C0 controls but tab and line feed, a carriage return not ending a line (CSV rows end with
# CRLF), DEL and the C1 controls (U+0080–U+009F: CSI, OSC, ST in their 8-bit forms).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")


def _visible(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def terminal_text(text: str) -> str:
    """``text`` with every control character shown as an escape (ESC as ``\\x1b``) instead
    of acting on the terminal; tabs and line ends kept."""
    return _CONTROL.sub(_visible, text) if _CONTROL.search(text) else text


class TerminalStream:
    """A text stream whose writes go through :func:`terminal_text`: stdout on a terminal."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        """Write ``text``, control characters shown as escapes."""
        return self._stream.write(terminal_text(text))

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding…: the stream's own
        return getattr(self._stream, name)
