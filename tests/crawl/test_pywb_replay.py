"""A crawl's captures replay in pywb, the Webrecorder wayback machine.

A real ``archiver crawl`` of the mock world (through the local proxy, as in
tests/test_crawl_e2e.py) writes its WARC files; they go into a pywb collection the way a user
puts them there (``wb-manager init`` + ``wb-manager add``), and pywb's ``wayback`` server
serves that collection on 127.0.0.1. No part of pywb is mocked. This proves the files are not
only well-formed (``warcio check``) but usable by the standard replay tool:

- pywb indexes each news article and brief under the URL it was fetched from, and its index
  entry points at the very record the archive database names (WARC file and offset);
- ``/<coll>/<ts>id_/<url>`` gives back an article's bytes exactly as the site served them;
  the rewritten replay (``/<coll>/<ts>/<url>``, pywb's frame, and ``mp_``, the page in it)
  shows the article with its title, its links rewritten into the collection, and the bureau
  brief it cites replays from there;
- a brief the crawler fetched from the web archive is indexed under the ``id_`` URL it came
  from (``https://web.archive.org/web/<archive ts>id_/<url>``), not under its own URL, where
  only the live site's failure is stored; from there it replays byte for byte and rewritten.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from archiver.webarchive.warc import CapturedResponse, read_capture, warc_files
from tests.crawling import FinishedCrawl
from tests.mockweb import World, default_world
from tests.mockweb.facts import ArticleFact, BriefFact
from tests.pywb_support import Wayback, make_collection

COLL = "bucea"


@dataclass(frozen=True)
class Replay:
    """What the tests share: the world crawled, the crawl's database, the pywb server."""

    world: World
    db: Path
    wayback: Wayback

    def row(self, url: str) -> dict[str, Any]:
        """The archive database's record of ``url``."""
        with sqlite3.connect(self.db) as conn:
            conn.row_factory = sqlite3.Row
            row = conn.execute("SELECT * FROM documents WHERE url = ?", (url,)).fetchone()
        assert row is not None, url
        return dict(row)

    def capture(self, url: str) -> tuple[CapturedResponse, str]:
        """The WARC capture the database records for ``url``, and its 14-digit timestamp."""
        row = self.row(url)
        capture = read_capture(self.db.parent / "warc", (row["warc_file"], row["warc_offset"]))
        return capture, f"{capture.date:%Y%m%d%H%M%S}"

    def cdx(self, url: str) -> list[dict[str, str]]:
        """pywb's index entries for exactly ``url`` (its CDX server API)."""
        reply = self.wayback.get(f"/{COLL}/cdx?output=json&url={quote(url, safe='')}")
        assert reply.status == 200, reply.body[:500]
        return [json.loads(line) for line in reply.text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def replay(
    default_crawl: FinishedCrawl, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Replay]:
    """One crawl of the default world, its WARC files in a pywb collection, ``wayback`` on it.

    Module-scoped, like the crawl (conftest.py's ``default_crawl``, copied here): the tests
    below only read, so they share one crawl and one server.
    """
    tmp = tmp_path_factory.mktemp("pywb")
    db = default_crawl.copy_to(tmp / "crawl")
    world = default_world()  # the facts of the world crawled
    result = default_crawl.result()
    assert result.returncode == 0, result.stderr[-3000:]
    warcs = warc_files(db.parent / "warc")
    assert warcs, "the crawl wrote no WARC file"
    make_collection(tmp / "pywb", COLL, warcs)
    with Wayback(tmp / "pywb") as wayback:
        yield Replay(world, db, wayback)


def test_pywb_indexes_every_capture_where_the_database_says_it_is(replay: Replay) -> None:
    expected = replay.world.expected
    stored = [b.url for b in expected.briefs if b.status != "unavailable"]
    for url in [*(a.url for a in expected.articles), *stored]:
        row = replay.row(url)
        fetched_from = row["archived_url"] or url
        (entry,) = [e for e in replay.cdx(fetched_from) if e["status"] == "200"]
        assert (entry["url"], entry["filename"], entry["offset"]) == (
            fetched_from, row["warc_file"], str(row["warc_offset"]),
        ), url  # fmt: skip


def test_an_article_replays_byte_for_byte_and_rewritten(replay: Replay) -> None:
    article, cited = _article_citing_a_live_brief(replay.world)
    capture, ts = replay.capture(article.url)
    parts = urlsplit(article.url)
    served = replay.world.page(parts.hostname or "", parts.path)
    assert served is not None

    original = replay.wayback.get(f"/{COLL}/{ts}id_/{article.url}")
    assert original.status == 200
    assert original.body == capture.payload == served.body
    assert original.headers["Content-Type"] == "text/html; charset=utf-8"
    assert original.headers["Memento-Datetime"] == format_datetime(capture.date, usegmt=True)

    frame = replay.wayback.get(f"/{COLL}/{ts}/{article.url}")
    assert frame.status == 200
    assert article.url in frame.text() and ts in frame.text()

    page = replay.wayback.get(f"/{COLL}/{ts}mp_/{article.url}")
    assert page.status == 200
    html = page.text()
    assert _title(html).startswith(article.title)
    assert f'<h2 class="detail-title">{article.title}</h2>' in html
    # the link to the cited brief now points into the collection, and the brief replays there
    assert f'href="{cited.url}"' not in html
    assert f"/{COLL}/{ts}mp_/{cited.url}" in html
    brief = replay.wayback.get(f"/{COLL}/{ts}mp_/{cited.url}")
    assert brief.status == 200
    assert cited.title and cited.title in _title(brief.text())


def test_briefs_from_the_web_archive_replay_under_their_id_urls(replay: Replay) -> None:
    archived = [b for b in replay.world.expected.briefs if b.status == "archived"]
    assert archived
    for fact in archived:
        fetched_from = f"https://web.archive.org/web/{fact.capture_ts}id_/{fact.url}"
        assert replay.row(fact.url)["archived_url"] == fetched_from
        capture, ts = replay.capture(fact.url)
        assert capture.url == fetched_from
        (held,) = [
            c for c in replay.world.archive.captures(fact.url) if c.timestamp == fact.capture_ts
        ]

        # under its own URL pywb has only what the dead or moved live site answered
        own = {e["status"] for e in replay.cdx(fact.url)}
        assert own == {str(fact.live_status)}, fact.url

        original = replay.wayback.get(f"/{COLL}/{ts}id_/{fetched_from}")
        assert original.status == 200, fact.url
        assert original.body == capture.payload == held.body

        page = replay.wayback.get(f"/{COLL}/{ts}mp_/{fetched_from}")
        assert page.status == 200, fact.url
        html = page.body.decode(_charset(held.body))
        assert fact.title and _title(html).startswith(fact.title), fact.url


def _article_citing_a_live_brief(world: World) -> tuple[ArticleFact, BriefFact]:
    live = {b.url: b for b in world.expected.briefs if b.status == "live"}
    for article in world.expected.articles:
        for cite in article.cites:
            if cite.url in live:
                return article, live[cite.url]
    raise AssertionError("no article of the world cites a live brief")


def _title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found, html[:500]
    return found.group(1).strip()


def _charset(body: bytes) -> str:
    """The charset a page declares in its ``<meta>``, else UTF-8."""
    found = re.search(rb"""charset=["']?([\w-]+)""", body[:2048])
    return found.group(1).decode("ascii") if found else "utf-8"
