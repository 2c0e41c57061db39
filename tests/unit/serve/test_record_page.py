"""A record's own page in ``archiver serve``: the article as it reads, its citations, versions and
capture; the raw capture route; the year facet in year order; CSV that Excel reads as UTF-8.

In-process through ``datasette.client``, except the CSV download, which goes through the real
command over HTTP as a browser's would.
"""

from __future__ import annotations

import csv
import gzip
import html as htmllib
import io
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from datasette.utils import tilde_encode

from archiver.records import Brief, Capture, News
from archiver.serve import DB_NAME, NEWS_VIEW, build_datasette
from archiver.serve.capture_page import SANDBOX
from archiver.serve.downloads import BOM
from archiver.serve.record_page import paragraphs, readable_time
from archiver.store import Archive
from archiver.store.tables import DOCUMENTS
from archiver.webarchive.warc import WarcWriter
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

CAPTURED = "https://xww.bucea.edu.cn/zhxw/40000.htm"
UNAVAILABLE = "http://kxfzg.bjedu.gov.cn/gzjb/2011-06-20/2611.html"
CAPTURED_HTML = "<html><body><h2>改版通知</h2><script>alert(1)</script><p>第一段</p></body></html>"


def page_of(url: str, query: str = "") -> str:
    return f"/{DB_NAME}/{DOCUMENTS}/{tilde_encode(url)}{query}"


