"""Searching the index: a parsed query compiled to SQL, candidates from the index, each checked
against the text, ranked; see :mod:`archiver.search` for how the index works.

Two sources are searched the same way, each through its own index: the records (title and
body of ``documents``) and the texts of attached documents (``attachment_texts``: the
document's title with the file's name, and its text). An attachment's hit names the file and
the page it belongs to; the filters apply to that page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlite_utils import Database

from archiver.search.query import And, Node, Not, Query, Term, parse_query
from archiver.search.snippets import Snippet, make_snippet
from archiver.store import Filters
from archiver.store.attachment_index import BODY_SQL, TITLE_SQL
from archiver.store.tables import (
    ATTACHMENT_INDEX,
    ATTACHMENT_TERMS,
    ATTACHMENT_TEXTS,
    DOCUMENTS,
    FILES,
    INDEX,
    TERMS,
)

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
    #: for an attachment (``kind`` ``attachment``, ``url`` the file's): the page that links it
    attached_to: str | None = None
    attached_to_title: str | None = None

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
            "attached_to": self.attached_to,
            "attached_to_title": self.attached_to_title,
        }


@dataclass(frozen=True)
class _Source:
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


_RECORDS = _Source(
    None, f"{DOCUMENTS} d", "d.rowid", "d.title", "d.body", INDEX, TERMS,
    "d.rowid, d.url, d.kind, d.title, d.published, d.department, d.source, d.body, NULL, NULL",
)  # fmt: skip
_ATTACHMENTS = _Source(
    "attachment",
    f"{ATTACHMENT_TEXTS} t JOIN {FILES} f ON f.url = t.url "
    f"LEFT JOIN {DOCUMENTS} d ON d.url = f.news_url",
    "t.rowid", f"({TITLE_SQL.format(row='t')})", BODY_SQL.format(row="t"),
    ATTACHMENT_INDEX, ATTACHMENT_TERMS,
    "t.rowid, t.url, 'attachment', coalesce(t.title, t.file_name), d.published, d.department, "
    "d.source, t.text, f.news_url, d.title",
)  # fmt: skip


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
    filters = filters or Filters()
    ranked: list[tuple[float, str, str, _Source, int]] = []
    for source, source_filters in _sources(filters):
        for rowid, score, published, url in _ranked(
            db, query, source, source_filters, limit, use_index
        ):
            ranked.append((score, published or "", url, source, rowid))
    # best first, then the newest, then by URL: the order of each source's own query
    ranked.sort(key=lambda r: r[2])
    ranked.sort(key=lambda r: (r[0], r[1]), reverse=True)
    if limit is not None:
        ranked = ranked[:limit]
    return _hits(db, ranked, query.positive_terms())


def _sources(filters: Filters) -> list[tuple[_Source, Filters]]:
    """The sources a search reads: records of the kind asked for, attachments unless another
    kind is asked for (their filters are their page's, whatever its kind)."""
    if filters.kind == "attachment":
        return [(_ATTACHMENTS, _page_filters(filters))]
    if filters.kind:
        return [(_RECORDS, filters)]
    return [(_RECORDS, filters), (_ATTACHMENTS, _page_filters(filters))]


def _page_filters(filters: Filters) -> Filters:
    return replace(filters, kind=None)


def _ranked(
    db: Database,
    query: Query,
    source: _Source,
    filters: Filters,
    limit: int | None,
    use_index: bool,
) -> list[tuple[int, float, str | None, str]]:
    """``(rowid, score, published, url)`` of the best matches in one source."""
    compiled = _Compiler(query, source)
    features, feature_params = compiled.features()
    candidates = compiled.candidates(query.root) if use_index else None
    cand_sql, cand_params = (
        (f"{source.rowid} IN ({candidates[0]})", candidates[1]) if candidates else ("1", [])
    )
    where, where_params = filters.where()
    if source is _ATTACHMENTS and where != "1":
        where = f"d.url IS NOT NULL AND {where}"  # a filter needs the page archived
    # Each candidate's text is read once, into per-needle columns (title hit, body count) that
    # both the exact match and the score use; MATERIALIZED stops SQLite from inlining them
    # twice.
    sql = f"""
        WITH hits AS MATERIALIZED (
          SELECT {source.rowid} AS id, d.published AS published,
            {"t.url" if source is _ATTACHMENTS else "d.url"} AS url, {features}
          FROM {source.rows} WHERE {cand_sql} AND {where}
        )
        SELECT id, {compiled.score()} AS score, published, url FROM hits
        WHERE {compiled.exact(query.root)}
        ORDER BY score DESC, published DESC, url
        {"LIMIT ?" if limit is not None else ""}
    """
    params = [*feature_params, *cand_params, *where_params]
    if limit is not None:
        params.append(limit)
    return [
        (rowid, float(score), published, url)
        for rowid, score, published, url in db.execute(sql, params)
    ]


def _hits(
    db: Database, ranked: list[tuple[float, str, str, _Source, int]], terms: list[Term]
) -> list[Hit]:
    # Only the page of results is read whole: ranking needs no more than the score.
    rows: dict[tuple[str | None, int], tuple[Any, ...]] = {}
    for source in (_RECORDS, _ATTACHMENTS):
        ids = [rowid for _, _, _, s, rowid in ranked if s is source]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            sql = (
                f"SELECT {source.hit_columns} FROM {source.rows} WHERE {source.rowid} IN ({marks})"
            )
            for row in db.execute(sql, chunk):
                rows[(source.kind, row[0])] = row
    title_needles = [t.needle for t in terms if t.field != "body"]
    body_needles = [t.needle for t in terms if t.field != "title"]
    hits = []
    for score, _, _, source, rowid in ranked:
        if (source.kind, rowid) not in rows:  # deleted since it was ranked, by another connection
            continue
        _, url, kind, title, published, department, source_, body, page, page_title = rows[
            (source.kind, rowid)
        ]
        hits.append(
            Hit(
                url=url,
                kind=kind,
                title=title,
                published=published,
                department=department,
                source=source_,
                score=score,
                title_highlight=make_snippet(title or "", title_needles, width=None),
                snippet=make_snippet(body or "", body_needles),
                attached_to=page,
                attached_to_title=page_title,
            )
        )
    return hits


# -- compiling a query to SQL --------------------------------------------------------------

Sql = tuple[str, list[Any]]


def _column(sql: str, needle: str) -> str:
    # lower() copies the text; a needle without ASCII letters matches the same without it.
    column = f"coalesce({sql}, '')"
    return f"lower({column})" if any("a" <= c <= "z" for c in needle) else column


class _Compiler:
    """Turns a query's AST into SQL over one source's rows, its index and per-needle columns.

    For needle number ``i`` the column ``t{i}`` says whether the title holds it and ``b{i}``
    how often the body does (only whether, for a needle that counts for nothing in the score).
    """

    def __init__(self, query: Query, source: _Source = _RECORDS):
        self.source = source
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
                columns.append(f"instr({_column(self.source.title, needle)}, ?) > 0 AS t{i}")
                params.append(needle)
            body = _column(self.source.body, needle)
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
            return _term_candidates(node.needle, self.source)
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


def _term_candidates(needle: str, source: _Source) -> Sql:
    index, terms = source.index, source.terms
    if len(needle) >= 3:
        trigrams = dict.fromkeys(needle[i : i + 3] for i in range(len(needle) - 2))
        # Each trigram is one quoted FTS5 string that this code builds: never user syntax.
        match = " AND ".join('"{}"'.format(t.replace('"', '""')) for t in trigrams)
        return f"SELECT rowid FROM {index} WHERE {index} MATCH ?", [match]
    upper = _prefix_upper_bound(needle)
    if upper is None:
        return f"SELECT doc FROM {terms} WHERE term >= ?", [needle]
    return f"SELECT doc FROM {terms} WHERE term >= ? AND term < ?", [needle, upper]


def _prefix_upper_bound(prefix: str) -> str | None:
    """The least string above every string starting with ``prefix`` (code point order)."""
    last = ord(prefix[-1]) + 1
    if last == 0xD800:
        last = 0xE000  # surrogates cannot be stored as UTF-8
    if last > 0x10FFFF:
        return None
    return prefix[:-1] + chr(last)
