"""Site profiles: the shipped one, validation with one-line errors, the archivist's own folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archiver.sites import (
    ProfileError,
    StartList,
    bundled_profiles,
    load_profile,
    load_profiles,
    profile_for_url,
)

GOOD = """
name = "demo"
title = "示例大学新闻网"
family = "bucea"
hosts = ["news.demo.edu.cn", "*.demo.edu.cn"]
cited_hosts = ["jw.beijing.gov.cn"]

[[lists]]
url = "https://news.demo.edu.cn/xxyw/index.htm"
label = "学校要闻"

[[lists]]
url = "https://news.demo.edu.cn/mtjj/index.htm"
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_first_site_ships_as_a_profile() -> None:
    bucea = bundled_profiles()["bucea"]
    assert bucea.hosts == ("xww.bucea.edu.cn",)
    assert bucea.family == "bucea"
    assert bucea.lists == (
        StartList("https://xww.bucea.edu.cn/ttxw/index.htm", "头条新闻"),
        StartList("https://xww.bucea.edu.cn/zhxw/index.htm", "综合新闻"),
    )
    assert "*.bjedu.gov.cn" in bucea.cited_hosts and "jw.beijing.gov.cn" in bucea.cited_hosts


def test_a_profile_file_is_read_and_answers_for_its_urls(tmp_path: Path) -> None:
    demo = load_profile(write(tmp_path, "demo", GOOD))
    assert demo.title == "示例大学新闻网"
    assert demo.start_urls == [
        "https://news.demo.edu.cn/xxyw/index.htm",
        "https://news.demo.edu.cn/mtjj/index.htm",
    ]
    assert demo.label_of("https://news.demo.edu.cn/xxyw/index.htm") == "学校要闻"
    assert demo.label_of("https://news.demo.edu.cn/mtjj/index.htm") is None
    assert demo.owns("http://NEWS.demo.edu.cn/info/1/2.htm")
    assert demo.owns("https://demo.edu.cn/a.htm")  # *.demo.edu.cn covers the apex too
    assert not demo.owns("https://demo.edu.cn.evil.com/a.htm")
    assert not demo.owns("ftp://news.demo.edu.cn/a")
    assert not demo.owns("http://[x")


def test_the_archivists_folder_adds_and_replaces_profiles(tmp_path: Path) -> None:
    write(tmp_path, "demo", GOOD)
    write(tmp_path, "bucea", GOOD.replace('"demo"', '"bucea"'))
    profiles = load_profiles(tmp_path)
    assert set(profiles) == {"bucea", "demo"}
    assert profiles["bucea"].hosts == ("news.demo.edu.cn", "*.demo.edu.cn")
    assert load_profiles(tmp_path / "missing") == bundled_profiles()
    found = profile_for_url(profiles.values(), "https://news.demo.edu.cn/x.htm")
    assert found is not None and found.name in ("bucea", "demo")
    assert profile_for_url(profiles.values(), "https://example.com/") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name = ", "not valid TOML"),
        (GOOD.replace('family = "bucea"', 'family = "nosuch"'), "family 'nosuch' is not one of"),
        (GOOD.replace('family = "bucea"', ""), "missing 'family'"),
        (GOOD.replace('hosts = ["news.demo.edu.cn", "*.demo.edu.cn"]', "hosts = []"),
         "'hosts' must name at least one host"),
        (GOOD.replace('"*.demo.edu.cn"', '"http://x/"'), "is not a host name"),
        (GOOD + 'colour = "red"\n', "unknown key 'colour'"),
        (GOOD.replace("https://news.demo.edu.cn/mtjj/", "https://other.cn/mtjj/"),
         "is not on the site's hosts"),
        (GOOD.replace('url = "https://news.demo.edu.cn/xxyw/index.htm"', 'url = "xxyw"'),
         "is not an http(s) address"),
        (GOOD.replace('name = "demo"', 'name = "Demo Site"'), "use lowercase letters"),
        (GOOD.replace('name = "demo"', 'name = "other"'), "differs from the file's name"),
        (GOOD.replace('label = "学校要闻"', "label = 3"), "label must be a non-empty string"),
    ],
)  # fmt: skip
def test_a_bad_profile_is_one_line_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, "demo", text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(path))
    assert "\n" not in str(caught.value)
    with pytest.raises(ProfileError):
        load_profiles(tmp_path)


def test_an_unreadable_profile_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "demo.toml"
    path.write_bytes(b"name = '\xff'")
    with pytest.raises(ProfileError, match="not UTF-8"):
        load_profile(path)


def test_selectors_and_politeness_are_read_and_checked(tmp_path: Path) -> None:
    text = GOOD + '\n[selectors]\ntitle = "h1.headline"\nbody = "div#content"\n' \
        '\n[politeness]\ndelay = 2.5\nconcurrency = 1\n'
    demo = load_profile(write(tmp_path, "demo", text.replace("[[lists]]", "[[lists]]", 1)))
    assert dict(demo.selectors) == {"title": "h1.headline", "body": "div#content"}
    assert (demo.delay, demo.concurrency) == (2.5, 1)
    for bad, message in [
        ('[selectors]\ncolour = "p"\n', "selectors: unknown field 'colour'"),
        ('[selectors]\ntitle = "h1[["\n', "is not a CSS selector"),
        ("[politeness]\ndelay = -1\n", "delay must be a number from 0 to 1,000,000"),
        ("[politeness]\nconcurrency = 1.5\n", "concurrency must be a whole number"),
        ("[politeness]\nburst = 3\n", "unknown key 'burst'"),
    ]:
        path = write(tmp_path, "demo", GOOD + "\n" + bad)
        with pytest.raises(ProfileError, match=re.escape(message)):
            load_profile(path)


def test_a_site_with_no_profile_gets_one_that_recognises_each_page() -> None:
    from archiver.sites import adhoc_profile

    made = adhoc_profile("https://News.Example.edu.cn/xwzx/list.htm")
    assert (made.name, made.family, made.hosts) == (
        "news-example-edu-cn", "auto", ("news.example.edu.cn",),
    )  # fmt: skip
    assert made.lists == (StartList("https://News.Example.edu.cn/xwzx/list.htm"),)
    assert "*.gov.cn" in made.cited_hosts
    with pytest.raises(ProfileError, match="is not an http"):
        adhoc_profile("ftp://x/")


def test_a_profile_must_name_a_list_and_a_finite_delay(tmp_path: Path) -> None:
    no_lists = GOOD[: GOOD.index("[[lists]]")]
    with pytest.raises(ProfileError, match=r"names no section list"):
        load_profile(write(tmp_path, "demo", no_lists))
    with pytest.raises(ProfileError, match="delay must be a number from 0 to 1,000,000"):
        load_profile(write(tmp_path, "demo", GOOD + "\n[politeness]\ndelay = inf\n"))
