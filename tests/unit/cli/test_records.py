"""``show``, ``history`` and ``diff`` over a real archive with several versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.records import Capture
from archiver.store import Archive
from tests.clirunner import run
from tests.factories import BRIEF_URL, NEWS_URL, make_brief, make_news


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    with Archive.open(path, create=True) as archive:
        archive.save_document(make_news())
        archive.save_document(
            make_news(
                body="第一段\n改写的第二段\n新增的第三段",
                title="我校召开创先争优活动推进会（更新）",
                capture=Capture("2026-12-01T08:00:00Z", 200, "ee" * 32),
            )
        )
        archive.save_document(make_brief())
    return path


def test_show_text_has_facts_body_and_provenance(db: Path) -> None:
    result = run("show", "--db", str(db), NEWS_URL)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("我校召开创先争优活动推进会（更新）\n")
    assert "department    (empty on the page)" in out
    assert "新增的第三段" in out
    assert "  title       h2.detail-title" in out
    assert "  sha256      " + "ee" * 32 in out


def test_show_brief_json(db: Path) -> None:
    record = json.loads(run("show", "--db", str(db), "--format", "json", BRIEF_URL).stdout)
    assert record["status"] == "archived"
    assert record["cited_by"] == [NEWS_URL]


def test_history_lists_versions_and_changed_fields(db: Path) -> None:
    lines = run("history", "--db", str(db), NEWS_URL).stdout.splitlines()
    assert lines == [
        "  1  2026-11-28T10:00:00Z  first capture",
        "  2  2026-12-01T08:00:00Z  title, body",
    ]
    rows = json.loads(run("history", "--db", str(db), "--json", NEWS_URL).stdout)
    assert [r["changed"] for r in rows] == [[], ["title", "body"]]
    lines = run("history", "--db", str(db), "--nl", NEWS_URL).stdout.splitlines()
    assert [json.loads(line)["version"] for line in lines] == [1, 2]


def test_diff_shows_the_body_change(db: Path) -> None:
    out = run("diff", "--db", str(db), NEWS_URL).stdout
    assert "--- version 1 (2026-11-28T10:00:00Z)" in out
    assert "-第二段\n" in out
    assert "+改写的第二段\n+新增的第三段\n" in out
    assert run("diff", "--db", str(db), "--from", "2", "--to", "2", NEWS_URL).stdout == ""


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["show", "https://xww.bucea.edu.cn/nope.htm"], "is not in the archive"),
        (["diff", "--from", "1", "--to", "7", NEWS_URL], "has no version 7"),
        (["diff", "--from", "0", NEWS_URL], "0 is not in the range"),
        (["show", "--format", "yaml", NEWS_URL], "'yaml' is not one of"),
    ],
)
def test_errors(db: Path, args: list[str], fragment: str) -> None:
    result = run(args[0], "--db", str(db), *args[1:])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and fragment in result.stderr


def test_reparse_waits_for_no_crawl(db: Path) -> None:
    from archiver.store.lock import crawl_lock

    with crawl_lock(db):
        result = run("reparse", "--db", str(db))
    assert result.exit_code == 75
    assert result.stderr.startswith(f"archiver: error: another crawl is running on {db}")


@pytest.mark.parametrize(
    "typed",
    [
        "http://xww.bucea.edu.cn/zhxw/26536.htm",
        "https://XWW.BUCEA.EDU.CN/zhxw/26536.htm",
        "https://xww.bucea.edu.cn/zhxw/26536.htm#content",
        "https://xww.bucea.edu.cn:443/zhxw/26536.htm",
        "xww.bucea.edu.cn/zhxw/26536.htm",
    ],
)
@pytest.mark.parametrize("command", ["show", "history", "diff"])
def test_an_address_as_people_type_it_finds_the_record(
    db: Path, typed: str, command: str
) -> None:
    result = run(command, "--db", str(db), typed)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"matched {NEWS_URL}\n"
    assert result.stdout == run(command, "--db", str(db), NEWS_URL).stdout != ""


def test_an_address_stored_as_typed_says_nothing(db: Path) -> None:
    result = run("show", "--db", str(db), BRIEF_URL)  # an http:// record
    assert result.exit_code == 0 and result.stderr == ""


def test_a_folder_and_its_index_page_are_one_address(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    with Archive.open(path, create=True) as archive:
        archive.save_document(make_news(url="https://xww.bucea.edu.cn/zhxw/index.htm"))
    result = run("show", "--db", str(path), "http://xww.bucea.edu.cn/zhxw/")
    assert result.exit_code == 0
    assert result.stderr == "matched https://xww.bucea.edu.cn/zhxw/index.htm\n"


def test_an_address_matching_two_records_is_one_line_naming_both(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    with Archive.open(path, create=True) as archive:
        archive.save_document(make_news(url="http://xww.bucea.edu.cn/a.htm"))
        archive.save_document(make_news(url="https://xww.bucea.edu.cn/a.htm"))
    result = run("show", "--db", str(path), "XWW.bucea.edu.cn/a.htm")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "archiver: error: XWW.bucea.edu.cn/a.htm matches 2 records: "
        "https://xww.bucea.edu.cn/a.htm and http://xww.bucea.edu.cn/a.htm; give one\n"
    )
    assert run("show", "--db", str(path), "http://xww.bucea.edu.cn/a.htm").stderr == ""


def test_diff_of_a_page_with_one_version_says_so(db: Path) -> None:
    result = run("diff", "--db", str(db), BRIEF_URL)
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == (
        f"{BRIEF_URL} has one version (2026-11-28T10:00:01Z): nothing to compare\n"
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("http://a.edu.cn/x.htm#p", ["http://a.edu.cn/x.htm#p", "https://a.edu.cn/x.htm",
                                     "http://a.edu.cn/x.htm"]),
        ("https://A.edu.cn:8080/?q=1", ["https://A.edu.cn:8080/?q=1", "https://a.edu.cn:8080/?q=1",
                                        "https://a.edu.cn:8080/index.htm?q=1",
                                        "https://a.edu.cn:8080/index.html?q=1",
                                        "http://a.edu.cn:8080/?q=1",
                                        "http://a.edu.cn:8080/index.htm?q=1",
                                        "http://a.edu.cn:8080/index.html?q=1"]),
        ("http://[::1]:99999/", ["http://[::1]:99999/"]),  # no port: itself, never an error
        ("ftp://a.edu.cn/x", ["ftp://a.edu.cn/x"]),
        ("", [""]),
    ],
)  # fmt: skip
def test_the_addresses_tried_name_the_same_page(typed: str, expected: list[str]) -> None:
    from archiver.store.addresses import address_variants

    assert address_variants(typed) == expected


def test_an_address_that_is_no_address_is_not_in_the_archive(db: Path) -> None:
    result = run("show", "--db", str(db), "http://[::1")
    assert result.exit_code == 2
    assert result.stderr == "archiver: error: http://[::1 is not in the archive\n"
