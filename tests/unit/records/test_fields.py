"""The field definition (archiver.records.fields) against everything that spells fields out:
the README's contract, the migrated ``documents`` table, the record dataclasses, the store."""

from __future__ import annotations

import dataclasses
from itertools import takewhile
from pathlib import Path

import pytest

from archiver.records import Brief, Capture, Citation, News
from archiver.records.fields import (
    BRIEF_FIELDS,
    BY_NAME,
    COMMON_FIELDS,
    DERIVED_FIELDS,
    FIELDS,
    NEWS_FIELDS,
    README_TABLES,
    STORED_FIELDS,
    fields_for,
    markdown_table,
    plain_description,
    readme_tables,
)
from archiver.store import Archive, document_row
from archiver.store.selects import AGGREGATES
from archiver.store.tables import DOCUMENTS
from tests.fixtures import REPO

README = REPO / "README.md"
REGENERATE = (
    "make the README's table match the definition: .venv/bin/python -c "
    '"from archiver.records.fields import readme_tables; print(readme_tables())"'
)


def _readme_table(intro: str) -> str:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert lines.count(intro) == 1, f"the README has no line {intro!r} (or more than one)"
    at = lines.index(intro)
    assert lines[at + 1] == "", f"a blank line after {intro!r}"
    table = takewhile(lambda line: line.startswith("|"), lines[at + 2 :])
    return "".join(line + "\n" for line in table)


@pytest.mark.parametrize(("intro", "names"), README_TABLES, ids=[i for i, _ in README_TABLES])
def test_the_readme_tables_are_the_definition(intro: str, names: tuple[str, ...]) -> None:
    assert _readme_table(intro) == markdown_table(names), REGENERATE


def test_the_rendered_tables_are_in_the_readme_as_they_are() -> None:
    assert readme_tables() in README.read_text(encoding="utf-8"), REGENERATE


def test_the_export_order_is_every_record_then_news_then_briefs() -> None:
    exported = [f.name for f in FIELDS if f.exported]
    assert exported == [*COMMON_FIELDS, *NEWS_FIELDS, *BRIEF_FIELDS]
    assert fields_for(None) == (*COMMON_FIELDS, *NEWS_FIELDS, *BRIEF_FIELDS)
    assert fields_for("news") == (*COMMON_FIELDS, *NEWS_FIELDS)
    assert fields_for("brief") == (*COMMON_FIELDS, *BRIEF_FIELDS)
    assert len(BY_NAME) == len(FIELDS), "a field defined twice"


def test_the_documents_table_holds_exactly_the_stored_fields(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "archive.db", create=True) as archive:
        columns = {c.name for c in archive.db.table(DOCUMENTS).columns}
    assert columns == set(STORED_FIELDS)


@pytest.mark.parametrize("cls", [News, Brief])
def test_every_field_of_a_record_kind_is_defined(cls: type[News] | type[Brief]) -> None:
    kind = cls(url="u", site="s").kind
    attributes = {f.name for f in dataclasses.fields(cls)} - {"capture"}
    of_kind = {f.name for f in FIELDS if kind in f.kinds}
    assert attributes - of_kind == set(), "fields of the dataclass the definition lacks"
    from_record = {f.name for f in FIELDS if kind in f.kinds and f.source == "record"}
    assert from_record - attributes == set(), "fields said to come from the record it lacks"


def test_every_field_of_a_capture_is_defined() -> None:
    attributes = {f.name for f in dataclasses.fields(Capture)}
    assert attributes == {f.name for f in FIELDS if f.source == "capture"}


def test_the_derived_fields_are_the_store_s_aggregates() -> None:
    assert set(DERIVED_FIELDS) == set(AGGREGATES) == {"sections", "cites", "cited_by"}


def test_a_records_row_is_every_stored_field_the_store_does_not_set() -> None:
    news = News(
        url="https://xww.bucea.edu.cn/zhxw/1.htm",
        site="xww.bucea.edu.cn",
        department="党委办公室",
        attachments=["https://xww.bucea.edu.cn/a.doc"],
        cites=[Citation("http://kxfzg.bjedu.gov.cn/gzjb/1.html", "link")],
        capture=Capture("2026-11-28T10:00:00Z", 200, "ab" * 32, etag='"x"'),
    )
    row = document_row(news)
    assert set(row) == {f.name for f in FIELDS if f.source in ("record", "capture")}
    assert row["department"] == "党委办公室"
    assert row["attachments"] == '["https://xww.bucea.edu.cn/a.doc"]'
    assert row["etag"] == '"x"'
    assert row["status"] is None  # a brief's field
    brief = document_row(Brief(url="http://kxfzg.bjedu.gov.cn/gzjb/1.html", site="k"))
    assert brief["status"] == "live" and brief["attachments"] is None
    assert brief["fetched_at"] is None  # no capture


def test_datasette_descriptions_are_plain_sentences() -> None:
    assert plain_description(BY_NAME["url"]) == "The page's address (the key)."
    assert plain_description(BY_NAME["kind"]) == "news or brief."
    assert plain_description(BY_NAME["images"]) == (
        "News: JSON list of absolute URLs of the body's images."
    )
    assert plain_description(BY_NAME["status"]).startswith("Brief: live (read from")
    for spec in FIELDS:
        assert "`" not in plain_description(spec)
