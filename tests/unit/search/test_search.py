"""Full-text search: every kind of query returns exactly what a plain substring scan returns."""

from __future__ import annotations

import io
import json
import random
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from archiver.cli.search import write_table
from archiver.records import Brief, Document, News
from archiver.search import (
    And,
    Not,
    Or,
    QueryError,
    Term,
    ascii_lower,
    make_snippet,
    parse_query,
    rebuild_search_index,
    search,
)
from archiver.store import Archive, Filters
from archiver.store.schema import APPLICATION_ID, migrations
from tests.clirunner import run

# -- a varied archive ----------------------------------------------------------------------

COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下"
)
TERMS = ["党", "党委", "党建", "点评", "简报", "工作简报", "工作", "工作 简报",
         "3+1", "2011年", "2011", "创先争优"]  # fmt: skip
ENGLISH = ["University", "UNIVERSITY", "university", "Beijing", "BUCEA", "news", "AND", "or"]
PUNCT = ["，", "。", "、", "：", "（", "）", "“", "”", "(", ")", '"', " ", "\n", "+", "-", "/"]


def _text(rng: random.Random, size: int) -> str:
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        roll = rng.random()
        if roll < 0.08:
            parts.append(rng.choice(TERMS))
        elif roll < 0.12:
            parts.append(rng.choice(ENGLISH))
        elif roll < 0.16:
            parts.append(str(rng.randint(0, 3000)))
        elif roll < 0.28:
            parts.append(rng.choice(PUNCT))
        else:
            parts.append("".join(rng.choices(COMMON, k=rng.randint(1, 4))))
    return "".join(parts)


def make_records(n: int = 300, seed: int = 20110411) -> list[Document]:
    """Records of mixed text; some titles end in a term, some are one character or missing."""
    rng = random.Random(seed)
    records: list[Document] = []
    for i in range(n):
        title: str | None = _text(rng, rng.randint(4, 20))
        if i % 17 == 0:
            title = rng.choice(TERMS)[-1]  # a one-character title
        elif i % 23 == 0:
            title = None
        elif i % 5 == 0:
            title = (title or "") + rng.choice(TERMS)  # the term ends the title
        body = "" if i % 41 == 0 else _text(rng, rng.randint(0, 400))
        if i % 7 == 0:
            body += rng.choice(TERMS + ENGLISH)  # the term ends the body
        published = f"20{rng.randint(10, 24):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if i % 3:
            records.append(
                News(
                    url=f"https://xww.bucea.edu.cn/zhxw/{i}.htm",
                    site="xww.bucea.edu.cn",
                    title=title,
                    published=published,
                    body=body,
                    sections=[rng.choice(["综合新闻", "头条新闻"])],
                    department=rng.choice(["党委办公室", "教务处", None]),
                )
            )
        else:
            records.append(
                Brief(
                    url=f"http://kxfzg.bjedu.gov.cn/gzjb/{i}.html",
                    site="kxfzg.bjedu.gov.cn",
                    title=title,
                    published=published,
                    body=body,
                )
            )
    # a term split between title and body is in neither
    records.append(News(url="https://xww.bucea.edu.cn/split.htm", site="xww.bucea.edu.cn",
                        title="年度工作", body="简报已印发", published="2011-04-11"))  # fmt: skip
    return records


RECORDS = make_records()


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search") / "archive.db"
    with Archive.open(path, create=True) as archive:
        for record in RECORDS:
            archive.save_document(record)
    return path


@pytest.fixture
def db(archive_path: Path) -> Iterator[Database]:
    with Archive.open(archive_path) as archive:
        yield archive.db


# -- the reference: a plain substring scan in Python ----------------------------------------

Predicate = Callable[[str, str], bool]  # (title, body), both ASCII-lowered


def anywhere(term: str) -> Predicate:
    return lambda title, body: ascii_lower(term) in title or ascii_lower(term) in body


def in_title(term: str) -> Predicate:
    return lambda title, body: ascii_lower(term) in title


def in_body(term: str) -> Predicate:
    return lambda title, body: ascii_lower(term) in body


