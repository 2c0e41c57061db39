"""The bounds on reading one attached file, and the checks that need no reader.

A hostile or broken file must cost a bounded amount: its size is checked before anything is
read, a zip container's declared sizes before any member is inflated (Python's zipfile never
inflates past a member's declared size, so the declaration is the bound), pages and characters
as they are read. Time and memory are bounded by the worker process
(:mod:`~archiver.extract.attachments.bounded`), since no reader can be stopped from inside.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

MB = 1_000_000


@dataclass(frozen=True)
class Limits:
    """What one file may cost; a file over a limit is ``too-large`` or cut (``partial``)."""

    max_bytes: int = 64 * MB  # the file itself: larger ones are not read at all
    max_unzipped: int = 256 * MB  # declared size of a .docx/.xlsx's members, all together
    max_ratio: int = 200  # a member inflating more than 200× is a zip bomb, not a document
    # pypdf reads 10–30 ms a page and openpyxl 10–40 µs a cell: both well within the timeout
    max_pages: int = 500  # PDF pages read; the rest is left (partial)
    max_cells: int = 500_000  # spreadsheet cells read; the rest is left (partial)
    max_chars: int = 10_000_000  # characters of text kept (partial beyond)
    timeout: float = 60.0  # seconds for one file, in the worker
    memory: int = 2048 * MB  # address space of the worker process


class LimitExceeded(Exception):
    """A file over one of the limits; the message says which (one line)."""


def check_size(data: bytes, limits: Limits) -> None:
    """Refuse a file larger than ``limits.max_bytes``."""
    if len(data) > limits.max_bytes:
        raise LimitExceeded(
            f"the file has {len(data):,} bytes, over the limit of {limits.max_bytes:,}"
        )


def check_zip(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a zip container (``.docx``, ``.xlsx``) whose members would inflate too far.

    Checked on the declared sizes, before anything is inflated.
    """
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > 10 * MB and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise LimitExceeded(
                f"zip member {info.filename} would inflate {info.compress_size:,} bytes to "
                f"{info.file_size:,} (a zip bomb)"
            )
    if total > limits.max_unzipped:
        raise LimitExceeded(
            f"the zip's members would inflate to {total:,} bytes, over the limit of "
            f"{limits.max_unzipped:,}"
        )


class TextBudget:
    """Collects lines of text up to ``limits.max_chars``; says whether it had to stop."""

    def __init__(self, max_chars: int):
        self.max_chars = max_chars
        self.lines: list[str] = []
        self.used = 0
        self.full = False

    def add(self, line: str) -> bool:
        """Keep ``line`` (cut at the budget); False once the budget is spent."""
        if self.full:
            return False
        room = self.max_chars - self.used
        if len(line) > room:
            line = line[:room]
            self.full = True
        self.lines.append(line)
        self.used += len(line) + 1
        if self.used >= self.max_chars:
            self.full = True
        return not self.full

    def text(self) -> str:
        """The kept lines, one per line, blank lines at the ends dropped."""
        return "\n".join(self.lines).strip("\n")
