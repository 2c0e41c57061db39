"""A real browser on ``archiver serve``: headless Chromium types a Chinese term into the
search form and finds the record; it reads a crawled article's record page as a person would
(title on one line, the body as paragraphs, no markup shown as text), follows its versions and
citations, and takes a screenshot of it, whose path the test prints (in the test's tmp_path, or
in ``$TEST_SCREENSHOT_DIR`` when set: pytest keeps only its last three tmp folders).

Needs Debian's ``chromium`` at /usr/bin/chromium (driven by Playwright, whose own browser
download is not used). Without it the test is skipped on a workstation, but fails under CI
(``CI`` set), where .ci/run installs it. Chromium is told to use no proxy, so the tests pass
whatever ``http_proxy`` the shell sets.
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.crawling import crawl
from tests.factories import NEWS_2011, make_archive
from tests.mockweb import MockWeb, default_world
from tests.serving import fetch, serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox will not start
    "--no-proxy-server",  # 127.0.0.1 directly, whatever http_proxy says
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000
#: The seed article of the mock web (it cites an archived brief), and an edit made to it.
ARTICLE = "https://xww.bucea.edu.cn/zhxw/26536.htm"
EDIT, TAIL = "（本文有更新）", "部署下一阶段任务。"  # the edit follows the tail
#: Markup shown as text: a tag, an entity left unescaped.
RAW_MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9:]*(\s[^<>]*)?/?>|&(nbsp|lt|gt|amp|#\d+);")


def require_chromium() -> None:
    """Skip without Chromium, unless under CI, where its absence is a failure."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing; CI must install Debian's chromium package")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def crawled_twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """The mock web crawled, the seed article's first paragraph edited, crawled again: an
    archive whose article has two versions. Its path, the paragraph before and after."""
    db = tmp_path_factory.mktemp("crawled") / "archive.db"
    world = default_world()
    (article,) = [a for a in world.expected.articles if a.url == ARTICLE]
    before = article.paragraphs[0]
    assert before.endswith(TAIL)
    parts = urlsplit(ARTICLE)
    with MockWeb(world) as web:
        assert (first := crawl(web, db)).returncode == 0, first.stderr
        page = world.page(parts.hostname or "", parts.path)
        assert page is not None and page.body.count(TAIL.encode()) == 1
        edited = page.body.replace(TAIL.encode(), (TAIL + EDIT).encode())
        web.set_page(parts.hostname or "", parts.path, edited)
        assert (second := crawl(web, db)).returncode == 0, second.stderr
    return db, before, before + EDIT


def test_a_chinese_search_in_the_browser_finds_the_record(tmp_path: Path, browser: Any) -> None:
    from playwright.sync_api import expect

    archive = make_archive(tmp_path / "archive.db")
    with serving(archive, tmp_path / "serve.log") as (_, base):
        page = browser.new_page(viewport={"width": 1024, "height": 768})
        page.set_default_timeout(TIMEOUT_MS)

        # the index page's form, as a reader finds it
        page.goto(base)
        page.locator("form.archiver-search input[name=q]").first.fill("简报")
        page.locator("form.archiver-search input[type=submit]").first.click()
        page.wait_for_url("**/-/search?q=*")
        hits = page.locator("ol.archiver-hits > li")
        expect(hits.first).to_be_visible()
        titles = page.locator("ol.archiver-hits a.hit-title")
        expect(titles).to_contain_text(["工作简报第12期"])
        expect(page.locator("ol.archiver-hits mark").first).to_have_text("简报")
        page.screenshot(path=str(tmp_path / "search-简报.png"), full_page=True)

        # a one-character term, typed into the search page's own form, news only
        page.locator("form.archiver-search input[name=q]").fill("党")
        page.locator("form.archiver-search select[name=kind]").select_option("news")
        page.locator("form.archiver-search input[type=submit]").click()
        page.wait_for_url("**/-/search?q=%E5%85%9A*")
        expect(titles.last).to_have_text("我校召开创先争优活动推进会")

        # a hit leads to the whole record, laid out as the article
        titles.last.click()
        page.wait_for_url("**/archive/documents/*")
        expect(page.locator("h1.record-title")).to_have_text("我校召开创先争优活动推进会")
        expect(page.locator(".record-body p")).to_have_text(
            ["会议传达了市委教育工委工作简报精神。", "党委书记讲话。"]
        )
        assert NEWS_2011 in page.locator("a.original").get_attribute("href")
    screenshot = tmp_path / "search-简报.png"
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_crawled_articles_record_page_reads_like_the_article(
    crawled_twice: tuple[Path, str, str], browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    db, before, after = crawled_twice
    with serving(db, tmp_path / "serve.log") as (_, base):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)

        # from the news table, as a reader browses: the title links to the record page
        page.goto(base + "archive/news")
        page.get_by_role("link", name="我校扎实推进创先争优活动", exact=True).click()
        page.wait_for_url("**/archive/documents/*")

        title = page.locator("h1.record-title")
        expect(title).to_have_text("我校扎实推进创先争优活动")
        box = title.bounding_box()
        line_height = title.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
        assert box["width"] > box["height"] and box["height"] < 1.5 * line_height, box  # one line
        expect(page.locator(".record-meta time")).to_have_text("2011-04-11")
        paragraphs = page.locator(".record-body p")
        assert paragraphs.count() >= 2
        expect(paragraphs.first).to_have_text(after)
        text = page.locator("article.archiver-record").inner_text()
        assert not RAW_MARKUP.search(text), RAW_MARKUP.search(text)
        shot = Path(os.environ.get("TEST_SCREENSHOT_DIR") or tmp_path) / "record-page.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"\nscreenshot of the record page: {shot}")
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

        # the capture: the page as fetched, sandboxed, and its WARC record
        capture_href = page.locator("a.capture-view").get_attribute("href")
        status, headers, body = fetch(base.rstrip("/") + capture_href)
        assert status == 200 and (TAIL + EDIT).encode() in body
        assert headers["Content-Security-Policy"].startswith("sandbox")
        status, headers, warc = fetch(base.rstrip("/") + capture_href + "&as=warc")
        assert status == 200 and gzip.decompress(warc).startswith(
            b"WARC/1.1\r\nWARC-Type: response"
        )

        # the version before the edit, and back
        versions = page.locator("section.record-versions")
        expect(versions.locator("li")).to_have_count(2)
        versions.get_by_role("link", name="Version 1").click()
        page.wait_for_url("**?version=1")
        expect(paragraphs.first).to_have_text(before)
        expect(page.locator(".notice")).to_contain_text("Version 1 of 2")
        page.get_by_role("link", name="The latest version").click()
        expect(paragraphs.first).to_have_text(after)

        # the brief it cites (recovered from the web archive), and the news citing it
        cited = page.locator("section.record-cites a").first
        brief_title = cited.inner_text()
        cited.click()
        expect(page.locator("h1.record-title")).to_have_text(brief_title)
        expect(page.locator("a.archived")).to_have_attribute(
            "href", re.compile(r"web\.archive\.org")
        )
        page.locator("section.record-cited-by").get_by_role(
            "link", name="我校扎实推进创先争优活动"
        ).click()
        page.wait_for_url(re.compile(r"/archive/documents/https~3A~2F~2Fxww~2E.*~2F26536~2Ehtm$"))
        expect(page.locator("h1.record-title")).to_have_text("我校扎实推进创先争优活动")
