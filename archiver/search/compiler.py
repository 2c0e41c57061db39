"""A parsed query compiled to SQL over one source's rows: which rows the index offers, whether
each holds each needle, how often its body does, and bounds on its score.

The work of a search is split so that the text is read as little as a query allows:

* candidates: the rowids the index says may match (:meth:`Compiler.candidates`). A term of one
  or two characters found in many records gives none: reading its entries in the index's
  dictionary (one per occurrence) costs more than checking every record (:func:`is_common`);
* presence: whether the title, the body holds each needle, with ``LIKE``, which stops at the
  first occurrence, once a row (:meth:`Compiler.presence`). The query's exact meaning is
  decided on these alone (:meth:`Compiler.matches`), and so are bounds of a row's score
  (:meth:`Compiler.bound`);
* occurrences: the body's count of each ranked needle (:meth:`Compiler.score`), read only in
  the rows whose score can still reach the page asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archiver.search.query import And, Node, Not, Query, Term

TITLE_WEIGHT = 3.0  # a title hit outranks any number of body hits of the same term
K1 = 1.2  # BM25's term-frequency saturation
#: ``(K1 + 1)·n/(n + K1)`` is 1 for one occurrence and stays below ``K1 + 1`` for any number.
_ONE_HIT, _MANY_HITS = 1.0, K1 + 1

#: A short term is common, and read by checking every record rather than through the index,
#: when its dictionary entries (one per occurrence) number more than this share of the
#: records: past it, reading them costs more than a ``LIKE`` over every title and body.
COMMON_SHARE = 0.25
_MIN_PROBE = 1000

Sql = tuple[str, list[Any]]


@dataclass(frozen=True)
class Source:
    """What one index searches: its rows in SQL (alias ``d`` is always the page, whose columns
    the filters name), its title and body text, and the hit's columns."""

    kind: str | None  # the kind of its hits; None: the records' own
    rows: str  # FROM …
    rowid: str
    title: str  # SQL of the text a ``title:`` term is looked for in
    body: str
    index: str
    terms: str
    hit_columns: str  # rowid, url, kind, title, published, department, source, body, page, …
    table: str  # the table holding the title and body, alone, with their alias (FROM …)
    url: str  # SQL of the hit's URL


def column(sql: str, needle: str) -> str:
    """The text of ``sql`` as a needle is looked for in it."""
    # lower() copies the text; a needle without ASCII letters matches the same without it.
    text = f"coalesce({sql}, '')"
    return f"lower({text})" if any("a" <= c <= "z" for c in needle) else text


#: Longer needles (and any with a NUL, which ``LIKE`` would stop at) are looked for with
#: ``instr``: SQLite refuses a ``LIKE`` pattern of more than 50,000 bytes.
_LIKE_MAX = 10_000


def contains(sql: str, needle: str) -> Sql:
    """Whether the text of ``sql`` holds ``needle`` (ASCII letters lower-cased): the plain
    scan's own ``LIKE '%needle%'``, which folds ASCII letters as the needle is folded and
    finds a character of several bytes in the text much faster than ``instr`` does (``instr``
    counts characters as it goes)."""
    if "\0" in needle or len(needle.encode()) > _LIKE_MAX:
        return f"(instr({column(sql, needle)}, ?) > 0)", [needle]
    pattern = "%" + re.sub(r"([%_\\])", r"\\\1", needle) + "%"
    return f"(coalesce({sql}, '') LIKE ? ESCAPE '\\')", [pattern]


