"""``archiver crawl --set NAME=VALUE``: each setting checked before the crawl starts.

A value Scrapy would fail on once the crawl has started (a traceback in the log, a run that
never begins, or a crawl that never fetches) is refused in one line, exit 2: an unknown name
(a typo would be ignored silently), a number that is not one (or not a whole one where
Scrapy reads a whole one, or not finite, or below 0), a count of concurrent requests below 1,
a log level Python's logging does not know, a dictionary setting that is not a JSON object.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

#: Settings Scrapy (or the archiver) reads as fractions though their default is whole.
FRACTION_SETTINGS = frozenset({
    "DOWNLOAD_DELAY", "DOWNLOAD_DELAY_JITTER", "DOWNLOAD_TIMEOUT", "DNS_TIMEOUT",
    "CLOSESPIDER_TIMEOUT", "CLOSESPIDER_TIMEOUT_NO_ITEM", "LOGSTATS_INTERVAL",
    "AUTOTHROTTLE_START_DELAY", "AUTOTHROTTLE_MAX_DELAY", "AUTOTHROTTLE_TARGET_CONCURRENCY",
    "RETRY_BACKOFF_BASE", "RETRY_BACKOFF_MAX", "ARCHIVER_ATTACHMENT_TIMEOUT",
})  # fmt: skip
#: Settings of at least 1: with 0 the crawl would never fetch.
AT_LEAST_ONE = frozenset({
    "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "CONCURRENT_ITEMS",
    "AUTOTHROTTLE_TARGET_CONCURRENCY",
})  # fmt: skip
_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
#: A setting whose default is a class's dotted path (DUPEFILTER_CLASS, SCHEDULER, …).
#: Settings whose value may also be a name rather than a dotted path.
_NAMED_VALUES = frozenset({"REFERRER_POLICY", "TWISTED_REACTOR"})
_DOTTED = re.compile(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+")
_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


def check_settings(values: Sequence[str]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs as a dict, each value checked against its setting's default;
    :class:`click.BadParameter` (one line) for a bad one."""
    if not values:
        return {}
    from archiver.crawl.run import crawl_settings

    defaults = crawl_settings(Path("archive.db"))
    settings: dict[str, Any] = {}
    for pair in values:
        name, sep, value = pair.partition("=")
        if not sep or not _NAME.fullmatch(name):
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE")
        if name not in defaults:
            raise click.BadParameter(f"{name} is no setting of Scrapy or of the archiver")
        settings[name] = _checked(name, value, defaults.get(name))
    return settings


def _checked(name: str, value: str, default: Any) -> Any:
    if name.endswith("LOG_LEVEL"):
        level = value.strip().upper()
        if level not in _LEVELS:
            raise click.BadParameter(f"{name} must be one of {', '.join(_LEVELS)}, not {value!r}")
        return level
    if name == "ARCHIVER_ALLOWED_NETWORKS":
        return _networks(name, value)
    if isinstance(default, str) and _DOTTED.fullmatch(default) and name not in _NAMED_VALUES:
        return _importable(name, value)
    if isinstance(default, bool):
        from scrapy.settings import BaseSettings

        try:
            BaseSettings({name: value}).getbool(name)  # as Scrapy will read it
        except ValueError:
            raise click.BadParameter(f"{name} must be true or false, not {value!r}") from None
        return value
    if isinstance(default, int | float):
        fraction = isinstance(default, float) or name in FRACTION_SETTINGS
        return _number(name, value, fraction=fraction)
    if default is not None and not isinstance(default, str | list):  # a dict of Scrapy's
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise click.BadParameter(f"{name} must be a JSON object, e.g. '{{\"…\": 1}}'")
    return value


def _networks(name: str, value: str) -> str:
    import ipaddress

    for part in (p.strip() for p in value.split(",")):
        try:
            if part:
                ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise click.BadParameter(
                f"{name} takes networks such as 10.8.0.0/16, comma-separated; not {part!r}"
            ) from None
    return value


def _importable(name: str, value: str) -> str:
    from scrapy.utils.misc import load_object

    try:
        load_object(value.strip())
    except (ImportError, NameError, ValueError, AttributeError) as exc:
        raise click.BadParameter(f"{name}: cannot load {value!r} ({exc})") from None
    return value


def _number(name: str, value: str, *, fraction: bool) -> str:
    try:
        number = float(value) if fraction else int(value)
    except ValueError:
        kind = "a number" if fraction else "a whole number"
        raise click.BadParameter(f"{name} must be {kind}, not {value!r}") from None
    # (a priority may be negative; a negative size, delay or count means nothing)
    if not math.isfinite(number) or (number < 0 and "PRIORITY" not in name):
        raise click.BadParameter(f"{name} must be a number of 0 or more, not {value!r}")
    if name in AT_LEAST_ONE and number < 1:
        raise click.BadParameter(f"{name} must be at least 1, not {value!r}")
    return value

