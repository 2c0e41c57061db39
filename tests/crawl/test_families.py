"""Every university: sites of the VSB, SUDY and TRS families crawled end to end.

Each family site of the mock web (rendered from facts to the real server markup: a BOM, single
quotes, dynamic twins, lists counting down and up, a page count only in JavaScript, an anti-bot
challenge) is crawled over the local web three ways: with ``--start-url`` alone (no profile:
the family is recognised on each page), with a profile written by ``archiver sites add``, and
with a profile file alone (no option, no Python). Every exported field is checked against the
facts the pages were rendered from.
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
import tomllib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import tomli_w

from archiver.export import BRIEF_FIELDS, COMMON_FIELDS, NEWS_FIELDS
from archiver.sites import load_profile
from tests.crawling import archiver, crawl, export
from tests.mockweb import MockWeb, World
from tests.mockweb.facts import FamilySite
from tests.mockweb.families import family_world

FAMILIES = ("vsb", "sudy", "trs")
#: The provenance prefix of each family's own rules for the title.
TITLE_RULE = {"vsb": "vsb:", "sudy": "sudy:", "trs": ("trs:", "meta:ArticleTitle")}


@pytest.fixture(scope="module")
def web() -> Iterator[tuple[World, MockWeb]]:
    world = family_world()
    with MockWeb(world) as mock:
        yield world, mock


def site_of(world: World, family: str) -> FamilySite:
    return world.expected.family_sites[family]


def served_sha256(world: World, url: str) -> str:
    parts = urlsplit(url)
    page = world.page(parts.hostname or "", parts.path + (f"?{parts.query}" if parts.query else ""))
    if page is None:
        page = world.page(parts.hostname or "", parts.path)
    assert page is not None, url
    return hashlib.sha256(page.body).hexdigest()


def check_news(world: World, site: FamilySite, records: list[dict[str, Any]], *,
               labelled: bool) -> None:  # fmt: skip
    """Every news field of ``site``'s articles, against its facts."""
    news = {r["url"]: r for r in records if r["kind"] == "news" and r["site"] == site.host}
    assert set(news) == {a.url for a in site.expected.articles}, site.family
    for fact in site.expected.articles:
        r = news[fact.url]
        assert list(r) == list(COMMON_FIELDS + NEWS_FIELDS + BRIEF_FIELDS)
        assert r["title"] == fact.title, fact.url
        assert r["published"] == fact.published, fact.url
        assert r["department"] == fact.department, fact.url
        assert (r["contributor"], r["reviewer"]) == (fact.contributor, fact.reviewer), fact.url
        assert r["sha256"] == served_sha256(world, fact.url)
        assert r["body"].splitlines() == list(fact.paragraphs), fact.url
        assert r["cites"] == [c.url for c in fact.cites], fact.url
        assert r["attachments"] == list(fact.attachments), fact.url
        assert r["images"] == list(fact.images), fact.url
        if labelled:  # the list's label, printed on the page or given by the profile
            assert site.section in r["sections"], fact.url
        assert r["http_status"] == 200
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["fetched_at"])
        assert r["version"] == 1 and r["withdrawn_at"] is None
        rule = TITLE_RULE[site.family]
        assert r["provenance"]["title"].startswith(rule), (fact.url, r["provenance"])
        for name in BRIEF_FIELDS:
            assert r[name] is None


def check_briefs(site: FamilySite, records: list[dict[str, Any]]) -> None:
    """The briefs the site's articles cite are archived, cited by those articles."""
    briefs = {r["url"]: r for r in records if r["kind"] == "brief"}
    for fact in site.expected.briefs:
        r = briefs[fact.url]
        assert (r["status"], r["title"]) == (fact.status, fact.title), fact.url
        citing = {a.url for a in site.expected.articles if fact.url in [c.url for c in a.cites]}
        assert citing <= set(r["cited_by"])


