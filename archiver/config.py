"""Defaults and the ``ARCHIVER_*`` environment, read in one place.

Nothing here does I/O at import time; :func:`db_path` reads the environment when called.
"""

from __future__ import annotations

import os
from pathlib import Path

from archiver import __version__

#: The first site: 北京建筑大学新闻网.
NEWS_SITE_ROOT = "https://xww.bucea.edu.cn/"
NEWS_SITE_HOSTS = ("xww.bucea.edu.cn",)

#: Section lists crawled by default: (path segment, label). The label is the one the site
#: shows; the crawl records the label the list page itself prints when it has one.
DEFAULT_SECTIONS: tuple[tuple[str, str], ...] = (
    ("ttxw", "头条新闻"),
    ("zhxw", "综合新闻"),
)

#: Host patterns of the bureau sites whose pages the news cites. ``*.example.cn`` matches
#: ``example.cn`` itself and every sub-domain of it.
DEFAULT_BUREAU_HOSTS: tuple[str, ...] = (
    "*.bjedu.gov.cn",
    "*.bjedu.cn",
    "jw.beijing.gov.cn",
    "*.moe.gov.cn",
)

PROJECT_HOME = "https://github.com/edu-news-archiver/edu-news-archiver"
USER_AGENT = f"edu-news-archiver/{__version__} (+{PROJECT_HOME})"

DEFAULT_DB = Path("data") / "archive.db"
ENV_DB = "ARCHIVER_DB"
ENV_BUREAU_HOSTS = "ARCHIVER_BUREAU_HOSTS"


def default_start_urls() -> list[str]:
    """The list pages crawled when no ``--start-url`` is given."""
    return [f"{NEWS_SITE_ROOT}{path}/index.htm" for path, _label in DEFAULT_SECTIONS]


def db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The archive to use: ``--db``, else ``$ARCHIVER_DB``, else ``data/archive.db``."""
    if cli_value:
        return Path(cli_value)
    env = os.environ.get(ENV_DB)
    return Path(env) if env else DEFAULT_DB


def bureau_hosts(value: str | None = None) -> tuple[str, ...]:
    """Bureau host patterns: a comma-separated ``value`` or ``$ARCHIVER_BUREAU_HOSTS``."""
    raw = value if value is not None else os.environ.get(ENV_BUREAU_HOSTS)
    if not raw:
        return DEFAULT_BUREAU_HOSTS
    return tuple(p.strip().lower() for p in raw.split(",") if p.strip())


def host_matches(host: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """True when ``host`` matches one of ``patterns`` (``*.a.b`` covers ``a.b`` too)."""
    host = host.lower().rstrip(".")
    for pattern in patterns:
        pattern = pattern.lower()
        if pattern.startswith("*."):
            apex = pattern[2:]
            if host == apex or host.endswith("." + apex):
                return True
        elif host == pattern:
            return True
    return False