def both(*predicates: Predicate) -> Predicate:
    return lambda title, body: all(p(title, body) for p in predicates)


def either(*predicates: Predicate) -> Predicate:
    return lambda title, body: any(p(title, body) for p in predicates)


def neg(predicate: Predicate) -> Predicate:
    return lambda title, body: not predicate(title, body)


def scan(predicate: Predicate, records: list[Document] = RECORDS) -> set[str]:
    return {
        r.url for r in records if predicate(ascii_lower(r.title or ""), ascii_lower(r.body or ""))
    }


def found(db: Database, query: str, filters: Filters | None = None) -> set[str]:
    return {hit.url for hit in search(db, query, filters, limit=None)}


SINGLE_TERMS = [
    "党", "报", "+", "a", "3", "年", "\u201c",  # one character
    "点评", "简报", "党委", "11", "Un", "oR",  # two
    "工作简", "3+1", "作简报", "NEW",  # three
    "工作简报", "2011", "news",  # four
    "2011年", "University", "创先争优", "beijing",  # longer
]  # fmt: skip


@pytest.mark.parametrize("term", SINGLE_TERMS)
def test_a_term_finds_what_a_substring_scan_finds(db: Database, term: str) -> None:
    expected = scan(anywhere(term))
    assert found(db, term) == expected
    assert found(db, f'"{term}"') == expected
    assert term.isascii() or expected, "the generator should use every Chinese test term"


def test_the_common_terms_are_frequent_enough_to_test(db: Database) -> None:
    for term in ("党", "点评", "简报", "工作简报", "3+1", "2011年"):
        assert 10 < len(scan(anywhere(term))) < len(RECORDS)


BOOLEAN_QUERIES: list[tuple[str, Predicate]] = [
    ("党 简报", both(anywhere("党"), anywhere("简报"))),
    ("党 AND 点评", both(anywhere("党"), anywhere("点评"))),
    ("点评 OR 3+1", either(anywhere("点评"), anywhere("3+1"))),
    ("简报 NOT 工作简报", both(anywhere("简报"), neg(anywhere("工作简报")))),
    ("NOT 党", neg(anywhere("党"))),
    ("(点评 OR 简报) NOT 党",
     both(either(anywhere("点评"), anywhere("简报")), neg(anywhere("党")))),
    ("党 OR 点评 简报", either(anywhere("党"), both(anywhere("点评"), anywhere("简报")))),
    ("NOT NOT 点评", anywhere("点评")),
    ('"工作 简报"', anywhere("工作 简报")),
    ('"AND" 2011', both(anywhere("and"), anywhere("2011"))),
    ('"a" OR "("', either(anywhere("a"), anywhere("("))),
    ("title:简报", in_title("简报")),
    ("body:简报", in_body("简报")),
    ("TITLE:党", in_title("党")),
    ('title:"工作简报"', in_title("工作简报")),
    ("title:(党 OR 点评)", either(in_title("党"), in_title("点评"))),
    ("title:党 NOT body:党", both(in_title("党"), neg(in_body("党")))),
    ("body:university title:2011", both(in_body("university"), in_title("2011"))),
    ("title:(党 NOT 党委) OR body:3+1",
     either(both(in_title("党"), neg(in_title("党委"))), in_body("3+1"))),
]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "predicate"), BOOLEAN_QUERIES, ids=[q for q, _ in BOOLEAN_QUERIES]
)
def test_a_query_finds_what_a_substring_scan_finds(
    db: Database, query: str, predicate: Predicate
) -> None:
    expected = scan(predicate)
    assert expected, "each query should match some records"
    assert found(db, query) == expected
    assert {h.url for h in search(db, query, limit=None, use_index=False)} == expected


def test_a_term_never_spans_title_and_body(db: Database) -> None:
    assert "https://xww.bucea.edu.cn/split.htm" not in found(db, "工作简报")
    assert "https://xww.bucea.edu.cn/split.htm" in found(db, "工作 简报")