@pytest.mark.parametrize("family", FAMILIES)
def test_a_start_url_alone_crawls_a_site_of_each_family(
    web: tuple[World, MockWeb], tmp_path: Path, family: str
) -> None:
    world, mock = web
    site = site_of(world, family)
    db = tmp_path / "archive.db"
    before = len(mock.log)
    result = crawl(mock, db, "--start-url", site.start_url)
    records = export(mock, db)
    check_news(world, site, records, labelled=family != "vsb")  # a VSB list prints no label
    check_briefs(site, records)
    requested = [e.url for e in mock.log[before:]]
    # every list page walked through the family's own pagination, and nothing after the last
    for page in site.expected.list_pages:
        assert page.url in requested, page.url
    for url in site.expected.never_fetched:
        assert url not in requested
    # a dynamic twin is its static article, fetched once
    for twin, article in site.twins.items():
        assert not (twin in requested and article in requested), twin
    # an anti-bot challenge is a failed page, never an article
    stored = {r["url"] for r in records}
    for url in site.challenged:
        assert url not in stored
    if site.challenged:
        assert result.returncode == 3, result.stdout + result.stderr
        assert f"errors    {len(site.challenged)}" in result.stdout
        assert "anti-bot challenge" in result.stderr
    else:
        assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("family", FAMILIES)
def test_sites_add_writes_a_profile_that_crawls_the_site(
    web: tuple[World, MockWeb], tmp_path: Path, family: str
) -> None:
    world, mock = web
    site = site_of(world, family)
    db = tmp_path / "archive.db"
    added = archiver(mock, "sites", "add", site.start_url, "--name", site.name,
                     "--title", site.title, "--db", str(db), cwd=tmp_path)  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert f"family      {family}" in added.stdout
    first = site.expected.articles[0]
    assert "title" in added.stdout and "←" in added.stdout  # each field with its rule
    profile = load_profile(tmp_path / "sites" / f"{site.name}.toml")
    assert (profile.family, profile.hosts, profile.start_urls) == (
        family, (site.host,), [site.start_url],
    )  # fmt: skip
    assert not list(tmp_path.glob("warc/*")) and not db.exists()  # a probe stores nothing
    if family == "vsb":  # the list prints no label: the archivist names it in the profile
        path = tmp_path / "sites" / f"{site.name}.toml"
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        data["lists"][0]["label"] = site.section
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
        assert load_profile(path).lists[0].label == site.section
    # the new profile's sites are crawled with the shipped ones' hosts out of the way
    result = crawl(mock, db, "--site", site.name)
    # only the anti-bot challenges (named, counted failures) make a run partial
    assert result.returncode == (3 if site.challenged else 0), result.stdout + result.stderr
    records = export(mock, db)
    check_news(world, site, records, labelled=True)
    assert any(r["url"] == first.url for r in records)
    again = archiver(mock, "sites", "add", site.start_url, "--name", site.name,
                     "--db", str(db), cwd=tmp_path)  # fmt: skip
    assert again.returncode == 2 and "exists (--force replaces it)" in again.stderr


def test_a_profile_file_alone_adds_a_site(web: tuple[World, MockWeb], tmp_path: Path) -> None:
    world, mock = web
    site = site_of(world, "sudy")
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "hdu.toml").write_text(textwrap.dedent(f"""
        name = "hdu"
        title = "{site.title}"
        family = "sudy"
        hosts = ["{site.host}"]
        cited_hosts = {list(site.cited_hosts)!r}

        [[lists]]
        url = "{site.start_url}"
        label = "{site.section}"
    """).replace("'", '"'), encoding="utf-8")  # fmt: skip
    db = tmp_path / "archive.db"
    result = crawl(mock, db)  # no option: every profile, the shipped one and this file
    assert "Traceback" not in result.stderr
    assert result.returncode == 3, result.stdout + result.stderr  # hdu's two challenges
    assert f"errors    {len(site.challenged)}" in result.stdout
    records = export(mock, db)
    check_news(world, site, records, labelled=True)
    assert any(r["site"] == "xww.bucea.edu.cn" for r in records)  # the shipped profile too
    listed = archiver(mock, "sites", "list", "--nl", "--db", str(db), cwd=tmp_path)
    assert listed.returncode == 0
    profiles = {p["name"]: p for p in map(json.loads, listed.stdout.splitlines())}
    assert profiles["hdu"]["family"] == "sudy"
    assert profiles["hdu"]["hosts"] == ["news.hdu.edu.cn"]
    assert profiles["hdu"]["lists"] == 1
    assert profiles["hdu"]["file"].endswith("hdu.toml")
    assert profiles["bucea"]["file"] == "shipped"


