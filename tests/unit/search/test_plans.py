"""Every plan of a search gives the same hits in the same order: through the index or by
checking every record, with occurrences counted in every match or only where a row can still
reach the page, and the count of hits is the number of hits."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from archiver.records import News
from archiver.search import parse_query, search
from archiver.search.compiler import Compiler, is_common, prefix_upper_bound
from archiver.search.count import count_hits
from archiver.search.counted import counted_plan
from archiver.search.engine import _RECORDS
from archiver.store import Archive, Filters
from archiver.store.char_counts import COLUMNS
from archiver.store.tables import CHAR_COUNTS
from tests import attachment_files as files
from tests.factories import NEWS_URL, make_news

DOCX_URL = "https://xww.bucea.edu.cn/docs/tongzhi.docx"

#: 的 and 一 are in nearly every record, many times (more dictionary entries than a quarter of
#: the records: checked by scanning); 党, 委, 农 in some; ASCII letters to fold; the characters
#: that a ``LIKE`` pattern escapes.
COMMON, SOME = "的一", "党委农简报aB%_\\"
NEEDLES = [
    "的",
    "一",
    "的一",
    "党",
    "委",
    "党委",
    "农",
    "简报",
    "a",
    "b",
    "ab",
    "B的",
    "的党委",
    "一的一",
    "%",
    "_",
    "\\",
    "a%",
    "_的",
    "b\\_",
    "\\%",
]
FIELDS = ["", "title:", "body:"]


def _text(rng: random.Random, size: int) -> str:
    weights = [30, 20] + [2] * len(SOME) + [5]
    return "".join(rng.choices([*COMMON, *SOME, "，"], weights, k=size))


def _records(n: int = 400, seed: int = 11) -> list[News]:
    rng = random.Random(seed)
    return [
        News(
            url=f"https://xww.bucea.edu.cn/zhxw/{i}.htm",
            site="xww.bucea.edu.cn",
            title=_text(rng, rng.randint(0, 8)) or None,
            published=f"20{rng.randint(10, 13)}-0{rng.randint(1, 3)}-1{rng.randint(0, 2)}",
            body=_text(rng, rng.randint(0, 60)) if i % 9 else None,
        )
        for i in range(n)
    ]


RECORDS = _records()


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plans") / "archive.db"
    with Archive.open(path, create=True) as archive:
        for record in RECORDS:
            archive.save_document(record)
    return path


@pytest.fixture(scope="module")
def db(archive_path: Path) -> Iterator[Database]:
    with Archive.open(archive_path) as archive:
        yield archive.db


def reference(query: str) -> list[tuple[str, float]]:
    """The documented ranking, computed in Python over the records: (url, score), best first,
    for a query of terms side by side (each in the title or the body, as a substring)."""
    terms = list(dict.fromkeys(parse_query(query).positive_terms()))
    ranked = []
    for record in RECORDS:
        title, body = (record.title or "").lower(), (record.body or "").lower()
        if not all(t.needle in title or t.needle in body for t in terms):
            continue
        score = 0.0
        for t in terms:
            n = body.count(t.needle)
            score += 3.0 * (t.needle in title) + (n * 2.2 / (n + 1.2) if n else 0.0)
        ranked.append((-round(score, 9), record.published or "", record.url))
    ranked.sort(key=lambda r: r[2])
    ranked.sort(key=lambda r: (r[0], _desc(r[1])))
    return [(url, -score) for score, _, url in ranked]


def _desc(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text) + (1,)


def _rounded(hits: list) -> list[tuple[str, float]]:  # type: ignore[type-arg]
    return [(h.url, round(h.score, 9)) for h in hits]


def test_the_plans_are_both_exercised(db: Database) -> None:
    """The archive makes the common characters take the scan and the others the index."""

    def common(needle: str) -> bool:
        upper = prefix_upper_bound(needle)
        return is_common(db, _RECORDS, "term >= ? AND term < ?", [needle, upper])

    assert common("的") and common("一")
    assert not common("党") and not common("简报")
    compiled = Compiler(parse_query("的"), _RECORDS, db)
    assert compiled.candidates(compiled.query.root) is None
    compiled = Compiler(parse_query("党"), _RECORDS, db)
    assert compiled.candidates(compiled.query.root) is not None


@pytest.mark.parametrize(
    "query",
    ["的", "一", "党", "党委", "的一", "B", "简报", "的 党", "a 的一", "%", "_", "\\%", "a_"],
)
def test_the_ranking_is_the_documented_one(db: Database, query: str) -> None:
    expected = reference(query)
    assert expected
    assert _rounded(search(db, query, limit=None)) == expected
    for limit in (1, 5, 20):
        assert _rounded(search(db, query, limit=limit)) == expected[:limit]


_TERM = st.tuples(st.sampled_from(FIELDS), st.sampled_from(NEEDLES)).map("".join)


@st.composite
def queries(draw: st.DrawFn, depth: int = 0) -> str:
    if depth >= 2 or draw(st.booleans()):
        return draw(_TERM)
    left, right = draw(queries(depth + 1)), draw(queries(depth + 1))
    operator = draw(st.sampled_from([" ", " AND ", " OR ", " NOT ", " OR NOT "]))
    return f"({left}{operator}{right})"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries(), limit=st.sampled_from([1, 3, 20, 200]))
def test_every_plan_gives_the_same_hits_in_the_same_order(
    db: Database, query: str, limit: int
) -> None:
    every = _rounded(search(db, query, limit=None))
    assert _rounded(search(db, query, limit=None, use_index=False)) == every
    assert _rounded(search(db, query, limit=limit)) == every[:limit]
    assert _rounded(search(db, query, limit=limit, use_index=False)) == every[:limit]
    assert count_hits(db, query) == len(every)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries(), since=st.sampled_from([None, "2011-01-01", "2013-01-01"]))
def test_filters_and_counts_agree(db: Database, query: str, since: str | None) -> None:
    filters = Filters(since=since)
    every = search(db, query, filters, limit=None)
    assert count_hits(db, query, filters) == len(every)
    assert _rounded(search(db, query, filters, limit=5)) == _rounded(every[:5])


def test_a_page_of_title_hits_is_the_page_of_every_hit(db: Database) -> None:
    """A page is first looked for among the records whose title holds a term; when it is not
    known to be the page (for one term: fewer such records than the page), every record is
    ranked. Either way: the same page."""
    limits, pages = (1, 5, 20, 60, 200), {"title hits": 0, "every hit": 0}
    for query in ["的", "党", "农", "简报", "a", "%", "_的"]:
        every = _rounded(search(db, query, limit=None))
        needle = parse_query(query).positive_terms()[0].needle
        in_title = sum(needle in (r.title or "").lower() for r in RECORDS)
        for limit in limits:
            assert _rounded(search(db, query, limit=limit)) == every[:limit]
            pages["title hits" if in_title >= limit else "every hit"] += 1
    assert all(pages.values())  # both plans are taken
    for query in ["的 党", "党 OR 农", "的 NOT 党", "title:的 农", "body:党 的", "农 OR NOT 的"]:
        every = _rounded(search(db, query, limit=None))
        for limit in limits:
            assert _rounded(search(db, query, limit=limit)) == every[:limit]


# -- the plan over the character counts ------------------------------------------------------

#: Queries of counted characters alone: the plan over the counts takes those with a common one.
_COUNTED = st.tuples(st.sampled_from(FIELDS), st.sampled_from(["的", "一", "党", "委", "农"]))


@st.composite
def counted_queries(draw: st.DrawFn, depth: int = 0) -> str:
    if depth >= 2 or draw(st.booleans()):
        return "".join(draw(_COUNTED))
    left, right = draw(counted_queries(depth + 1)), draw(counted_queries(depth + 1))
    operator = draw(st.sampled_from([" ", " AND ", " OR ", " NOT ", " OR NOT "]))
    return f"({left}{operator}{right})"


def _counted(db: Database, query: str) -> bool:
    return counted_plan(db, Compiler(parse_query(query), _RECORDS, db)) is not None


def test_common_characters_are_ranked_from_their_counts(db: Database) -> None:
    for query in ["的", "一", "title:的", "body:一", "的 党", "的 NOT 党", "农 OR 的", "的 一 委"]:
        assert _counted(db, query), query
    for query in ["党", "委 OR 农", "的 简报", "的一", "NOT 的", "a 的"]:  # none common; a longer
        assert not _counted(db, query), query  # term; nothing to rank; a character not counted
    assert search(db, "的", limit=0) == search(db, "党委", limit=0) == []  # an empty page


@pytest.fixture(scope="module")
def counted_db(archive_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The plans' archive, with what the counts do not know: stale rows (written by another
    program), counts past a byte, many records tied at the top, and an attachment's text."""
    path = tmp_path_factory.mktemp("counted") / "archive.db"
    path.write_bytes(archive_path.read_bytes())
    with Archive.open(path) as archive:
        archive.save_document(make_news(title="一的", body="的" * 300 + "一" * 130 + "农"))
        for i in range(260):  # the newest, tied: more than a page and the rows read past it
            archive.save_document(News(url=f"https://x.edu.cn/{i}.htm", site="x.edu.cn",
                                       title="的", published="2099-01-01", body="党"))  # fmt: skip
        archive.save_attachment(files.file_capture(DOCX_URL, NEWS_URL, files.docx_bytes()))
        with archive.db.conn:
            archive.db.execute(f"UPDATE {CHAR_COUNTS} SET c0 = NULL WHERE rowid % 3 = 0")
            for column in range(1, COLUMNS):  # stale rows are NULL whole
                archive.db.execute(f"UPDATE {CHAR_COUNTS} SET c{column} = NULL WHERE c0 IS NULL")
        yield archive.db


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=counted_queries(),
    limit=st.sampled_from([1, 20, 300, None]),
    filters=st.sampled_from([Filters(), Filters(since="2012-01-01"), Filters(kind="news")]),
)
def test_the_counts_give_the_hits_and_order_of_a_scan(
    counted_db: Database, query: str, limit: int | None, filters: Filters
) -> None:
    scanned = _rounded(search(counted_db, query, filters, limit=limit, use_index=False))
    assert _rounded(search(counted_db, query, filters, limit=limit)) == scanned
    if limit is None:
        assert count_hits(counted_db, query, filters) == len(scanned)


def test_stale_saturated_tied_and_attached_records_are_exact(counted_db: Database) -> None:
    stale = counted_db.execute(f"SELECT count(*) FROM {CHAR_COUNTS} WHERE c0 IS NULL")
    assert stale.fetchone()[0] > 100
    for query in ["的", "title:的", "一", "的 NOT 党", "body:一 的"]:
        assert _counted(counted_db, query)
        for limit in (1, 20, 261, None):
            scanned = search(counted_db, query, limit=limit, use_index=False)
            assert _rounded(search(counted_db, query, limit=limit)) == _rounded(scanned)
    hits = search(counted_db, "的", limit=None)
    assert hits[0].url == NEWS_URL  # 300 in its body: counted in its text
    assert DOCX_URL in {h.url for h in hits if h.kind == "attachment"}  # read by its own index
    page = [h.url for h in search(counted_db, "title:的", limit=20)]
    assert page == sorted(f"https://x.edu.cn/{i}.htm" for i in range(260))[:20]