class Compiler:
    """Turns a query's AST into SQL over one source's rows and its index (user text is only
    ever a bound parameter).

    :meth:`presence` selects, for needle number ``i``, ``t{i}`` (the title holds it) and
    ``e{i}`` (the body does); :meth:`matches`, :meth:`bound` and :meth:`score` are written
    over those columns, so that each ``LIKE`` runs once a row. :meth:`exact` is the same
    meaning over the row itself, for a count (SQLite stops at the first term that decides).
    """

    def __init__(self, query: Query, source: Source, db: Database | None = None):
        self.query = query
        self.source = source
        self.db = db
        terms = all_terms(query.root)
        self.positive = list(dict.fromkeys(query.positive_terms()))  # a repeat counts once
        self.number = {needle: i for i, needle in enumerate(dict.fromkeys(t.needle for t in terms))}
        self.in_title = {t.needle for t in terms if t.field != "body"}
        self.in_body = {t.needle for t in terms if t.field != "title"}
        self.body_term = {t.needle for t in terms if t.field == "body"}
        self.counted = [t.needle for t in self.positive if t.field != "title"]

    def title_hit(self, needle: str) -> Sql:
        """Whether the title holds ``needle``."""
        return contains(self.source.title, needle)

    def body_hit(self, needle: str) -> Sql:
        """Whether the body holds ``needle`` (stops at the first occurrence)."""
        return contains(self.source.body, needle)

    def presence(self) -> Sql:
        """The select list of the ``t{i}`` and ``e{i}`` columns.

        A needle that no ``body:`` term names is only ever looked for in the title or the
        body: its ``e{i}`` is 1 as soon as the title holds it, and the body is not read for it
        (:meth:`bound` and :meth:`score` allow for that)."""
        parts: list[Sql] = []
        for needle, i in self.number.items():
            if needle in self.in_title:
                sql, params = self.title_hit(needle)
                parts.append((f"{sql} AS t{i}", params))
            if needle in self.in_body:
                sql, params = self.body_hit(needle)
                if needle not in self.body_term:
                    title, title_params = self.title_hit(needle)
                    sql, params = f"(CASE WHEN {title} THEN 1 ELSE {sql} END)", [
                        *title_params, *params]  # fmt: skip
                parts.append((f"{sql} AS e{i}", params))
        return ", ".join(sql for sql, _ in parts), [p for _, ps in parts for p in ps]

    def exact(self, node: Node | None = None) -> Sql:
        """The query's meaning over the row: what a substring scan would say."""
        node = self.query.root if node is None else node
        if isinstance(node, Term):
            if node.field == "title":
                return self.title_hit(node.needle)
            if node.field == "body":
                return self.body_hit(node.needle)
            return _joined(" OR ", [self.title_hit(node.needle), self.body_hit(node.needle)])
        if isinstance(node, Not):
            sql, params = self.exact(node.child)
            return f"(NOT {sql})", params
        joiner = " AND " if isinstance(node, And) else " OR "
        return _joined(joiner, [self.exact(child) for child in node.children])

    def matches(self, node: Node | None = None) -> str:
        """:meth:`exact` over the presence columns."""
        node = self.query.root if node is None else node
        if isinstance(node, Term):
            i = self.number[node.needle]
            return {"any": f"(t{i} OR e{i})", "title": f"t{i}", "body": f"e{i}"}[node.field]
        if isinstance(node, Not):
            return f"NOT {self.matches(node.child)}"
        joiner = " AND " if isinstance(node, And) else " OR "
        return f"({joiner.join(self.matches(child) for child in node.children)})"

    def bound(self, *, upper: bool) -> str:
        """A lower or an upper bound of the score over the presence columns: a body that
        holds a needle adds at least 1 and less than ``K1 + 1``."""
        pieces = ["0.0"]
        for term in self.positive:
            i = self.number[term.needle]
            if term.field != "body":
                pieces.append(f"{TITLE_WEIGHT} * t{i}")
            if term.field != "title" and upper:
                pieces.append(f"{_MANY_HITS} * e{i}")
            elif term.field == "body":  # (half of the least: no rounding overstates a score)
                pieces.append(f"{_ONE_HIT / 2} * e{i}")
            elif term.field == "any":  # e{i} may be 1 for the title alone (presence)
                pieces.append(f"{_ONE_HIT / 2} * e{i} * (1 - t{i})")
        return " + ".join(pieces)

    def score(self, row_id: str, floor: float | None = None) -> Sql:
        """The ranking score described in :func:`~archiver.search.engine.search`, over the
        presence columns and the row whose rowid is the column ``row_id``.

        A body's occurrences are counted (one lookup of the row) only where it holds the
        needle and, given a ``floor``, only in a row whose score's upper bound reaches it;
        elsewhere the body adds 0: such a row cannot reach the page asked for.
        """
        pieces: list[Sql] = [("0.0", [])]
        reach: Sql = ("", [])
        if floor is not None:
            reach = f"{self.bound(upper=True)} >= ? AND ", [floor - 1e-9]
        for term in self.positive:
            i = self.number[term.needle]
            if term.field != "body":
                pieces.append((f"{TITLE_WEIGHT} * t{i}", []))
            if term.field != "title":
                text = column(self.source.body, term.needle)
                # occurrences n = bytes that replace() removes / bytes of the needle; the
                # score (K1 + 1)·n/(n + K1) written with n once: K1 + 1 - (K1 + 1)·K1/(n + K1)
                count = (f"(SELECT (length(CAST({text} AS BLOB)) - length(CAST(replace({text}, "
                         f"?, '') AS BLOB))) / ? FROM {self.source.table} "
                         f"WHERE {self.source.rowid} = {row_id})")  # fmt: skip
                pieces.append((body_score(f"{reach[0]}e{i}", count),
                               [*reach[1], term.needle, len(term.needle.encode())]))  # fmt: skip
        return " + ".join(sql for sql, _ in pieces), [p for _, ps in pieces for p in ps]

    def candidates(self, node: Node) -> Sql | None:
        """Rowids the index says may match: a superset of the matches, or None for all rows."""
        if isinstance(node, Term):
            return self.term_candidates(node.needle)
        if isinstance(node, Not):
            return None  # the exact match does the subtracting
        if isinstance(node, And):
            parts = [c for c in map(self.candidates, node.children) if c is not None]
            operator = "INTERSECT"
        else:
            maybe = [self.candidates(child) for child in node.children]
            if any(c is None for c in maybe):
                return None
            parts = [c for c in maybe if c is not None]
            operator = "UNION"
        if not parts:
            return None
        sql = f" {operator} ".join(f"SELECT * FROM ({s})" for s, _ in parts)
        return sql, [p for _, ps in parts for p in ps]

    def term_candidates(self, needle: str) -> Sql | None:
        """The rowids the index offers for one needle; None when checking every row is
        cheaper (a short needle in many records)."""
        index, terms = self.source.index, self.source.terms
        if len(needle) >= 3:
            trigrams = dict.fromkeys(needle[i : i + 3] for i in range(len(needle) - 2))
            # Each trigram is one quoted FTS5 string that this code builds: never user syntax.
            match = " AND ".join('"{}"'.format(t.replace('"', '""')) for t in trigrams)
            return f"SELECT rowid FROM {index} WHERE {index} MATCH ?", [match]
        upper = prefix_upper_bound(needle)
        bound, params = ("term >= ?", [needle]) if upper is None else (
            "term >= ? AND term < ?", [needle, upper])  # fmt: skip
        if self.db is not None and is_common(self.db, self.source, bound, params):
            return None
        return f"SELECT doc FROM {terms} WHERE {bound}", params