def _captured_news(warc: Path, **changes: Any) -> News:
    """A news record whose capture is a real WARC record in ``warc``."""
    with WarcWriter(warc, info={"robots": "obey"}) as writer:
        ref = writer.write_exchange(
            CAPTURED, "GET", [("Host", "xww.bucea.edu.cn")], b"", 200, "OK",
            [("Content-Type", "text/html; charset=utf-8")], CAPTURED_HTML.encode(),
            fetched_at=datetime(2026, 11, 28, 10, 0, tzinfo=UTC),
        )  # fmt: skip
    capture = Capture(
        "2026-11-28T10:00:00Z", 200, ref.payload_sha256, "text/html; charset=utf-8",
        warc_file=ref.warc_file, warc_offset=ref.offset, warc_payload_sha256=ref.payload_sha256,
    )  # fmt: skip
    news = News(
        url=CAPTURED, site="xww.bucea.edu.cn", title="改版通知", published="2014-09-01",
        body="第一段", sections=["综合新闻"], capture=capture,
        provenance={"title": "h2.detail-title", "published": "meta:PubDate"},
    )  # fmt: skip
    for name, value in changes.items():
        setattr(news, name, value)
    return news


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The factories' records; NEWS_2011 saved again with an edited body (two versions); one
    more 2011 article (2011 outnumbers the later years); an article with a real capture."""
    path = make_archive(tmp_path_factory.mktemp("record-page") / "archive.db")
    (news_2011,) = [r for r in RECORDS if r.url == NEWS_2011]
    with Archive.open(path) as archive:
        archive.save_document(replace(news_2011, body=news_2011.body + "\n会议最后合影留念。"))
        archive.save_document(
            News(url="https://xww.bucea.edu.cn/zhxw/26999.htm", site="xww.bucea.edu.cn",
                 title="又一篇2011年的新闻", published="2011-12-01", body="正文。")
        )  # fmt: skip
        archive.save_document(_captured_news(path.parent / "warc"))
        archive.save_document(
            Brief(url=UNAVAILABLE, site="kxfzg.bjedu.gov.cn", status="unavailable",
                  parse_warnings=["live site failed: HTTP 502", "no capture in the web archive"])
        )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def ds(archive_path: Path) -> Iterator[Any]:
    with in_process(archive_path) as datasette:
        yield datasette


def text_of(html: str, css_class: str) -> str:
    """The text of the first element with class ``css_class`` (tags dropped, unescaped)."""
    found = re.search(rf'class="{css_class}"[^>]*>(.*?)</(p|h1|div|section|ul)>', html, re.S)
    assert found, f"no {css_class} in the page"
    return htmllib.unescape(re.sub(r"<[^>]+>", "", found[1])).strip()


# -- the article ------------------------------------------------------------------------------


def test_the_page_reads_like_the_article(ds: Any) -> None:
    response = get(ds, page_of(NEWS_2011))
    assert response.status_code == 200
    html = response.text
    assert "<title>我校召开创先争优活动推进会</title>" in html
    assert text_of(html, "record-title") == "我校召开创先争优活动推进会"
    assert text_of(html, "kicker") == "News article · 综合新闻"
    assert "2011-04-11" in text_of(html, "record-meta") and "党委办公室" in html
    body = re.search(r'<div class="record-body">(.*?)</div>', html, re.S)[1]  # type: ignore[index]
    assert re.findall(r"<p>([^<]*)</p>", body) == [
        "会议传达了市委教育工委工作简报精神。", "党委书记讲话。", "会议最后合影留念。",
    ]  # fmt: skip
    assert f'<a class="original" href="{NEWS_2011}"' in html
    assert 'class="rows-and-columns"' not in html  # not Datasette's table of columns


def test_citations_link_to_their_record_pages(ds: Any) -> None:
    html = get(ds, page_of(NEWS_2011)).text
    cites = re.search(r'<section class="record-cites">(.*?)</section>', html, re.S)[1]  # type: ignore[index]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', cites)
    assert links == [
        (page_of(BRIEF_ARCHIVED), "工作简报第12期"),
        (page_of(BRIEF_LIVE), "北京教育工作简报2012年第3期"),
    ]
    assert "address in the text, archived" in cites and "linked" in cites
    brief = get(ds, links[0][0]).text
    assert text_of(brief, "kicker") == "Bureau brief · 北京市教育工委"
    cited_by = re.search(r'<section class="record-cited-by">(.*?)</section>', brief, re.S)[1]  # type: ignore[index]
    assert f'<a href="{page_of(NEWS_2011)}">我校召开创先争优活动推进会</a>' in cited_by
    assert '<a class="archived" href="https://web.archive.org/web/20110412083000id_/' in brief
    assert "(captured 2011-04-12 08:30:00 UTC)" in brief


def test_page_text_is_escaped_never_markup(ds: Any) -> None:
    html = get(ds, page_of(NEWS_ODD)).text
    assert "&lt;b&gt;简报&lt;/b&gt; &amp; “党”的声音" in html
    assert "<b>简报</b>" not in html


def test_versions_are_listed_and_each_can_be_shown(ds: Any) -> None:
    html = get(ds, page_of(NEWS_2011)).text
    versions = re.search(r'<section class="record-versions">(.*?)</section>', html, re.S)[1]  # type: ignore[index]
    assert f'<a href="{page_of(NEWS_2011)}?version=1">Version 1</a>' in versions
    assert "<strong>Version 2</strong>" in versions and "changed: body" in versions
    old = get(ds, page_of(NEWS_2011, "?version=1")).text
    assert "会议最后合影留念。" not in old and "党委书记讲话。" in old
    assert "Version 1\n    of 2" in old
    assert f'<a href="{page_of(NEWS_2011)}">The latest version</a>' in old


@pytest.mark.parametrize("asked", ["9", "x<y", "-1"])
def test_a_version_that_is_none_shows_the_latest_and_says_so(ds: Any, asked: str) -> None:
    response = get(ds, page_of(NEWS_2011, f"?version={asked}"))
    assert response.status_code == 200
    notice = text_of(response.text, "notice")
    assert notice == f"This page has no version {asked}; the latest is shown."
    assert "会议最后合影留念。" in response.text


def test_provenance_is_at_hand_but_out_of_the_way(ds: Any) -> None:
    html = get(ds, page_of(CAPTURED)).text
    assert '<h1 class="record-title" title="title: h2.detail-title">' in html
    details = re.search(r'<details class="record-provenance">(.*?)</details>', html, re.S)[1]  # type: ignore[index]
    assert "<th>published</th><td><code>meta:PubDate</code>" in details


def test_a_brief_nobody_could_give_says_why(ds: Any) -> None:
    html = get(ds, page_of(UNAVAILABLE)).text
    assert text_of(html, "record-title") == "(no title on the page)"
    assert " ".join(text_of(html, "notice").split()) == (
        "Neither its own site nor the web archive gave this page: live site failed: HTTP 502; "
        "no capture in the web archive."
    )
    assert '<p class="empty">(no body on the page)</p>' in html
    assert 'class="capture-view"' not in html  # nothing captured, nothing offered


def test_a_missing_record_is_a_404(ds: Any) -> None:
    assert get(ds, page_of("https://x.cn/none.htm")).status_code == 404


# -- the capture ------------------------------------------------------------------------------


def test_the_capture_is_served_sandboxed_and_as_its_warc_record(ds: Any) -> None:
    html = get(ds, page_of(CAPTURED)).text
    href = htmllib.unescape(re.search(r'<a class="capture-view" href="([^"]+)"', html)[1])  # type: ignore[index]
    response = get(ds, href)
    assert response.status_code == 200
    assert response.content == CAPTURED_HTML.encode()
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == SANDBOX  # its script never runs
    warc = get(ds, href + "&as=warc")
    assert warc.headers["content-disposition"].endswith('.warc.gz"')
    record = gzip.decompress(warc.content)
    assert record.startswith(b"WARC/1.1\r\nWARC-Type: response\r\n")
    assert record.rstrip().endswith(CAPTURED_HTML.encode())


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("", 400, "which capture? add ?url=ADDRESS"),
        (f"?url={NEWS_2012}", 404, "the archive holds no capture of that page"),
        ("?url=https://x.cn/none.htm", 404, "the archive holds no capture of that page"),
        (f"?url={CAPTURED}&version=x", 400, "version must be a whole number"),
        (f"?url={CAPTURED}&version=7", 404, "the archive holds no capture of that page"),
    ],
)
def test_a_capture_that_cannot_be_served_says_why(
    ds: Any, query: str, status: int, message: str
) -> None:
    response = get(ds, "/-/capture" + query)
    assert (response.status_code, response.text) == (status, message + "\n")


def test_an_altered_capture_is_never_served(tmp_path: Path) -> None:
    path = make_archive(tmp_path / "archive.db")
    with Archive.open(path) as archive:
        news = _captured_news(tmp_path / "warc")
        assert news.capture is not None
        news.capture.warc_payload_sha256 = "0" * 64  # what the archive says it captured
        archive.save_document(news)
    datasette = build_datasette(path)
    try:
        response = get(datasette, f"/-/capture?url={CAPTURED}")
    finally:
        for database in datasette.databases.values():
            database.close()
    assert response.status_code == 409
    assert response.text.startswith("the capture was altered: ")


# -- tables, facets and CSV -------------------------------------------------------------------


def test_the_year_facet_lists_years_newest_first_not_by_count(ds: Any) -> None:
    data = get(ds, f"/{DB_NAME}/{NEWS_VIEW}.json").json()
    years = [(r["value"], r["count"]) for r in data["facet_results"]["year"]["results"]]
    assert years == [("2014", 1), ("2013", 1), ("2012", 1), ("2011", 2)]
    chosen = get(ds, f"/{DB_NAME}/{NEWS_VIEW}.json?_shape=array&year=2011").json()
    assert {row["url"] for row in chosen} == {NEWS_2011, "https://xww.bucea.edu.cn/zhxw/26999.htm"}


def test_table_pages_link_titles_and_fold_raw_html(ds: Any) -> None:
    html = get(ds, f"/{DB_NAME}/{DOCUMENTS}").text
    assert f'<a href="{page_of(NEWS_2011)}">我校召开创先争优活动推进会</a>' in html
    assert "&lt;html" not in html and "<script>alert(1)" not in html
    assert 'details.className = "archiver-column-descriptions"' in html  # folded away


def test_csv_downloads_start_with_a_bom_and_decode(archive_path: Path, tmp_path: Path) -> None:
    with serving(archive_path, tmp_path / "serve.log") as (_, base):
        status, headers, body = fetch(f"{base}{DB_NAME}/{NEWS_VIEW}.csv?_size=max&_dl=1")
        _, _, shown = fetch(f"{base}{DB_NAME}/{NEWS_VIEW}.csv?_size=max")
        _, _, as_json = fetch(f"{base}{DB_NAME}/{NEWS_VIEW}.json")
    assert status == 200
    assert headers["content-disposition"] == 'attachment; filename="news.csv"'
    assert body[:3] == BOM == b"\xef\xbb\xbf" and shown[:3] == BOM
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0].keys() >= {"url", "title", "published", "year"}  # no BOM in the first name
    assert {row["title"] for row in rows} >= {"我校召开创先争优活动推进会", "学校举行新年联欢会"}
    assert not as_json.startswith(BOM)


# -- helpers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2011-04-11", "2011-04-11"),
        ("2012-01-01T19:30+08:00", "2012-01-01 19:30 +08:00"),
        ("2026-11-28T10:00:00.123456Z", "2026-11-28 10:00:00 UTC"),
        ("sometime", "sometime"),
        (None, None),
    ],
)
def test_readable_time(value: str | None, shown: str | None) -> None:
    assert readable_time(value) == shown


def test_paragraphs_are_the_bodys_nonblank_lines() -> None:
    assert paragraphs("第一段\n\n  第二段 \n") == ["第一段", "第二段"]
    assert paragraphs(None) == []
