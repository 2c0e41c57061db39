"""Searching the index: a parsed query compiled to SQL, candidates from the index, each checked
against the text, ranked; see :mod:`archiver.search` for how the index works.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archiver.search.query import And, Node, Not, Query, Term, parse_query
from archiver.search.snippets import Snippet, make_snippet
from archiver.store import Filters
from archiver.store.tables import DOCUMENTS, INDEX, TERMS

_TITLE_WEIGHT = 3.0  # a title hit outranks any number of body hits of the same term
_K1 = 1.2  # BM25's term-frequency saturation


@dataclass(frozen=True)
class Hit:
    """One record found, best first. ``score`` is described in :func:`search`."""

    url: str
    kind: str
    title: str | None
    published: str | None
    department: str | None
    source: str | None
    score: float
    title_highlight: Snippet
    snippet: Snippet

    def as_dict(self) -> dict[str, Any]:
        """The fields of the JSON and CSV output; ``snippet`` marked with ⟦ ⟧."""
        return {
            "url": self.url,
            "kind": self.kind,
            "title": self.title,
            "published": self.published,
            "department": self.department,
            "source": self.source,
            "score": round(self.score, 4),
            "snippet": self.snippet.render(),
        }


# -- searching -----------------------------------------------------------------------------


def search(
    db: Database,
    query: Query | str,
    filters: Filters | None = None,
    *,
    limit: int | None = 20,
    use_index: bool = True,
) -> list[Hit]:
    """The records matching ``query`` (a :class:`Query` or its text), best first.

    ``score`` sums, over the terms not under ``NOT``, 3 for a term in the title plus
    ``2.2·n/(n + 1.2)`` for ``n`` occurrences in the body (BM25's saturation: the tenth
    occurrence adds little). For a one-term query that puts title hits first, then records by
    how often the body has the term; ties go to the newer record, then to the URL.

    ``use_index=False`` runs the same predicate and ranking as a plain scan: the reference
    that tests and benchmarks compare with. Raises :class:`QueryError` for a bad query text.
    """
    if isinstance(query, str):
        query = parse_query(query)
    compiled = _Compiler(query)
    features, feature_params = compiled.features()
    candidates = compiled.candidates(query.root) if use_index else None
    cand_sql, cand_params = (
        (f"d.rowid IN ({candidates[0]})", candidates[1]) if candidates else ("1", [])
    )
    where, where_params = (filters or Filters()).where()
    # Each candidate's text is read once, into per-needle columns (title hit, body count) that
    # both the exact match and the score use; MATERIALIZED stops SQLite from inlining them
    # twice.
    sql = f"""
        WITH hits AS MATERIALIZED (
          SELECT d.rowid AS id, d.published AS published, d.url AS url, {features}
          FROM {DOCUMENTS} d WHERE {cand_sql} AND {where}
        )
        SELECT id, {compiled.score()} AS score FROM hits WHERE {compiled.exact(query.root)}
        ORDER BY score DESC, published DESC, url
        {"LIMIT ?" if limit is not None else ""}
    """
    params = [*feature_params, *cand_params, *where_params]
    if limit is not None:
        params.append(limit)
    ranked = [(rowid, float(score)) for rowid, score in db.execute(sql, params)]
    return _hits(db, ranked, query.positive_terms())


def _hits(db: Database, ranked: list[tuple[int, float]], terms: list[Term]) -> list[Hit]:
    # Only the page of results is read whole: ranking needs no more than the score.
    columns = "rowid, url, kind, title, published, department, source, body"
    rows: dict[int, tuple[Any, ...]] = {}
    ids = [rowid for rowid, _ in ranked]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in db.execute(f"SELECT {columns} FROM {DOCUMENTS} WHERE rowid IN ({marks})", chunk):
            rows[row[0]] = row
    title_needles = [t.needle for t in terms if t.field != "body"]
    body_needles = [t.needle for t in terms if t.field != "title"]
    hits = []
    for rowid, score in ranked:
        if rowid not in rows:  # deleted since it was ranked, by another connection
            continue
        _, url, kind, title, published, department, source, body = rows[rowid]
        hits.append(
            Hit(
                url=url,
                kind=kind,
                title=title,
                published=published,
                department=department,
                source=source,
                score=score,
                title_highlight=make_snippet(title or "", title_needles, width=None),
                snippet=make_snippet(body or "", body_needles),
            )
        )
    return hits


# -- compiling a query to SQL --------------------------------------------------------------

Sql = tuple[str, list[Any]]


def _column(name: str, needle: str) -> str:
    # lower() copies the text; a needle without ASCII letters matches the same without it.
    column = f"coalesce(d.{name}, '')"
    return f"lower({column})" if any("a" <= c <= "z" for c in needle) else column


class _Compiler:
    """Turns a query's AST into SQL over ``documents d``, the index and per-needle columns.

    For needle number ``i`` the column ``t{i}`` says whether the title holds it and ``b{i}``
    how often the body does (only whether, for a needle that counts for nothing in the score).
    """

    def __init__(self, query: Query):
        terms = _all_terms(query.root)
        self.positive = list(dict.fromkeys(query.positive_terms()))  # a repeat counts once
        self.number = {needle: i for i, needle in enumerate(dict.fromkeys(t.needle for t in terms))}
        self.in_title = {t.needle for t in terms if t.field != "body"}
        self.in_body = {t.needle for t in terms if t.field != "title"}
        self.counted = {t.needle for t in self.positive if t.field != "title"}

    def features(self) -> Sql:
        """The select list of the per-needle columns, and its parameters."""
        columns: list[str] = []
        params: list[Any] = []
        for needle, i in self.number.items():
            if needle in self.in_title:
                columns.append(f"instr({_column('title', needle)}, ?) > 0 AS t{i}")
                params.append(needle)
            body = _column("body", needle)
            if needle in self.counted:
                # occurrences = bytes that replace() removes / bytes of the needle
                columns.append(
                    f"(length(CAST({body} AS BLOB)) - "
                    f"length(CAST(replace({body}, ?, '') AS BLOB))) / ? AS b{i}"
                )
                params += [needle, len(needle.encode())]
            elif needle in self.in_body:
                columns.append(f"instr({body}, ?) > 0 AS b{i}")
                params.append(needle)
        return ", ".join(columns), params

    def exact(self, node: Node) -> str:
        """The query's meaning over the columns: what a substring scan would say."""
        if isinstance(node, Term):
            i = self.number[node.needle]
            return {"any": f"(t{i} OR b{i})", "title": f"t{i}", "body": f"b{i}"}[node.field]
        if isinstance(node, Not):
            return f"NOT {self.exact(node.child)}"
        joiner = " AND " if isinstance(node, And) else " OR "
        return f"({joiner.join(self.exact(child) for child in node.children)})"

    def score(self) -> str:
        """The ranking score described in :func:`search`."""
        pieces = ["0.0"]
        for term in self.positive:
            i = self.number[term.needle]
            if term.field != "body":
                pieces.append(f"{_TITLE_WEIGHT} * t{i}")
            if term.field != "title":
                pieces.append(f"b{i} * {_K1 + 1} / (b{i} + {_K1})")
        return " + ".join(pieces)

    def candidates(self, node: Node) -> Sql | None:
        """Rowids the index says may match: a superset of the matches, or None for all rows."""
        if isinstance(node, Term):
            return _term_candidates(node.needle)
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


def _all_terms(node: Node) -> list[Term]:
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return _all_terms(node.child)
    return [t for child in node.children for t in _all_terms(child)]


def _term_candidates(needle: str) -> Sql:
    if len(needle) >= 3:
        trigrams = dict.fromkeys(needle[i : i + 3] for i in range(len(needle) - 2))
        # Each trigram is one quoted FTS5 string that this code builds: never user syntax.
        match = " AND ".join('"{}"'.format(t.replace('"', '""')) for t in trigrams)
        return f"SELECT rowid FROM {INDEX} WHERE {INDEX} MATCH ?", [match]
    upper = _prefix_upper_bound(needle)
    if upper is None:
        return f"SELECT doc FROM {TERMS} WHERE term >= ?", [needle]
    return f"SELECT doc FROM {TERMS} WHERE term >= ? AND term < ?", [needle, upper]


def _prefix_upper_bound(prefix: str) -> str | None:
    """The least string above every string starting with ``prefix`` (code point order)."""
    last = ord(prefix[-1]) + 1
    if last == 0xD800:
        last = 0xE000  # surrogates cannot be stored as UTF-8
    if last > 0x10FFFF:
        return None
    return prefix[:-1] + chr(last)
