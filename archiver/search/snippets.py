"""Snippets: a piece of a record's text around its first match, every match marked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from archiver.search.query import ascii_lower

#: Marks around each match in a rendered snippet. Not 【】: those are common in Chinese titles.
HIGHLIGHT_OPEN, HIGHLIGHT_CLOSE = "⟦", "⟧"

SNIPPET_CHARS = 80  # characters of body text in a snippet
_SNIPPET_LEAD = 20  # characters shown before the first match


@dataclass(frozen=True)
class Snippet:
    """A piece of text cut into runs, each either a match (``True``) or not."""

    parts: tuple[tuple[str, bool], ...]

    def render(self, open_mark: str = HIGHLIGHT_OPEN, close_mark: str = HIGHLIGHT_CLOSE) -> str:
        """The text with every match between ``open_mark`` and ``close_mark``."""
        return "".join(f"{open_mark}{s}{close_mark}" if hit else s for s, hit in self.parts)

    def __str__(self) -> str:
        return self.render()


_FLATTEN = str.maketrans("\n\r\t\v\f", "     ")  # one line, same length


def make_snippet(text: str, needles: list[str], width: int | None = SNIPPET_CHARS) -> Snippet:
    """``width`` characters of ``text`` around its first match, the matches marked.

    Without a match it is the start of the text; ``width=None`` keeps the whole text.
    """
    flat = text.translate(_FLATTEN)
    folded = ascii_lower(flat)  # same length as ``flat``: ASCII letters only change case
    spans = _merge((i, i + len(n)) for n in set(needles) if n for i in _find_all(folded, n))
    start = 0
    if width is not None and spans:
        start = max(0, min(spans[0][0] - _SNIPPET_LEAD, len(flat) - width))
    end = len(flat) if width is None else min(len(flat), start + width)
    for s, e in spans:  # never cut a match in two
        if s < end < e:
            end = e
    parts: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
    at = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if s > at:
            parts.append((flat[at:s], False))
        parts.append((flat[s:e], True))
        at = e
    if at < end:
        parts.append((flat[at:end], False))
    if end < len(flat):
        parts.append(("…", False))
    return Snippet(tuple(parts))


def _find_all(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
