"""``archiver sites list`` and ``show``, and bad profiles: no network needed."""

from __future__ import annotations

import tomllib
from pathlib import Path

from archiver.sites import load_profile
from tests.clirunner import run

DEMO = """
name = "demo"
title = "示例大学新闻网"
family = "sudy"
hosts = ["news.demo.edu.cn"]
cited_hosts = ["*.gov.cn"]

[[lists]]
url = "https://news.demo.edu.cn/xwzx/list.htm"
label = "学校新闻"
"""


def test_list_shows_the_shipped_profile_and_the_folders(tmp_path: Path) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "demo.toml").write_text(DEMO, encoding="utf-8")
    result = run("sites", "list", "--db", str(tmp_path / "archive.db"), "--tsv")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "name\tfamily\thosts\tlists\ttitle\tfile"
    assert lines[1] == 'bucea\tbucea\t"[""xww.bucea.edu.cn""]"\t2\t北京建筑大学新闻网\tshipped'
    assert lines[2] == (
        f'demo\tsudy\t"[""news.demo.edu.cn""]"\t1\t示例大学新闻网\t{sites / "demo.toml"}'
    )
    table = run("sites", "list", "--db", str(tmp_path / "archive.db")).output.splitlines()
    assert table[0].split() == ["name", "family", "hosts", "lists", "title", "file"]
    assert table[2].split() == ["bucea", "bucea", "xww.bucea.edu.cn", "2", "北京建筑大学新闻网",
                                "shipped"]  # fmt: skip
    assert not (tmp_path / "archive.db").exists()  # listing profiles needs no archive


def test_show_prints_toml_that_reads_back_as_the_same_profile(tmp_path: Path) -> None:
    result = run("sites", "show", "bucea", "--db", str(tmp_path / "archive.db"))
    assert result.exit_code == 0, result.output
    assert tomllib.loads(result.output)["lists"][0]["label"] == "头条新闻"
    path = tmp_path / "bucea.toml"
    path.write_text(result.output, encoding="utf-8")
    shown = load_profile(path)
    assert shown.hosts == ("xww.bucea.edu.cn",) and len(shown.lists) == 2


def test_an_unknown_name_and_a_bad_profile_are_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "archive.db")
    unknown = run("sites", "show", "nosuch", "--db", db)
    assert unknown.exit_code == 2
    assert unknown.output.strip() == (
        "archiver: error: no site profile named 'nosuch' (known: bucea)"
    )
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "demo.toml").write_text(DEMO.replace('"sudy"', '"wordpress"'), encoding="utf-8")
    for args in (["sites", "list"], ["crawl"], ["sites", "show", "bucea"]):
        bad = run(*args, "--db", db)
        assert bad.exit_code == 2, args
        assert bad.output.count("\n") == 1 and "family 'wordpress' is not one of" in bad.output
        assert str(sites / "demo.toml") in bad.output


def test_add_refuses_a_bad_address_before_any_fetch(tmp_path: Path) -> None:
    result = run("sites", "add", "not a url", "--db", str(tmp_path / "archive.db"))
    assert result.exit_code == 2
    assert result.output.strip() == "archiver: error: 'not a url' is not an http(s) address"


def test_check_says_a_saved_page_lacks_what_the_profile_should_read(tmp_path: Path) -> None:
    saved = tmp_path / "page.html"
    url = "https://xww.bucea.edu.cn/zhxw/99999.htm"
    saved.write_text(f"<!-- saved from url=({len(url):04d}){url} -->\n<html><body>"
                     "<div class='nav'>首页</div></body></html>", encoding="utf-8")  # fmt: skip
    result = run("sites", "check", "bucea", str(saved), "--db", str(tmp_path / "archive.db"))
    assert result.exit_code == 3, result.output
    assert "  problem     " in result.output
    assert "not in the archive: nothing to compare" in result.output
    other = tmp_path / "other.html"
    other.write_text("<!-- saved from url=(0023)https://example.com/a -->", encoding="utf-8")
    refused = run("sites", "check", "bucea", str(other), "--db", str(tmp_path / "archive.db"))
    assert refused.exit_code == 2
    assert "was saved from https://example.com/a, not a page of bucea" in refused.output


def test_parse_reads_with_the_profiles_of_the_folder_it_is_given(tmp_path: Path) -> None:
    import json

    from tests.fixtures.families import PAGES as FAMILY_PAGES
    from tests.fixtures.families import URLS

    name = "sudy_article_c1234a98765_page.htm"
    sites = tmp_path / "mysites"
    sites.mkdir()
    (sites / "demo.toml").write_text(DEMO.replace("news.demo.edu.cn", "news.daxue-b.edu.cn"),
                                     encoding="utf-8")  # fmt: skip
    result = run("parse", "--sites-dir", str(sites), "--url", URLS[name], str(FAMILY_PAGES / name))
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert (record["kind"], record["family"]) == ("news", "sudy")  # a news site: its profile's
    assert record["title"] and record["provenance"]["title"].startswith("sudy:")
