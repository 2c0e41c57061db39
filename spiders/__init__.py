"""The spiders: one news spider for every site (news.py), the probe of ``sites add`` (probe.py),
and the loader that makes a spider of each site profile (loader.py)."""

from __future__ import annotations

from collections.abc import Sequence


def argument_list(value: str | Sequence[str] | None) -> list[str]:
    """A comma-separated spider argument (``-a site=a,b``) or a list, as a list."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    return [item.strip() for item in items if item.strip()]