def test_sites_check_says_which_fields_changed(
    web: tuple[World, MockWeb], tmp_path: Path
) -> None:
    world, mock = web
    site = site_of(world, "trs")
    db = tmp_path / "archive.db"
    assert archiver(mock, "sites", "add", site.start_url, "--name", "hunan", "--db", str(db),
                    cwd=tmp_path).returncode == 0  # fmt: skip
    assert crawl(mock, db, "--site", "hunan").returncode == 0
    same = archiver(mock, "sites", "check", "hunan", "--db", str(db), cwd=tmp_path)
    assert same.returncode == 0, same.stdout + same.stderr
    assert "unchanged   every field as archived" in same.stdout
    # the site changes its markup: the title is gone from every place the family reads it
    first = site.expected.articles[0]
    path = urlsplit(first.url).path
    page = world.page(site.host, path)
    assert page is not None
    changed_html = page.body.decode("utf-8").replace(first.title, "")
    saved = tmp_path / "saved.html"
    saved.write_text(f"<!-- saved from url=({len(first.url):04d}){first.url} -->\n"
                     + changed_html, encoding="utf-8")  # fmt: skip
    checked = archiver(mock, "sites", "check", "hunan", str(saved), "--db", str(db),
                       cwd=tmp_path)  # fmt: skip
    assert checked.returncode == 3, checked.stdout + checked.stderr
    assert "changed     title" in checked.stdout
    assert "some pages need a look" in checked.stderr


def test_parse_names_the_family_and_the_rule_of_each_field(
    web: tuple[World, MockWeb], tmp_path: Path
) -> None:
    world, _mock = web
    site = site_of(world, "vsb")
    fact = site.expected.articles[0]
    page = world.page(site.host, urlsplit(fact.url).path)
    assert page is not None
    saved = tmp_path / "page.htm"
    saved.write_bytes(page.body)
    result = archiver({}, "parse", "--kind", "news", "--url", fact.url, str(saved), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["family"] == "vsb"
    assert record["title"] == fact.title
    assert record["provenance"]["title"].startswith("vsb:")
    assert record["sha256"] == served_sha256(world, fact.url)


def test_a_profiles_delay_holds_with_autothrottle_on(
    web: tuple[World, MockWeb], tmp_path: Path
) -> None:
    world, mock = web
    site = site_of(world, "sudy")
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "hdu.toml").write_text(
        f'name = "hdu"\ntitle = "hdu"\nfamily = "sudy"\nhosts = ["{site.host}"]\n'
        f'[politeness]\ndelay = 1.0\n[[lists]]\nurl = "{site.start_url}"\n',
        encoding="utf-8",
    )
    db = tmp_path / "archive.db"
    # AutoThrottle on, with no delay of the crawl's own: it would bring the slot's delay
    # down to the mock web's latency (about nothing) were the profile's delay not kept
    result = crawl(mock, db, "--site", "hdu", "--set", "AUTOTHROTTLE_ENABLED=True")
    assert "Traceback" not in result.stderr
    times = sorted(
        datetime.fromisoformat(r["fetched_at"].replace("Z", "+00:00"))
        for r in export(mock, db)
        if r["site"] == site.host
    )
    assert len(times) == len(site.expected.articles) >= 4
    # one request a second to the site: the articles alone span (n - 1) seconds, at least
    # (fetched_at is to the second), with the list pages and files between them
    assert (times[-1] - times[0]).total_seconds() >= len(times) - 2