@pytest.mark.parametrize(
    "filters",
    [
        Filters(kind="brief"),
        Filters(since="2015-01-01", until="2018-12-31"),
        Filters(sections=("头条新闻",)),
        Filters(departments=("党委办公室",)),
        Filters(kind="news", since="2020-01-01"),
    ],
)
def test_filters_narrow_the_hits(db: Database, filters: Filters) -> None:
    selected = [r for r in RECORDS if _passes(r, filters)]
    assert found(db, "简报", filters) == scan(anywhere("简报"), selected)


def _passes(record: Document, f: Filters) -> bool:
    date = (record.published or "")[:10]
    return (
        (not f.kind or record.kind == f.kind)
        and (not f.since or date >= f.since)
        and (not f.until or date <= f.until)
        and (not f.sections or bool(set(getattr(record, "sections", [])) & set(f.sections)))
        and (not f.departments or getattr(record, "department", None) in f.departments)
    )


# -- ranking and snippets ------------------------------------------------------------------


def test_hits_are_ranked_title_first_then_occurrences_then_newest(db: Database) -> None:
    hits = search(db, "点评", limit=None)
    keys = [
        (
            "点评" in (h.title or ""),
            (next(r for r in RECORDS if r.url == h.url).body or "").count("点评"),
            h.published or "",
        )
        for h in hits
    ]
    assert keys == sorted(keys, reverse=True)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_limit_keeps_the_best(db: Database) -> None:
    every = search(db, "党 OR 简报", limit=None)
    assert [h.url for h in search(db, "党 OR 简报", limit=7)] == [h.url for h in every[:7]]


def test_snippets_mark_every_match_keeping_the_case() -> None:
    text = "第一段\n" + "的" * 50 + "关于University和UNIVERSITY的点评" + "的" * 100
    snippet = make_snippet(text, ["university", "点评"])
    rendered = snippet.render("[", "]")
    assert rendered.startswith("…") and rendered.endswith("…")
    assert "[University]和[UNIVERSITY]的[点评]" in rendered
    assert "\n" not in rendered
    assert make_snippet("短文", ["党"]).render("[", "]") == "短文"
    assert make_snippet("党党党", ["党党"]).render("[", "]") == "[党党党]"  # overlaps merge


def test_json_snippets_carry_the_documented_marks(db: Database) -> None:
    hit = search(db, "2011年", limit=1)[0]
    assert "⟦2011年⟧" in hit.as_dict()["snippet"] or "2011年" in (hit.title or "")


# -- the index follows the records ---------------------------------------------------------


def _news(url: str, title: str, body: str) -> News:
    return News(url=url, site="xww.bucea.edu.cn", title=title, body=body, published="2011-04-11")


@pytest.mark.parametrize("old,new", [("鼎", "鑫"), ("鼎盛", "鑫源"), ("鼎盛时期", "鑫源工程")])
def test_index_follows_insert_update_and_delete(archive: Archive, old: str, new: str) -> None:
    url = "https://xww.bucea.edu.cn/zhxw/1.htm"
    archive.save_document(_news(url, "标题", f"正文{old}结束"))
    archive.save_document(_news("https://xww.bucea.edu.cn/zhxw/2.htm", "别的", "别的正文"))
    assert found(archive.db, old) == {url}
    assert archive.save_document(_news(url, "标题", f"正文{new}结束")) == "updated"
    assert found(archive.db, old) == set()
    assert found(archive.db, new) == {url}
    assert archive.save_document(_news(url, f"标题{old}", f"正文{new}结束")) == "updated"
    assert found(archive.db, f"title:{old}") == {url}
    archive.db.execute("DELETE FROM documents WHERE url = ?", [url])
    assert found(archive.db, new) == set()
    assert found(archive.db, old) == set()
    assert found(archive.db, "别的") == {"https://xww.bucea.edu.cn/zhxw/2.htm"}


