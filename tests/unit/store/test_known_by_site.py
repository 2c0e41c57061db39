"""ArchivedPages looks for unfinished work among one site's articles only (issue 11: an
incremental crawl of a site works in proportion to that site, not to the archive)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from archiver.crawl.incremental import site_prefixes
from archiver.records import Capture, Citation, News
from archiver.sites import adhoc_profile
from archiver.store import Archive
from archiver.store.known import ArchivedPages

OURS = "xww.bucea.edu.cn"
OTHERS = ("xww.bucea.edu.cn.example.org", "news.other.edu.cn", "xww.bucea.edu.c")


def article(host: str, n: int, scheme: str = "https") -> News:
    url = f"{scheme}://{host}/zhxw/{n}.htm"
    return News(
        url=url,
        site=host.split(":")[0],
        title=f"标题{n}",
        body="正文",
        cites=[Citation(f"https://jw.beijing.gov.cn/jb/{host}-{n}.html", "link")],
        attachments=[f"{scheme}://{host}/docs/{n}.doc"],
        capture=Capture("2026-11-28T10:00:00Z", 200, "ab" * 32),
    )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    with Archive.open(path, create=True) as archive:
        for n, host in enumerate((OURS, *OTHERS, f"{OURS}:8443")):
            archive.save_document(article(host, n))
        archive.save_document(article(OURS, 9, scheme="http"))
    return path


def test_a_sites_unfinished_work_is_found_by_its_urls_alone(path: Path) -> None:
    prefixes = site_prefixes([adhoc_profile(f"https://{OURS}/zhxw/index.htm")])
    with ArchivedPages(path) as pages:
        everything = pages.unarchived_files()
        briefs = pages.unrecorded_briefs(prefixes)
        files = pages.unarchived_files(prefixes=prefixes)
    ours = [
        f"http://{OURS}/zhxw/9.htm",
        f"https://{OURS}/zhxw/0.htm",
        f"https://{OURS}:8443/zhxw/4.htm",
    ]
    assert sorted(news for news, _brief in briefs) == ours
    assert [brief for _news, brief in briefs] == sorted(brief for _news, brief in briefs)
    assert [news for news, _file in files] == ours  # in the order of the URLs
    assert len(everything) == 6  # the other sites' work is there, and not this site's
    assert set(files) < set(everything)


def test_no_prefix_covers_a_wildcard_host() -> None:
    profile = adhoc_profile(f"https://{OURS}/zhxw/index.htm")
    assert site_prefixes([profile]) == [
        f"http://{OURS}/", f"http://{OURS}:", f"https://{OURS}/", f"https://{OURS}:",
    ]  # fmt: skip
    wildcard = dataclasses.replace(profile, hosts=("*.bucea.edu.cn",))
    assert site_prefixes([wildcard]) is None
