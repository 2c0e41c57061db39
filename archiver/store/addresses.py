"""Finding a record by its address as a person types it: ``http://`` for an ``https://`` page,
an upper-case host, a ``#fragment``, the default port, ``/`` for ``/index.htm``, no scheme.

Only addresses that name the same page on any web server are tried; the archive is asked for
each, exactly (its index on ``url``), never scanned.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from sqlite_utils import Database

from archiver.store.tables import DOCUMENTS

_DEFAULT_PORTS = {"http": 80, "https": 443}
_INDEX_PAGES = ("index.htm", "index.html")


def address_variants(typed: str) -> list[str]:
    """``typed`` first, then the addresses that name the same page (a bad address: itself)."""
    text = typed.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return [typed]
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return [typed]
    host = parts.hostname  # lower-cased by urlsplit
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    if port is not None and port not in _DEFAULT_PORTS.values():
        host = f"{host}:{port}"
    paths = _paths(parts.path or "/")
    variants = [typed]
    for scheme in ("https", "http"):
        for path in paths:
            url = urlunsplit((scheme, host, path, parts.query, ""))
            if url not in variants:
                variants.append(url)
    return variants


def _paths(path: str) -> list[str]:
    """``path`` and the paths a server answers the same: ``/`` and ``/index.htm(l)``."""
    if path.endswith("/"):
        return [path, *(path + page for page in _INDEX_PAGES)]
    folder, _, name = path.rpartition("/")
    if name in _INDEX_PAGES:
        return [path, folder + "/"]
    return [path]


def matching_urls(db: Database, typed: str) -> list[str]:
    """The stored addresses of the page ``typed`` names: ``[typed]`` when it is stored as
    typed, else every stored variant (none, one, or several: then the caller asks which)."""
    variants = address_variants(typed)
    marks = ", ".join("?" * len(variants))
    sql = f"SELECT url FROM {DOCUMENTS} WHERE url IN ({marks})"
    found = {url for (url,) in db.execute(sql, variants)}
    if typed in found:
        return [typed]
    return [url for url in variants if url in found]
