"""``archiver serve``: Datasette over the archive, read-only, with metadata, facets and search.

Most tests talk to the Datasette instance in-process (``datasette.client``); one starts the
real command in a subprocess, as a user would, and stops it with Ctrl-C.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from archiver.search import search
from archiver.serve import BRIEFS_VIEW, DB_NAME, NEWS_VIEW, TABLES, build_datasette
from archiver.store import Archive
from archiver.store.schema import DOCUMENTS
from tests.clirunner import run
from tests.factories import (
    BRIEF_ARCHIVED,
    BRIEF_LIVE,
    NEWS_2011,
    NEWS_2012,
    NEWS_ODD,
    RECORDS,
    make_archive,
)
from tests.serving import asgi_get as get
from tests.serving import fetch, in_process, serving


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_archive(tmp_path_factory.mktemp("serve") / "archive.db")


@pytest.fixture(scope="module")
def ds(archive_path: Path) -> Iterator[Any]:
    with in_process(archive_path) as datasette:
        yield datasette


def get_json(ds: Any, path: str) -> Any:
    response = get(ds, path)
    assert response.status_code == 200, response.text
    return response.json()


def read_only_db(path: Path) -> Database:
    return Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))


# -- the views the facets need --------------------------------------------------------------


def test_a_new_archive_has_the_views(tmp_path: Path) -> None:
    # fails until the migration (archiver.serve.m005_views) is registered in archiver.store.schema
    with Archive.open(tmp_path / "archive.db", create=True) as archive:
        assert {NEWS_VIEW, BRIEFS_VIEW} <= set(archive.db.view_names())


def test_news_view_has_year_sections_and_citation_count(ds: Any) -> None:
    rows = get_json(ds, f"/{DB_NAME}/{NEWS_VIEW}.json?_shape=array")
    by_url = {row["url"]: row for row in rows}
    assert [row["url"] for row in rows] == [NEWS_ODD, NEWS_2012, NEWS_2011]  # newest first
    assert by_url[NEWS_2012]["year"] == "2012"
    assert json.loads(by_url[NEWS_2012]["sections"]) == ["头条新闻", "综合新闻"]
    assert by_url[NEWS_2011]["cited_briefs"] == 2
    assert by_url[NEWS_2011]["department"] == "党委办公室"


def test_briefs_view_counts_the_news_citing_each_brief(ds: Any) -> None:
    rows = get_json(ds, f"/{DB_NAME}/{BRIEFS_VIEW}.json?_shape=array")
    assert {r["url"]: (r["status"], r["citing_news"], r["year"]) for r in rows} == {
        BRIEF_ARCHIVED: ("archived", 1, "2011"),
        BRIEF_LIVE: ("live", 1, "2012"),
    }


# -- metadata and facets ---------------------------------------------------------------------


def test_every_column_shown_is_described(tmp_path: Path) -> None:
    # the metadata is a dict in archiver.serve: this keeps it in step with the schema
    with Archive.open(tmp_path / "archive.db", create=True) as archive:
        db = archive.db
        shown = [t for t in db.table_names() if not _hidden(db, t)] + db.view_names()
        for name in shown:
            assert name in TABLES, f"no title or description for table {name}"
            columns = [c.name for c in (db.table(name) if name in db.table_names()
                                        else db.view(name)).columns]  # fmt: skip
            described = TABLES[name].columns
            assert set(columns) - set(described) == set(), f"undescribed columns of {name}"
            assert set(described) - set(columns) == set(), f"{name} has no such columns"


def _hidden(db: Database, table: str) -> bool:
    # Datasette hides FTS tables and their shadow tables itself; we hide the migrations log
    # and the character counts that search reads
    return table in ("_sqlite_migrations", "documents_char_counts") or table.startswith(
        ("documents_search", "attachment_texts_search")
    )


def test_tables_are_titled_and_columns_described(ds: Any) -> None:
    html = get(ds, f"/{DB_NAME}/{NEWS_VIEW}").text
    assert "News articles" in html
    assert "How many bureau briefs the article cites." in html
    metadata = get_json(ds, "/-/metadata.json")
    tables = metadata["databases"][DB_NAME]["tables"]
    assert tables[DOCUMENTS]["columns"]["status"].startswith("Brief: live")
    assert tables["_sqlite_migrations"] == {"hidden": True}


def facets(ds: Any, path: str) -> dict[str, dict[str, int]]:
    data = get_json(ds, path)
    return {
        name: {str(r["value"]): r["count"] for r in facet["results"]}
        for name, facet in data["facet_results"].items()
    }


def test_news_facets_on_section_department_and_year(ds: Any) -> None:
    found = facets(ds, f"/{DB_NAME}/{NEWS_VIEW}.json")
    assert found["sections"] == {"综合新闻": 3, "头条新闻": 1}
    assert found["department"] == {"党委办公室": 1, "校工会": 1}
    assert found["year"] == {"2011": 1, "2012": 1, "2013": 1}


def test_briefs_facet_on_status_and_year(ds: Any) -> None:
    found = facets(ds, f"/{DB_NAME}/{BRIEFS_VIEW}.json")
    assert found["status"] == {"archived": 1, "live": 1}
    assert found["year"] == {"2011": 1, "2012": 1}


def test_a_section_facet_filters_the_news(ds: Any) -> None:
    rows = get_json(
        ds, f"/{DB_NAME}/{NEWS_VIEW}.json?_shape=array&sections__arraycontains=头条新闻&year=2012"
    )
    assert [row["url"] for row in rows] == [NEWS_2012]


def test_view_titles_link_to_the_record(ds: Any) -> None:
    html = get(ds, f"/{DB_NAME}/{BRIEFS_VIEW}").text
    link = re.search(r'<a href="([^"]+)">工作简报第12期</a>', html)
    assert link, html
    row_page = get(ds, link[1])
    assert row_page.status_code == 200
    assert "简报正文" in row_page.text


# -- read-only -------------------------------------------------------------------------------


def test_datasette_cannot_write_the_archive(tmp_path: Path) -> None:
    path = make_archive(tmp_path / "archive.db")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    datasette = build_datasette(path)

    async def attempt() -> list[int]:
        await datasette.invoke_startup()
        database = datasette.get_database(DB_NAME)
        with pytest.raises(sqlite3.OperationalError, match="readonly|read-only|query_only"):
            await database.execute_write(f"DELETE FROM {DOCUMENTS}")
        statuses = []
        for sql in (f"DELETE FROM {DOCUMENTS}", "PRAGMA application_id = 1"):
            response = await datasette.client.get(f"/{DB_NAME}.json", params={"sql": sql})
            statuses.append(response.status_code)
        for page in ("/", f"/{DB_NAME}/{NEWS_VIEW}", "/-/search?q=简报"):
            assert (await datasette.client.get(page)).status_code == 200
        return statuses

    try:
        assert asyncio.run(attempt()) == [400, 400]
    finally:
        for database in datasette.databases.values():
            database.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert read_only_db(path).table(DOCUMENTS).count == len(RECORDS)


def test_an_archive_whose_name_needs_escaping_in_a_uri(tmp_path: Path) -> None:
    path = make_archive(tmp_path / "新闻 #1?%20.db")
    datasette = build_datasette(path)
    asyncio.run(datasette.invoke_startup())
    try:
        hits = get_json(datasette, "/-/search.json?q=党")["hits"]
    finally:
        for database in datasette.databases.values():
            database.close()
    assert [hit["url"] for hit in hits] == [NEWS_ODD, NEWS_2011]


# -- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "kind"),
    [("党", ""), ("简报", ""), ("简报", "brief"), ("工作简报", ""), ("title:简报 NOT 党", "")],
)
def test_search_returns_what_archiver_search_returns(
    ds: Any, archive_path: Path, query: str, kind: str
) -> None:
    from archiver.store import Filters

    expected = search(read_only_db(archive_path), query, Filters(kind=kind or None))
    assert expected  # every query here finds something
    response = get(ds, f"/-/search.json?q={query}&kind={kind}")
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert [h["url"] for h in hits] == [h.url for h in expected]
    assert [h["snippet"] for h in hits] == [h.snippet.render() for h in expected]
    assert all(h["row_url"].startswith(f"/{DB_NAME}/{DOCUMENTS}/") for h in hits)


@pytest.mark.parametrize(
    ("query", "title"),
    [("党", "我校召开创先争优活动推进会"), ("简报", "工作<mark>简报</mark>第12期")],
)
def test_search_page_lists_highlighted_hits_linking_to_records(
    ds: Any, query: str, title: str
) -> None:
    response = get(ds, f"/-/search?q={query}")
    assert response.status_code == 200
    html = response.text
    assert f'value="{query}"' in html  # the form keeps the query
    assert title in html
    assert f"<mark>{query}</mark>" in html  # in a title or a snippet
    row_links = re.findall(rf'class="hit-title" href="(/{DB_NAME}/{DOCUMENTS}/[^"]+)"', html)
    assert row_links
    assert get(ds, row_links[0]).status_code == 200


def test_search_page_escapes_the_text_it_highlights(ds: Any) -> None:
    html = get(ds, "/-/search?q=简报&kind=news").text
    assert "&lt;b&gt;<mark>简报</mark>&lt;/b&gt; &amp; “党”的声音" in html
    assert "<b>简报" not in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ('q="工作', 'unbalanced quote: the " at character 1 is never closed'),
        ("q=简报 AND", "AND needs a term after it"),
        ("q=简报&kind=page", "unknown kind 'page': use news, brief or attachment"),
        ("q=简报&limit=0", "limit must be a whole number from 1 to 1000"),
        # once a 500: int() refuses "²", which str.isdigit() takes; a RecursionError
        ("q=简报&limit=%C2%B2", "limit must be a whole number from 1 to 1000"),
        ("q=简报&limit=" + "9" * 5000, "limit must be a whole number from 1 to 1000"),
        ("q=" + "(" * 300 + "a" + ")" * 300,
         "the query nests deeper than 24 levels at character 25 (parentheses, NOT, title:, body:)"),
        ("q=" + "+".join(["a"] * 1500), "the query is 2999 characters long; at most 2000"),
        ("q=" + "+OR+".join(["ab"] * 65), "the query has 65 terms; at most 64"),
    ],
)
def test_a_bad_search_is_a_400_with_one_line(ds: Any, params: str, message: str) -> None:
    response = get(ds, f"/-/search.json?{params}")
    assert response.status_code == 400
    assert response.json()["error"] == message
    page = get(ds, f"/-/search?{params}")
    assert page.status_code == 400
    assert re.search(r'<p class="message-error">([^<]*)</p>', page.text)[1] == (  # type: ignore[index]
        message.replace('"', "&#34;").replace("'", "&#39;")
    )


def test_search_page_without_a_query_shows_the_form(ds: Any) -> None:
    response = get(ds, "/-/search")
    assert response.status_code == 200
    assert '<form class="archiver-search"' in response.text
    assert '<ol class="archiver-hits">' not in response.text


def test_search_page_says_when_nothing_matches(ds: Any) -> None:
    response = get(ds, "/-/search?q=没有这个词&kind=brief")
    assert response.status_code == 200
    assert '<p class="archiver-count">No hits.</p>' in response.text
    assert '<option value="brief"\n      selected>' in response.text  # the choice is kept


def test_index_page_offers_the_search(ds: Any) -> None:
    html = get(ds, "/").text
    assert '<form class="archiver-search" action="/-/search"' in html
    assert '<a href="/-/search">Search the archive</a>' in html


# -- the command -----------------------------------------------------------------------------



def test_serve_refuses_a_missing_archive(tmp_path: Path) -> None:
    result = run("serve", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"archiver: error: no archive at {tmp_path / 'none.db'} "
        "(run `archiver crawl` to create one)\n"
    )


def test_serve_refuses_a_foreign_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    before = path.read_bytes()
    result = run("serve", "--db", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"archiver: error: {path} is an SQLite database but not an archiver archive\n"
    )
    assert path.read_bytes() == before


def test_serve_refuses_a_port_in_use(archive_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--db", str(archive_path), "--port", str(port))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"archiver: error: cannot listen on 127.0.0.1:{port}: ")
    assert result.stderr.count("\n") == 1


def test_serve_command_serves_until_ctrl_c(archive_path: Path, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with serving(archive_path, log) as (proc, base):
        assert base.startswith("http://127.0.0.1:")
        status, _, body = fetch(base + "-/search.json?q=%E5%85%9A")  # 党
        assert status == 200
        hits = json.loads(body)["hits"]
        assert [hit["url"] for hit in hits] == [NEWS_ODD, NEWS_2011]
    assert proc.returncode == 0, log.read_text()
    first_line = log.read_text().splitlines()[0]
    assert first_line == f"serving {archive_path} read-only at {base} (Ctrl-C stops)"