def test_the_index_holds_one_trigram_per_character(archive: Archive) -> None:
    doc = _news("https://xww.bucea.edu.cn/zhxw/1.htm", "标题", "点评")
    archive.save_document(doc)
    archive.save_document(doc)
    assert found(archive.db, "点评") == {doc.url}
    terms = archive.db.execute("SELECT count(*) FROM documents_search_terms").fetchone()[0]
    assert terms == len("标题") + len("点评")  # one trigram per character, thanks to the padding


def test_a_replaced_row_is_found_by_its_new_text_only(archive: Archive) -> None:
    # INSERT OR REPLACE skips the delete trigger: the stale index entries must not leak out
    archive.save_document(_news("https://xww.bucea.edu.cn/zhxw/1.htm", "标题", "点评工作简报"))
    archive.db.execute(
        "INSERT OR REPLACE INTO documents (url, kind, site, title, body) VALUES (?, ?, ?, ?, ?)",
        ["https://xww.bucea.edu.cn/zhxw/1.htm", "news", "xww.bucea.edu.cn", "标题", "党建"],
    )
    assert found(archive.db, "点评") == found(archive.db, "工作简报") == set()
    assert found(archive.db, "党建") == {"https://xww.bucea.edu.cn/zhxw/1.htm"}
    rebuild_search_index(archive.db)
    assert found(archive.db, "党建") == {"https://xww.bucea.edu.cn/zhxw/1.htm"}
    assert archive.db.execute("SELECT count(*) FROM documents_search_terms").fetchone()[0] == 4


def test_an_older_archive_gets_the_index_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    migrations.apply(db, stop_before="m002_search_index")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    # a record as the first schema stored it, before the index existed
    db.execute(
        "INSERT INTO documents (url, kind, site, title, body) VALUES (?, 'news', ?, ?, ?)",
        ["https://xww.bucea.edu.cn/zhxw/9.htm", "xww.bucea.edu.cn", "旧的简报", "点评"],
    )
    db.conn.commit()
    db.close()
    with Archive.open(path) as archive:
        assert found(archive.db, "简报") == {"https://xww.bucea.edu.cn/zhxw/9.htm"}
        assert found(archive.db, "点评") == {"https://xww.bucea.edu.cn/zhxw/9.htm"}


