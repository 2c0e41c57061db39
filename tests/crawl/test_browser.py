"""A real browser on ``archiver serve``: headless Chromium types a Chinese term into the
search form and finds the record.

Needs Debian's ``chromium`` at /usr/bin/chromium (driven by Playwright, whose own browser
download is not used). Without it the test is skipped on a workstation, but fails under CI
(``CI`` set), where .ci/run installs it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.factories import NEWS_2011, make_archive
from tests.serving import serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox will not start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000


def require_chromium() -> None:
    """Skip without Chromium, unless under CI, where its absence is a failure."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing; CI must install Debian's chromium package")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")


def test_a_chinese_search_in_the_browser_finds_the_record(tmp_path: Path) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    archive = make_archive(tmp_path / "archive.db")
    with (
        serving(archive, tmp_path / "serve.log") as (_, base),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
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

            # a hit leads to the whole record
            titles.last.click()
            page.wait_for_url("**/archive/documents/*")
            expect(page.locator("body")).to_contain_text(NEWS_2011)
            expect(page.locator("body")).to_contain_text("党委书记讲话。")
        finally:
            browser.close()
    screenshot = tmp_path / "search-简报.png"
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
