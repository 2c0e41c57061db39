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
    result = run("sites", "list", "--db", str(tmp_path / "archive.db"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "bucea\tbucea\txww.bucea.edu.cn\t2 lists\t北京建筑大学新闻网\tshipped"
    assert lines[1] == (
        f"demo\tsudy\tnews.demo.edu.cn\t1 lists\t示例大学新闻网\t{sites / 'demo.toml'}"
    )
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
