"""How many records a query matches, exactly: the "20 of 117 hits" of ``archiver search``.

The count is the number of hits :func:`~archiver.search.engine.search` would return without a
limit (the same sources, candidates and exact check), read without their text or snippets.
"""

from __future__ import annotations

from sqlite_utils import Database

from archiver.search.engine import _sources, count_matches
from archiver.search.query import Query, parse_query
from archiver.store import Filters


def count_hits(db: Database, query: Query | str, filters: Filters | None = None) -> int:
    """The number of records (and attachment texts) matching ``query`` under ``filters``.

    Raises :class:`~archiver.search.QueryError` for a bad query text."""
    if isinstance(query, str):
        query = parse_query(query)
    # whether each needle is there decides a match: no occurrences counted, nothing ranked
    return sum(
        count_matches(db, query, source, source_filters)
        for source, source_filters in _sources(filters or Filters())
    )
