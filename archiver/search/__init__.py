"""Full-text search over the titles and bodies of the archive, exact for Chinese text.

SQLite's word tokenizers do not segment Chinese, so the index works on characters:

* ``documents_search`` is a contentless FTS5 table with the ``trigram`` tokenizer over
  ``lower(title)`` and ``lower(body)``, each padded with two ``U+001F`` so that every character
  of the text starts a trigram. ``detail=none`` keeps it about the size of the text itself.
* A term of three or more characters selects the rows holding all of its trigrams.
* A term of one or two characters selects the rows holding a trigram that *starts with* it: a
  range scan of the index's dictionary through the ``fts5vocab`` table ``documents_search_terms``
  (the padding makes this exact, even at the end of a title).
* Every candidate is then checked against the real text with ``instr``, so a search returns
  exactly what a substring scan returns. Matching ignores the case of ASCII letters only (the
  rule of SQLite's ``lower()``); a term never spans the title and the body.

Triggers on ``documents`` keep the index in step with inserts, updates and deletes. The user's
query is parsed into an AST (:func:`parse_query`) and compiled to SQL here: user text is only
ever a bound parameter, never FTS5 query syntax.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archiver.search.query import (
    And,
    Node,
    Not,
    Or,
    Query,
    QueryError,
    Term,
    ascii_lower,
    parse_query,
)
from archiver.store import Filters
from archiver.store.schema import DOCUMENTS

__all__ = [
    "And", "Filters", "Hit", "Node", "Not", "Or", "Query", "QueryError", "Snippet", "Term",
    "ascii_lower", "create_search_index", "make_snippet", "parse_query",
    "rebuild_search_index", "search",
]  # fmt: skip

INDEX = "documents_search"
TERMS = "documents_search_terms"

#: Marks around each match in a rendered snippet. Not 【】: those are common in Chinese titles.
HIGHLIGHT_OPEN, HIGHLIGHT_CLOSE = "⟦", "⟧"

SNIPPET_CHARS = 80  # characters of body text in a snippet
_SNIPPET_LEAD = 20  # characters shown before the first match
_TITLE_WEIGHT = 3.0  # a title hit outranks any number of body hits of the same term
_K1 = 1.2  # BM25's term-frequency saturation

# The text the index holds for a column: ASCII-lowered (SQLite's lower()) and padded.
_INDEXED = "lower(coalesce({row}.{col}, '')) || char(31, 31)"


def _indexed(row: str) -> str:
    return ", ".join(_INDEXED.format(row=row, col=col) for col in ("title", "body"))


_TRIGGERS = (
    f"""CREATE TRIGGER {INDEX}_insert AFTER INSERT ON {DOCUMENTS} BEGIN
      INSERT INTO {INDEX}(rowid, title, body) VALUES (new.rowid, {_indexed("new")});
    END""",
    # A contentless table forgets a row only when told the exact values it indexed. (INSERT OR
    # REPLACE deletes without firing this unless recursive_triggers is on; the stale entries
    # left behind only add candidates, which the check against the text then drops.)
    f"""CREATE TRIGGER {INDEX}_delete AFTER DELETE ON {DOCUMENTS} BEGIN
      INSERT INTO {INDEX}({INDEX}, rowid, title, body)
        VALUES ('delete', old.rowid, {_indexed("old")});
    END""",
    # The store upserts every column on every save: re-index only when the text changed.
    f"""CREATE TRIGGER {INDEX}_update AFTER UPDATE ON {DOCUMENTS}
    WHEN old.rowid IS NOT new.rowid OR old.title IS NOT new.title OR old.body IS NOT new.body
    BEGIN
      INSERT INTO {INDEX}({INDEX}, rowid, title, body)
        VALUES ('delete', old.rowid, {_indexed("old")});
      INSERT INTO {INDEX}(rowid, title, body) VALUES (new.rowid, {_indexed("new")});
    END""",
)


def create_search_index(db: Database) -> None:
    """Create the index, its dictionary view and its triggers, and fill it from the records."""
    db.execute(
        f"CREATE VIRTUAL TABLE {INDEX} USING fts5(title, body, content='', "
        "tokenize='trigram case_sensitive 1', detail=none)"
    )
    db.execute(f"CREATE VIRTUAL TABLE {TERMS} USING fts5vocab({INDEX}, 'instance')")
    for trigger in _TRIGGERS:
        db.execute(trigger)
    rebuild_search_index(db)


def rebuild_search_index(db: Database) -> None:
    """Index every record afresh (after a bulk load with the triggers bypassed, say)."""
    db.execute(f"INSERT INTO {INDEX}({INDEX}) VALUES ('delete-all')")
    db.execute(
        f"INSERT INTO {INDEX}(rowid, title, body) SELECT rowid, {_indexed('d')} FROM {DOCUMENTS} d"
    )
    db.execute(f"INSERT INTO {INDEX}({INDEX}) VALUES ('optimize')")


# -- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snippet:
    """A piece of text cut into runs, each either a match (``True``) or not."""

    parts: tuple[tuple[str, bool], ...]

    def render(self, open_mark: str = HIGHLIGHT_OPEN, close_mark: str = HIGHLIGHT_CLOSE) -> str:
        """The text with every match between ``open_mark`` and ``close_mark``."""
        return "".join(f"{open_mark}{s}{close_mark}" if hit else s for s, hit in self.parts)

    def __str__(self) -> str:
        return self.render()


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


# -- snippets ------------------------------------------------------------------------------

_FLATTEN = str.maketrans("\n\r\t\v\f", "     ")  # one line, same length


def make_snippet(text: str, needles: list[str], width: int | None = SNIPPET_CHARS) -> Snippet:
    """``width`` characters of ``text`` around its first match, the matches marked.

    Without a match it is the start of the text; ``width=None`` keeps the whole text.
    """
    flat = text.translate(_FLATTEN)
    folded = ascii_lower(flat)  # same length as ``flat``: ASCII letters only change case
    spans = _merge((i, i + len(n)) for n in set(needles) if n for i in _find_all(folded, n))
    start = 0
    if width is not None and spans:
        start = max(0, min(spans[0][0] - _SNIPPET_LEAD, len(flat) - width))
    end = len(flat) if width is None else min(len(flat), start + width)
    for s, e in spans:  # never cut a match in two
        if s < end < e:
            end = e
    parts: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
    at = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if s > at:
            parts.append((flat[at:s], False))
        parts.append((flat[s:e], True))
        at = e
    if at < end:
        parts.append((flat[at:end], False))
    if end < len(flat):
        parts.append(("…", False))
    return Snippet(tuple(parts))


def _find_all(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
