"""The fields read from other tables (sections, cites, cited_by), each in its order, the same
in whole records and in the export's tuples: with none, one and several rows behind them."""

from __future__ import annotations

import json
from typing import Any

from archiver.records import Citation
from archiver.store import Archive, Filters
from tests.factories import BRIEF_URL, NEWS_URL, make_brief, make_news

OTHER_NEWS = "https://xww.bucea.edu.cn/zhxw/26537.htm"
OTHER_BRIEF = "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2449.html"
DERIVED = ("url", "sections", "cites", "cited_by")


def derived(archive: Archive) -> dict[str, dict[str, Any]]:
    """url -> the derived fields, from records() and from record_tuples() (as JSON text)."""
    records = {r["url"]: {name: r[name] for name in DERIVED} for r in archive.records()}
    kinds = {"news": set(DERIVED), "brief": set(DERIVED)}
    tuples = archive.record_tuples(Filters(), DERIVED, kinds)
    assert {row[0]: row for row in tuples} == {
        url: tuple(_json(record[name]) for name in DERIVED) for url, record in records.items()
    }
    return records


def _json(value: Any) -> Any:
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "[]" if value is None else value


def test_several_sections_keep_the_order_they_were_seen_in(archive: Archive) -> None:
    # rowid order, not the alphabet's (头 sorts before 综 in Unicode)
    archive.save_document(make_news(sections=["综合新闻"]))
    archive.add_sections(NEWS_URL, ["头条新闻", "媒体关注"])
    archive.save_document(make_news(url=OTHER_NEWS, sections=["头条新闻"], cites=[]))
    rows = derived(archive)
    assert rows[NEWS_URL]["sections"] == ["综合新闻", "头条新闻", "媒体关注"]
    assert rows[OTHER_NEWS]["sections"] == ["头条新闻"]


def test_cites_in_first_position_order_and_cited_by_sorted_and_distinct(
    archive: Archive,
) -> None:
    cites = [
        Citation(OTHER_BRIEF, "link"),
        Citation(BRIEF_URL, "text"),
        Citation(OTHER_BRIEF, "text"),
    ]
    archive.save_document(make_news(sections=[], cites=cites))
    archive.save_document(make_news(url=OTHER_NEWS, cites=[Citation(BRIEF_URL, "link")]))
    archive.save_document(make_brief())
    archive.save_document(make_brief(url=OTHER_BRIEF))
    rows = derived(archive)
    assert rows[NEWS_URL]["cites"] == [OTHER_BRIEF, BRIEF_URL]
    assert rows[NEWS_URL]["sections"] == []
    assert rows[OTHER_NEWS]["cites"] == [BRIEF_URL]
    assert rows[BRIEF_URL]["cited_by"] == sorted([NEWS_URL, OTHER_NEWS])
    assert rows[OTHER_BRIEF]["cited_by"] == [NEWS_URL]


def test_nothing_behind_a_derived_field_is_an_empty_list(archive: Archive) -> None:
    archive.save_document(make_news(sections=[], cites=[]))
    archive.save_document(make_brief())
    rows = derived(archive)
    assert rows[NEWS_URL]["sections"] == [] and rows[NEWS_URL]["cites"] == []
    assert rows[BRIEF_URL]["cited_by"] == []
