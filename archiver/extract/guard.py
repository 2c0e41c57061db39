"""Extractors never raise: a page the code cannot read still gives a record, with a warning.

Each public extractor is wrapped by :func:`never_raises`. An exception inside it (a bug meeting
a page nobody foresaw) is logged with its traceback and becomes the record the page's address
alone gives, whose ``parse_warnings`` name the exception (:data:`EXTRACTOR_FAILED` starts the
line). A record with no title, date or body is a failed page to the crawl, so such a record
never replaces a stored copy; the fuzz tests check that no page needs this net.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, Protocol, TypeVar

from archiver.records import Brief, ListPage, News

logger = logging.getLogger(__name__)

#: How the warning of a record made by the net starts.
EXTRACTOR_FAILED = "extractor failed"

P = ParamSpec("P")


class _Warned(Protocol):
    parse_warnings: list[str]


R = TypeVar("R", bound=_Warned)


def never_raises(
    empty: Callable[[Mapping[str, Any]], R],
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Wrap an extractor so that it returns ``empty(arguments)`` (the record its bound
    arguments alone give: its ``url``, its ``kind``) with a warning instead of raising."""

    def decorate(extractor: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(extractor)
        name = extractor.__qualname__

        @functools.wraps(extractor)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return extractor(*args, **kwargs)
            except Exception as exc:  # a page must never cost its record
                arguments = signature.bind(*args, **kwargs).arguments
                logger.exception("%s failed on %s", name, arguments.get("url"))
                record = empty(arguments)
                record.parse_warnings.append(f"{EXTRACTOR_FAILED}: {name}: {_one_line(exc)}")
                return record

        return run

    return decorate


def empty_news(arguments: Mapping[str, Any]) -> News:
    """The :class:`News` record of a page nothing could be read from."""
    url = str(arguments.get("url", ""))
    return _with_site(News(url=url, site=_host(url)))


def empty_brief(arguments: Mapping[str, Any]) -> Brief:
    """The :class:`Brief` of a page nothing could be read from."""
    url = str(arguments.get("url", ""))
    return _with_site(Brief(url=url, site=_host(url)))


def empty_list(arguments: Mapping[str, Any]) -> ListPage:
    """The :class:`ListPage` of a page nothing could be read from: no items, no next page."""
    return ListPage(url=str(arguments.get("url", "")), section=None)


def empty_document(arguments: Mapping[str, Any]) -> News | Brief:
    """The empty record of the ``kind`` asked for."""
    return empty_news(arguments) if arguments.get("kind") == "news" else empty_brief(arguments)


_Record = TypeVar("_Record", News, Brief)


def _with_site(record: _Record) -> _Record:
    if record.site:
        record.provenance["site"] = "url"
    return record


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _one_line(exc: Exception, width: int = 200) -> str:
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= width else text[: width - 1] + "…"
