"""The plan of a query made of common characters: matched, counted and ranked from the table
of character counts (:mod:`archiver.store.char_counts`) without reading the records' text.

It applies to the records (not the attachments) when every term of the query, under ``NOT``
too, is one character of the counted list and a term not under ``NOT`` is in many records
(:data:`COUNTED_SHARE`): a search the index would answer by checking every record. The
counts give, for each record, whether its title holds each character and how often its body
does: the presence columns ``t{i}``, ``e{i}`` that :meth:`Compiler.matches` reads, and the
occurrences that the score needs. A record whose counts are not known (a stale row, or a
count past a byte) is counted in its text, as the other plans count.

The score's ties are ordered by the date kept beside the counts; only the records of the
page (and any tied with its last one) are looked up for their URL.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from archiver.search.compiler import (
    TITLE_WEIGHT,
    Compiler,
    Sql,
    body_score,
    contains,
    is_common,
    prefix_upper_bound,
)
from archiver.store import Filters
from archiver.store.char_counts import SATURATED, counted_value
from archiver.store.tables import CHAR_COUNTS, DOCUMENTS

#: The counts are read when a character not under NOT has dictionary entries for more than
#: this share of the records: reading every row of the narrow table (about a tenth of the
#: records' bytes) then costs less than checking the index's candidates in their text.
COUNTED_SHARE = 0.1
#: Rows read past the page in one go, so that the records tied with its last are among them.
_TIES = 200
#: Matches read first to find a score that a page of them reaches.
_FLOOR_SAMPLE = 1000

Ranked = list[tuple[int, float, str | None, str]]  # (rowid, score, published, url)


class CountedPlan:
    """A query over the counts (see the module's docstring); build with :func:`counted_plan`."""

    def __init__(self, compiled: Compiler, values: dict[str, tuple[str, int]]):
        self.compiled = compiled
        self.values = values  # needle -> (column, shift)

    def _value(self, needle: str) -> Sql:
        """SQL of ``2·n + t`` for ``needle`` in the row ``c``: from its byte, or counted in the
        record's text when the byte does not know it (NULL: stale; :data:`SATURATED`)."""
        column, shift = self.values[needle]
        stored = f"((c.{column} >> {shift}) & 255)"
        body, title = "coalesce(x.body, '')", "x.title"
        in_body, body_params = contains("x.body", needle)
        in_title, title_params = contains(title, needle)
        count = (f"(length(CAST({body} AS BLOB)) - length(CAST(replace({body}, ?, '') AS BLOB))) "
                 f"/ ?")  # fmt: skip
        counted = (f"(SELECT (CASE WHEN {in_body} THEN 2 * {count} ELSE 0 END) + {in_title} "
                   f"FROM {DOCUMENTS} x WHERE x.rowid = c.rowid)")  # fmt: skip
        return (
            f"(CASE WHEN {stored} < {SATURATED} THEN {stored} ELSE {counted} END)",
            [*body_params, needle, len(needle.encode()), *title_params],
        )

    def rows(self, filters: Filters) -> Sql:
        """SELECT of each record's ``hit_id``, ``published`` and ``t{i}``, ``e{i}``, ``n{i}``
        (occurrences in the body) for needle number ``i``."""
        values = [(i, self._value(needle)) for needle, i in self.compiled.number.items()]
        where, where_params = filters.where()
        join = "" if where == "1" else f"JOIN {DOCUMENTS} d ON d.rowid = c.rowid"
        inner = ("SELECT c.rowid AS hit_id, c.published AS published, "
                 + ", ".join(f"{sql} AS v{i}" for i, (sql, _) in values)
                 + f" FROM {CHAR_COUNTS} c {join} WHERE {where} LIMIT -1")  # fmt: skip
        columns = []
        for needle, i in self.compiled.number.items():
            in_body = f"(v{i} >> 1 > 0)"
            present = in_body if needle in self.compiled.body_term else f"(v{i} & 1 OR {in_body})"
            columns.append(f"v{i} & 1 AS t{i}, {present} AS e{i}, v{i} >> 1 AS n{i}")
        params = [p for _, (_, ps) in values for p in ps]
        return f"SELECT hit_id, published, {', '.join(columns)} FROM ({inner})", [
            *params, *where_params]  # fmt: skip

    def score(self) -> str:
        """The score over the columns of :meth:`rows`: the same expression as the other plans'
        (:meth:`Compiler.score`), term by term in the same order."""
        pieces = ["0.0"]
        for term in self.compiled.positive:
            i = self.compiled.number[term.needle]
            if term.field != "body":
                pieces.append(f"{TITLE_WEIGHT} * t{i}")
            if term.field != "title":
                pieces.append(body_score(f"e{i}", f"n{i}"))
        return " + ".join(pieces)

    def count(self, db: Database, filters: Filters) -> int:
        """How many records match."""
        rows, params = self.rows(filters)
        sql = f"SELECT count(*) FROM ({rows}) WHERE {self.compiled.matches()}"
        return int(db.execute(sql, params).fetchone()[0])

    def ranked(self, db: Database, filters: Filters, limit: int | None) -> Ranked:
        """The best ``limit`` matches (every match for None), best first, as
        :func:`~archiver.search.engine._ranked` gives them."""
        rows, params = self.rows(filters)
        matched = (f"SELECT hit_id, {self.score()} AS score, published FROM ({rows}) "
                   f"WHERE {self.compiled.matches()}")  # fmt: skip
        order = "ORDER BY score DESC, published DESC"
        if limit is None:
            return _best(db, db.execute(matched, params).fetchall(), None)
        if limit <= 0:
            return []
        floor = self._floor(db, matched, params, limit)
        if floor is not None:  # a row whose score cannot reach it is neither scored nor sorted
            matched += f" AND {self.compiled.bound(upper=True)} >= ? AND {self.score()} >= ?"
            params = [*params, floor - 1e-9, floor]
        found = db.execute(f"{matched} {order} LIMIT ?", [*params, limit + _TIES]).fetchall()
        if len(found) <= limit:
            return _best(db, found, limit)
        last = _key(found[limit - 1])  # the page's last place: ties with it are ordered by URL
        if _key(found[-1]) == last:  # more records than were read share it: read them all
            tied = db.execute(
                f"SELECT * FROM ({matched}) WHERE score = ? AND published IS ?",
                [*params, *found[limit - 1][1:]],
            ).fetchall()
            return _best(db, [r for r in found if _key(r) > last] + tied, limit)
        return _best(db, [r for r in found if _key(r) >= last], limit)

    @staticmethod
    def _floor(db: Database, matched: str, params: list[Any], limit: int) -> float | None:
        """A score that ``limit`` matches reach: the ``limit``-th best among the first ones
        (:data:`_FLOOR_SAMPLE`), or None when fewer match."""
        sql = (f"SELECT count(*), min(score) FROM (SELECT score FROM ({matched} LIMIT ?) "
               f"ORDER BY score DESC LIMIT ?)")  # fmt: skip
        found, least = db.execute(sql, [*params, _FLOOR_SAMPLE, limit]).fetchone()
        return float(least) if found >= limit else None


def _key(row: tuple[Any, ...]) -> tuple[float, bool, str]:
    """The order of ``ORDER BY score DESC, published DESC`` as an ascending key's opposite."""
    return float(row[1]), row[2] is not None, row[2] or ""


def _best(db: Database, rows: list[tuple[Any, ...]], limit: int | None) -> Ranked:
    """``rows`` of (rowid, score, published) with their URLs, best first (ties: the newer, then
    the URL), cut to ``limit``."""
    urls: dict[int, str] = {}
    ids = [rowid for rowid, _, _ in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        sql = f"SELECT rowid, url FROM {DOCUMENTS} WHERE rowid IN ({', '.join('?' * len(chunk))})"
        urls.update(db.execute(sql, chunk).fetchall())
    ranked = [(rowid, float(score), published, urls[rowid])
              for rowid, score, published in rows if rowid in urls]  # fmt: skip
    ranked.sort(key=lambda r: r[3])
    ranked.sort(key=lambda r: (r[1], r[2] or ""), reverse=True)
    return ranked if limit is None else ranked[:limit]


def counted_plan(db: Database, compiled: Compiler) -> CountedPlan | None:
    """The plan over the counts for ``compiled`` (a query over the records), or None when it
    does not apply: a term that is not one counted character, no common one, or an archive
    without the counts (opened as it is, read-only, before migration m008)."""
    values: dict[str, tuple[str, int]] = {}
    for needle in compiled.number:
        value = counted_value(needle) if len(needle) == 1 else None
        if value is None:
            return None
        values[needle] = value
    if not any(_common(db, compiled, term.needle) for term in compiled.positive):
        return None
    if not db[CHAR_COUNTS].exists():
        return None
    return CountedPlan(compiled, values)


def _common(db: Database, compiled: Compiler, needle: str) -> bool:
    upper = prefix_upper_bound(needle)
    bound, params = ("term >= ?", [needle]) if upper is None else (
        "term >= ? AND term < ?", [needle, upper])  # fmt: skip
    return is_common(db, compiled.source, bound, params, COUNTED_SHARE)