def body_score(present: str, count: str) -> str:
    """SQL of a term's score from the body: ``(K1 + 1)·n/(n + K1)`` for the ``count`` of
    occurrences ``n`` where ``present`` holds, else 0. Written with ``n`` once, as
    ``K1 + 1 - (K1 + 1)·K1/(n + K1)``; every plan uses this one expression, so that their
    scores are the same floating-point numbers."""
    return f"(CASE WHEN {present} THEN {K1 + 1} - {(K1 + 1) * K1} / ({count} + {K1}) ELSE 0.0 END)"


def _joined(joiner: str, parts: list[Sql]) -> Sql:
    return f"({joiner.join(sql for sql, _ in parts)})", [p for _, ps in parts for p in ps]


def is_common(
    db: Database, source: Source, bound: str, params: list[Any], share: float = COMMON_SHARE
) -> bool:
    """Whether the dictionary entries ``bound`` selects number more than ``share`` of the
    source's rows (counted no further than that)."""
    rows = db.execute(f"SELECT max(rowid) FROM {source.table}").fetchone()[0] or 0
    probe = max(_MIN_PROBE, int(rows * share))
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {source.terms} WHERE {bound} LIMIT ?)"
    return bool(db.execute(sql, [*params, probe]).fetchone()[0] >= probe)


def all_terms(node: Node) -> list[Term]:
    """Every term of the tree, under NOT too, in query order."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return all_terms(node.child)
    return [t for child in node.children for t in all_terms(child)]


def prefix_upper_bound(prefix: str) -> str | None:
    """The least string above every string starting with ``prefix`` (code point order)."""
    last = ord(prefix[-1]) + 1
    if last == 0xD800:
        last = 0xE000  # surrogates cannot be stored as UTF-8
    if last > 0x10FFFF:
        return None
    return prefix[:-1] + chr(last)