# -- the query language --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("党", Term("党")),
        ("党 简报", And((Term("党"), Term("简报")))),
        ("a OR b c", Or((Term("a"), And((Term("b"), Term("c")))))),
        ("NOT a b", And((Not(Term("a")), Term("b")))),
        ('"a b" OR (c)', Or((Term("a b"), Term("c")))),
        ("title:a body:b", And((Term("a", "title"), Term("b", "body")))),
        ('title:"工作 简报"', Term("工作 简报", "title")),
        ("body:(a OR NOT b)", Or((Term("a", "body"), Not(Term("b", "body"))))),
        ("and or not", And((Term("and"), Term("or"), Term("not")))),  # lowercase: terms
        ("12:30 3+1", And((Term("12:30"), Term("3+1")))),
        ("title:body:x", Term("body:x", "title")),
        ("（一） 党", And((Term("（一）"), Term("党")))),  # full-width parentheses are text
    ],
)
def test_parse_query(query: str, tree: object) -> None:
    assert parse_query(query).root == tree


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ('"党', 'unbalanced quote: the " at character 1 is never closed'),
        ('a "b" "c', 'unbalanced quote: the " at character 7 is never closed'),
        ('""', 'empty phrase "" at character 1'),
        ("(党", "unbalanced parenthesis: the ( at character 1 is never closed"),
        ("(", "unbalanced parenthesis: the ( at character 1 is never closed"),
        ("a (", "unbalanced parenthesis: the ( at character 3 is never closed"),
        ("党)", "unmatched ) at character 2"),
        ("()", "empty parentheses at character 1"),
        ("AND", "AND needs a term before it"),
        ("OR 党", "OR needs a term before it"),
        ("党 AND", "AND needs a term after it"),
        ("党 OR", "OR needs a term after it"),
        ("NOT", "NOT needs a term after it"),
        ("党 AND OR 简报", "AND needs a term after it"),
        ("foo:bar", "unknown field 'foo' in 'foo:bar': use title: or body:, or put the term"),
        ("title:", "title: needs a term, a phrase or ( … ) right after it"),
        ("title:(body:x)", "body: inside title: ( … )"),
        ("a\x00b", "control character U+0000"),
    ],
)
def test_malformed_queries_say_what_is_wrong_in_one_line(query: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


# -- the command ---------------------------------------------------------------------------



@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["党 AND"], "archiver: error: Invalid value for QUERY: AND needs a term after it\n"),
        (["AND"], "archiver: error: Invalid value for QUERY: AND needs a term before it\n"),
        (['"工作简报'], 'QUERY: unbalanced quote: the " at character 1 is never closed\n'),
        (["foo:bar"], "QUERY: unknown field 'foo' in 'foo:bar'"),
        (["党", "--limit", "-1"],
         "Invalid value for '--limit': -1 is not in the range 0<=x<=1000000000."),
        (["党", "--since", "last week"], "'last week' is not a date in the form YYYY-MM-DD"),
        (["党", "--format", "xml"], "Invalid value for '--format'"),
        (["党", "--kind", "blog"], "Invalid value for '--kind'"),
        (["党", "--since", "2012-01-01", "--until", "2011-01-01"], "--since 2012-01-01 is after"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    archive_path: Path, args: list[str], message: str
) -> None:
    result = run("search", "--db", str(archive_path), *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("archiver: error: ")
    assert result.stderr.count("\n") == 1
    assert message in result.stderr


def test_a_bad_query_fails_before_the_archive_is_opened(tmp_path: Path) -> None:
    result = run("search", "--db", str(tmp_path / "missing.db"), "(党")
    assert result.exit_code == 2
    assert "unbalanced parenthesis" in result.stderr


def test_json_output(archive_path: Path, db: Database) -> None:
    result = run("search", "--db", str(archive_path), "简报", "--format", "json", "--limit", "5")
    assert result.exit_code == 0, result.stderr
    hits = json.loads(result.stdout)
    assert [h["url"] for h in hits] == [h.url for h in search(db, "简报", limit=5)]
    assert list(hits[0]) == [
        "url", "kind", "title", "published", "department", "source", "score", "snippet",
        "attached_to", "attached_to_title",
    ]  # fmt: skip
    assert any("⟦简报⟧" in h["snippet"] for h in hits)


def test_jsonl_output_with_filters(archive_path: Path, db: Database) -> None:
    result = run(
        "search", "--db", str(archive_path), "党 OR 点评", "--format", "jsonl",
        "--kind", "news", "--since", "2015-01-01", "--limit", "1000",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    urls = {json.loads(line)["url"] for line in result.stdout.splitlines()}
    selected = [r for r in RECORDS if _passes(r, Filters(kind="news", since="2015-01-01"))]
    assert urls == scan(either(anywhere("党"), anywhere("点评")), selected)


def test_csv_output(archive_path: Path) -> None:
    result = run("search", "--db", str(archive_path), "3+1", "--format", "csv", "--limit", "3")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout_bytes.decode().split("\r\n")
    assert lines[0] == (
        "url,kind,title,published,department,source,score,snippet,attached_to,attached_to_title"
    )
    assert len([line for line in lines[1:] if line]) == 3


def test_table_output_marks_matches_without_ansi_when_piped(archive_path: Path) -> None:
    result = run("search", "--db", str(archive_path), "点评", "--limit", "2")
    assert result.exit_code == 0, result.stderr
    assert "⟦点评⟧" in result.stdout
    assert "\x1b[" not in result.stdout
    assert result.stdout.splitlines()[0].startswith("  1  ")


def test_table_output_is_bold_on_a_terminal(db: Database) -> None:
    out = io.StringIO()
    write_table(search(db, "点评", limit=1), out, color=True)
    assert "\x1b[1m点评\x1b[0m" in out.getvalue()
    assert "⟦" not in out.getvalue()


def test_no_hits_is_not_an_error(archive_path: Path) -> None:
    result = run("search", "--db", str(archive_path), "不可能出现的词")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "no hits\n"
