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

from archiver.search.compiler import K1, Compiler, Source, prefix_upper_bound
from archiver.search.counted import counted_plan
from archiver.search.query import Query, Term, parse_query
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


_Source = Source  # the name callers of the older API know

_RECORDS = Source(
    None, f"{DOCUMENTS} d", "d.rowid", "d.title", "d.body", INDEX, TERMS,
    "d.rowid, d.url, d.kind, d.title, d.published, d.department, d.source, d.body, NULL, NULL",
    f"{DOCUMENTS} d", "d.url",
)  # fmt: skip
_ATTACHMENTS = Source(
    "attachment",
    f"{ATTACHMENT_TEXTS} t JOIN {FILES} f ON f.url = t.url "
    f"LEFT JOIN {DOCUMENTS} d ON d.url = f.news_url",
    "t.rowid", f"({TITLE_SQL.format(row='t')})", BODY_SQL.format(row="t"),
    ATTACHMENT_INDEX, ATTACHMENT_TERMS,
    "t.rowid, t.url, 'attachment', coalesce(t.title, t.file_name), d.published, d.department, "
    "d.source, t.text, f.news_url, d.title",
    f"{ATTACHMENT_TEXTS} t", "t.url",
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
    source: Source,
    filters: Filters,
    limit: int | None,
    use_index: bool,
) -> list[tuple[int, float, str | None, str]]:
    """``(rowid, score, published, url)`` of the best matches in one source.

    One pass over the candidates decides the matches by the presence of each needle (see
    :mod:`~archiver.search.compiler`) and counts the body's occurrences only in the rows whose
    score can still reach the page: those whose upper bound is no lower than a score that
    ``limit`` matches are known to reach (:func:`_floor`). Any other row ranks below at least
    ``limit`` rows whatever its body holds. Given a limit, the rows whose title holds a
    positive term are ranked first, alone, and are often enough.
    """
    compiled = Compiler(query, source, db if use_index else None)
    if use_index and source is _RECORDS and (counted := counted_plan(db, compiled)):
        return counted.ranked(db, filters, limit)  # common characters: no text read
    titled = [compiled.title_hit(t.needle) for t in compiled.positive if t.field != "body"]
    if use_index and limit and titled and compiled.in_body:  # (no body to spare reading)
        # First the rows whose title holds a term (in a query of common characters, few of
        # the matches): a row whose title holds none scores less than K1 + 1 a counted term.
        # When the page found among the first scores more than that, it is the page, and the
        # bodies of the other rows are never read.
        only = " OR ".join(sql for sql, _ in titled), [p for _, ps in titled for p in ps]
        first = _ranked_rows(db, compiled, source, filters, limit, use_index, only)
        if len(first) >= limit and first[limit - 1][1] > (K1 + 1) * len(compiled.counted):
            return first
    return _ranked_rows(db, compiled, source, filters, limit, use_index)


def _ranked_rows(
    db: Database,
    compiled: Compiler,
    source: Source,
    filters: Filters,
    limit: int | None,
    use_index: bool,
    only: tuple[str, list[Any]] | None = None,
) -> list[tuple[int, float, str | None, str]]:
    """:func:`_ranked` over the rows that also meet the condition ``only``, if given."""
    present, params = _present(compiled, source, filters, use_index, only)
    floor = _floor(db, compiled, present, params, limit)
    score, score_params = compiled.score("hit_id", floor)
    # LIMIT -1: the presence columns are computed once a row, not inlined where they are used
    sql = f"""
        SELECT hit_id, {score} AS score, published, url FROM ({present} LIMIT -1)
        WHERE {compiled.matches()}
        ORDER BY score DESC, published DESC, url
        {"LIMIT ?" if limit is not None else ""}
    """
    all_params = [*score_params, *params]
    if limit is not None:
        all_params.append(limit)
    return [
        (rowid, float(score), published, url)
        for rowid, score, published, url in db.execute(sql, all_params)
    ]


def count_matches(
    db: Database, query: Query, source: Source, filters: Filters, use_index: bool = True
) -> int:
    """How many rows of one source match ``query``: presence alone, no counting, no ranking."""
    compiled = Compiler(query, source, db if use_index else None)
    if use_index and source is _RECORDS and (counted := counted_plan(db, compiled)):
        return counted.count(db, filters)
    rows, where, params = _candidates(compiled, source, filters, use_index)
    exact, exact_params = compiled.exact()
    sql = f"SELECT count(*) FROM {rows} WHERE {where} AND {exact}"
    return int(db.execute(sql, [*params, *exact_params]).fetchone()[0])


def _candidates(
    compiled: Compiler,
    source: Source,
    filters: Filters,
    use_index: bool,
    only: tuple[str, list[Any]] | None = None,
) -> tuple[str, str, list[Any]]:
    """The rows (FROM …) and the condition (WHERE …) of the candidates, and its parameters;
    ``only``: a further condition."""
    candidates = compiled.candidates(compiled.query.root) if use_index else None
    cand_sql, cand_params = (
        (f"{source.rowid} IN ({candidates[0]})", candidates[1]) if candidates else ("1", [])
    )
    where, where_params = filters.where()
    if source is _ATTACHMENTS and where != "1":
        where = f"d.url IS NOT NULL AND {where}"  # a filter needs the page archived
    only_sql, only_params = (f"({only[0]})", only[1]) if only else ("1", [])
    return source.rows, f"{cand_sql} AND {where} AND {only_sql}", [
        *cand_params, *where_params, *only_params]  # fmt: skip


def _present(
    compiled: Compiler,
    source: Source,
    filters: Filters,
    use_index: bool,
    only: tuple[str, list[Any]] | None = None,
) -> tuple[str, list[Any]]:
    """SELECT of each candidate's ``hit_id``, ``published``, ``url`` and presence columns."""
    rows, where, params = _candidates(compiled, source, filters, use_index, only)
    presence, presence_params = compiled.presence()
    columns = ", ".join(filter(None, [f"{source.rowid} AS hit_id, d.published AS published",
                                      f"{source.url} AS url", presence]))  # fmt: skip
    return f"SELECT {columns} FROM {rows} WHERE {where}", [*presence_params, *params]


#: Matches read to find the floor: enough that a page of the best is among them, if there is.
_FLOOR_SAMPLE = 1000


def _floor(
    db: Database, compiled: Compiler, present: str, params: list[Any], limit: int | None
) -> float | None:
    """A score that at least ``limit`` matches reach (the ``limit``-th best score among the
    first matches), or None when it is not known."""
    if not limit or limit > _FLOOR_SAMPLE // 4 or not compiled.counted:  # (limit 0: no page)
        return None
    score, score_params = compiled.score("hit_id")
    sql = f"""SELECT count(*), min(score) FROM (SELECT score FROM (
        SELECT {score} AS score FROM ({present} LIMIT -1)
        WHERE {compiled.matches()} LIMIT ?) ORDER BY score DESC LIMIT ?)"""
    found, least = db.execute(sql, [*score_params, *params, _FLOOR_SAMPLE, limit]).fetchone()
    return float(least) if found >= limit else None


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


# the older private names, for callers that know them
_prefix_upper_bound = prefix_upper_bound
