"""Which records a read selects (:class:`Filters`) and the SQL of the export's tuples, without
sqlite-utils: a CSV export runs it over a plain connection (:func:`select_tuples`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from archiver.records.fields import EXPORT_SQL, JSON_COLUMNS, LIST_FIELDS
from archiver.store.tables import CITATIONS, DOCUMENTS, SECTIONS

#: The derived fields (``DERIVED_FIELDS``): computed from other tables as JSON arrays, in SQL
#: over alias ``d``. Each ordered sub-select sorts in a temporary b-tree of its own, for every
#: record: a list of one section needs no sort, and a record that cites (or is cited by)
#: nothing is found by one index probe (`sqlite3 -csv` of 100,000 records 17% faster).
AGGREGATES = {
    "sections": f"""coalesce((SELECT CASE WHEN count(*) < 2 THEN json_group_array(section) END
        FROM {SECTIONS} s WHERE s.url = d.url), (SELECT json_group_array(section) FROM
        (SELECT section FROM {SECTIONS} s WHERE s.url = d.url ORDER BY s.rowid)))""",
    "cites": f"""CASE WHEN EXISTS (SELECT 1 FROM {CITATIONS} c WHERE c.news_url = d.url)
        THEN (SELECT json_group_array(brief_url) FROM
        (SELECT brief_url, min(position) AS p FROM {CITATIONS} c
         WHERE c.news_url = d.url GROUP BY brief_url ORDER BY p)) ELSE '[]' END""",
    "cited_by": f"""CASE WHEN EXISTS (SELECT 1 FROM {CITATIONS} c WHERE c.brief_url = d.url)
        THEN (SELECT json_group_array(news_url) FROM
        (SELECT DISTINCT news_url FROM {CITATIONS} c
         WHERE c.brief_url = d.url ORDER BY news_url)) ELSE '[]' END""",
}
ORDER = "d.kind DESC, d.published, d.url"


@dataclass
class Filters:
    """Which records a query or an export selects. Every condition is optional."""

    kind: str | None = None
    since: str | None = None  # YYYY-MM-DD, inclusive, on ``published``
    until: str | None = None  # YYYY-MM-DD, inclusive
    sections: tuple[str, ...] = ()  # listed under any of these
    departments: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # brief status
    withdrawn: Literal["include", "exclude", "only"] = "include"
    #: an extra SQL condition over ``d`` with its parameters (e.g. a full-text match)
    extra: tuple[str, tuple[Any, ...]] | None = None

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition (over alias ``d``) and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []

        def add(clause: str, *values: Any) -> None:
            clauses.append(clause)
            params.extend(values)

        def one_of(column: str, values: tuple[str, ...]) -> None:
            if values:
                add(f"{column} IN ({', '.join('?' * len(values))})", *values)

        if self.kind:
            add("d.kind = ?", self.kind)
        if self.since:
            add("substr(d.published, 1, 10) >= ?", self.since)
        if self.until:
            add("substr(d.published, 1, 10) <= ?", self.until)
        if self.sections:
            marks = ", ".join("?" * len(self.sections))
            add(
                f"EXISTS (SELECT 1 FROM {SECTIONS} s WHERE s.url = d.url "
                f"AND s.section IN ({marks}))",
                *self.sections,
            )
        one_of("d.department", self.departments)
        one_of("d.site", self.sites)
        one_of("d.status", self.statuses)
        if self.withdrawn == "exclude":
            add("d.withdrawn_at IS NULL")
        elif self.withdrawn == "only":
            add("d.withdrawn_at IS NOT NULL")
        if self.extra:
            add(f"({self.extra[0]})", *self.extra[1])
        return (" AND ".join(clauses) or "1"), params


def select_tuples(
    conn: sqlite3.Connection,
    filters: Filters,
    fields: Sequence[str],
    kind_fields: dict[str, set[str]],
    *,
    text_cell: Callable[[str], str] | None = None,
) -> Generator[tuple[Any, ...], None, None]:
    """Stream ``fields`` of every selected record as tuples, computed in SQL.

    A field not in ``kind_fields[kind]`` is NULL for that kind; a list field of the
    record's kind is JSON text, ``[]`` when empty. ``text_cell`` wraps the SQL of each
    other field (to neutralise, in SQL, what a spreadsheet would run). The fast path of
    a CSV export: no Python work per value.
    """
    where, params = filters.where()
    columns = []
    for name in fields:
        value = AGGREGATES.get(name) or EXPORT_SQL.get(name, f"d.{name}")
        if name in LIST_FIELDS:
            value = f"coalesce({value}, '[]')"
        elif text_cell is not None and name not in JSON_COLUMNS:
            value = text_cell(value)
        kinds = [kind for kind, names in kind_fields.items() if name in names]
        if len(kinds) < len(kind_fields):
            marks = ", ".join(f"'{kind}'" for kind in kinds) or "NULL"
            value = f"CASE WHEN d.kind IN ({marks}) THEN {value} END"
        columns.append(value)
    yield from conn.execute(
        f"SELECT {', '.join(columns)} FROM {DOCUMENTS} d WHERE {where} ORDER BY {ORDER}",
        params,
    )
