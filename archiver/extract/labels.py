"""Labelled values on one line: ``部门:党建工作处 供稿:宣传部 发布时间:2022-06-10 阅读次数:``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from archiver.extract.text import normalise_space

# Put between label/value pairs by templates: "来源: | 发布时间: 2018-05-17 | 浏览次数:".
_SEPARATORS = " |｜/·•,，;；\u3000"


def split_labelled(text: str, labels: Sequence[str]) -> list[tuple[str, str]]:
    """``(label, value)`` pairs of ``text`` in order; a value runs up to the next label.

    Only the given ``labels`` count (followed by ASCII ``:`` or full-width ``：``, spaces
    allowed around it): a generic "word before a colon" rule would cut values like
    ``党建工作处供稿:…`` in the wrong place. Pass every label the line may hold, even those
    whose value is not wanted, so that no value swallows them. Empty values stay ``""``.
    """
    # split() with the label captured: [text before, label, value, label, value, …],
    # each value running up to the next label (cut in C, not match by match).
    parts = _label_pattern(tuple(labels)).split(text)
    if len(parts) > 3 and normalise_space(text) == text:
        # Lines mostly come normalised (element_text). In a slice of such a line the only
        # spaces are single " ": a value needs strip() alone, and one test of the line
        # spares normalising each value.
        return [
            (parts[i], parts[i + 1].strip().strip(_SEPARATORS)) for i in range(1, len(parts), 2)
        ]
    return [
        (parts[i], normalise_space(parts[i + 1]).strip(_SEPARATORS))
        for i in range(1, len(parts), 2)
    ]


def has_label(text: str, labels: Sequence[str]) -> bool:
    """True when :func:`split_labelled` would find a pair in ``text`` (without splitting)."""
    return _label_pattern(tuple(labels)).search(text) is not None


def first_value(pairs: Sequence[tuple[str, str]], labels: Sequence[str]) -> tuple[str, str] | None:
    """The first non-empty ``(label, value)`` whose label is one of ``labels``."""
    for label, value in pairs:
        if label in labels and value:
            return label, value
    return None


@lru_cache(maxsize=16)
def _label_pattern(labels: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so that 发布时间 wins over 时间 at the same position.
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.compile(rf"({alternatives})\s*[:：]")
