"""Defaults outside a crawl and the ``ARCHIVER_*`` environment, read in one place.

What is known of a site lives in its profile (:mod:`archiver.sites`); the crawl's settings and
their defaults in :mod:`archiver.crawl.settings`.

Nothing here does I/O at import time; :func:`db_path` reads the environment when called.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_HOME = "https://github.com/edu-news-archiver/edu-news-archiver"


def __getattr__(name: str) -> str:
    # ``USER_AGENT`` names the version, which is read only when asked for (``archiver``)
    if name == "USER_AGENT":
        from archiver import __version__

        return f"edu-news-archiver/{__version__} (+{PROJECT_HOME})"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: How large a page (list, article, brief, robots.txt, a web-archive reply) and an attachment
#: may be, decoded: real pages are under 1 MB, scanned attachments can be tens of MB. The crawl
#: stops a download or a decompression there; reading a stored capture back decodes no more.
PAGE_MAX_BYTES = 4 * 2**20
FILE_MAX_BYTES = 100 * 2**20

DEFAULT_DB = Path("data") / "archive.db"
ENV_DB = "ARCHIVER_DB"
ENV_BUREAU_HOSTS = "ARCHIVER_BUREAU_HOSTS"
ENV_SITES_DIR = "ARCHIVER_SITES_DIR"


def db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The archive to use: ``--db``, else ``$ARCHIVER_DB``, else ``data/archive.db``."""
    if cli_value:
        return Path(cli_value)
    env = os.environ.get(ENV_DB)
    return Path(env) if env else DEFAULT_DB


def cited_hosts_override(value: str | None = None) -> tuple[str, ...] | None:
    """Cited-host patterns that replace every profile's: a comma-separated ``value``, else
    ``$ARCHIVER_BUREAU_HOSTS``; None when neither is given (each profile's own apply)."""
    raw = value if value is not None else os.environ.get(ENV_BUREAU_HOSTS)
    if not raw:
        return None
    return tuple(p.strip().lower() for p in raw.split(",") if p.strip())


def sites_dir(db: Path, cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The folder of the archivist's own site profiles: ``--sites-dir``, else
    ``$ARCHIVER_SITES_DIR``, else ``sites/`` beside the archive ``db``."""
    if cli_value:
        return Path(cli_value)
    env = os.environ.get(ENV_SITES_DIR)
    return Path(env) if env else db.parent / "sites"


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
