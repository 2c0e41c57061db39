"""Hostile input to every command: one ``archiver: error:`` line, exit 2, nothing written.

Each value here once ended in a traceback, in a crawl that never fetched, or in a silent
no-op (a typo in a setting's name, an empty bureau host that matched nothing).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import Result

from archiver.search import QueryError, parse_query
from archiver.search.query import MAX_DEPTH, MAX_QUERY_CHARS, MAX_TERMS
from tests.clirunner import run
from tests.factories import NEWS_2011, make_archive


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("archiver: error: ")
    return lines[0]


def folder_state(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_archive(tmp_path / "archive.db")


NESTED = "(" * 200 + "简报" + ")" * 200
HOSTILE = [
    # search: limits and queries (deep, long, many terms: a RecursionError, SQLite's limits)
    (["search", "党", "--limit", "1e23"], "'1e23' is not a valid integer"),
    (["search", "党", "--limit", "99999999999999999999999"], "is not in the range"),
    (["search", "党", "--limit", "-1"], "is not in the range"),
    (["search", NESTED], f"nests deeper than {MAX_DEPTH} levels"),
    (["search", "NOT " * 300 + "党"], f"nests deeper than {MAX_DEPTH} levels"),
    (["search", "title:(" * 30 + "党" + ")" * 30], f"nests deeper than {MAX_DEPTH} levels"),
    (["search", " ".join(["党"] * 1200)], f"at most {MAX_QUERY_CHARS}"),
    (["search", " OR ".join(["简报"] * (MAX_TERMS + 1))], f"at most {MAX_TERMS}"),
    (["export", "--format", "csv", "--query", NESTED], "Invalid value for '--query'"),
    (["export", "--format", "jsonl", "--query", " ".join(["a"] * 500)], "terms; at most"),
    # crawl: settings as Scrapy would read them, start URLs, bureau hosts, the log file
    (["crawl", "--set", "CONCURRENT_REQUESTS=2.5"], "CONCURRENT_REQUESTS must be a whole number"),
    (["crawl", "--set", "CONCURRENT_REQUESTS=0"], "CONCURRENT_REQUESTS must be at least 1"),
    (["crawl", "--set", "LOG_LEVEL=CHATTY"], "LOG_LEVEL must be one of CRITICAL, ERROR"),
    (["crawl", "--set", "DOWNLOAD_DELAY=nan"], "DOWNLOAD_DELAY must be a number of 0 or more"),
    (["crawl", "--set", "DOWNLOAD_DELAY=-2"], "DOWNLOAD_DELAY must be a number of 0 or more"),
    (["crawl", "--set", "DOWNLOAD_TIMEOUT=1e999"], "DOWNLOAD_TIMEOUT must be a number of 0"),
    (["crawl", "--set", "DOWNLOAD_MAXSIZE=-1"], "DOWNLOAD_MAXSIZE must be a number of 0"),
    (["crawl", "--set", "RETRY_TIMES=three"], "RETRY_TIMES must be a whole number"),
    (["crawl", "--set", "ROBOTSTXT_OBEY=perhaps"], "ROBOTSTXT_OBEY must be true or false"),
    (["crawl", "--set", "ITEM_PIPELINES=archiver"], "ITEM_PIPELINES must be a JSON object"),
    (["crawl", "--set", "DOWNLOAD_DELAAY=2"], "DOWNLOAD_DELAAY is no setting of Scrapy"),
    (["crawl", "--set", "=2"], "is not NAME=VALUE"),
    (["crawl", "--start-url", "https://xww.bucea.edu.cn:99999/zhxw/index.htm"],
     "Port out of range"),
    (["crawl", "--start-url", "https://xww.bucea.edu.cn:http/"], "Port could not be cast"),
    (["crawl", "--start-url", "http://[::1/"], "Invalid IPv6 URL"),
    (["crawl", "--start-url", "ftp://xww.bucea.edu.cn/"], "is not an http(s) address"),
    (["crawl", "--bureau-host", ""], "--bureau-host: '' is not a host name"),
    (["crawl", "--bureau-host", "https://jw.beijing.gov.cn/"], "is not a host name"),
    (["crawl", "--bureau-host", "jw.beijing.gov.cn:80"], "is not a host name"),
    (["crawl", "--log-file", "/proc/crawl.log"], "cannot write /proc/crawl.log"),
    (["crawl", "--db", "{tmp}/new.db", "--set", "LOG_LEVEL=LOUD"], "LOG_LEVEL must be"),
    # every other command
    (["export", "--format", "csv", "--fields", ","], "unknown field (none given)"),
    (["export", "--format", "csv", "-o", "/proc/x.csv"], "cannot write /proc/x.csv"),
    (["show", NEWS_2011, "--format", "yaml"], "'yaml' is not one of"),
    (["diff", NEWS_2011, "--from", "0"], "0 is not in the range x>=1"),
    (["diff", NEWS_2011, "--to", "99999999999999999999999"], "has no version 9999"),
    (["stats", "--plot", "/proc/x.png"], "cannot write /proc/x.png"),
    (["serve", "--port", "99999"], "99999 is not in the range 0<=x<=65535"),
    (["serve", "--host", "999.999.999.999", "--port", "0"], "cannot listen on 999.999.999.999"),
    (["sites", "add", "https://news.example.edu.cn:99999/list.htm"], "Port out of range"),
    (["sites", "add", "https://news.example.edu.cn/list.htm", "--name", "../../etc/x"],
     "--name '../../etc/x': use lowercase letters"),
    (["sites", "add", "https://news.example.edu.cn/list.htm", "--name", "news\n"],
     "use lowercase letters"),
    (["sites", "show", "../bucea"], "no site profile named '../bucea'"),
    (["export", "--format", "csv", "--db", "a\x00.db"], "holds a NUL character"),
    (["stats", "--db", "/dev/null"], "no archive at /dev/null"),
    (["parse", "--url", "https://xww.bucea.edu.cn/zhxw/1.htm", "/dev/zero"],
     "cannot read /dev/zero: it is not a file"),  # it read for ever
    (["parse", "--url", "https://xww.bucea.edu.cn/zhxw/1.htm", "{tmp}/huge.htm"],
     "larger than 4 MiB, the most a crawl fetches of a page"),
    (["parse", "--url", "https://xww.bucea.edu.cn:99999/1.htm", "{tmp}/page.htm"],
     "is not an http(s) address"),
    (["sites", "check", "bucea", "/dev/zero"], "cannot read /dev/zero: it is not a file"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "fragment"), HOSTILE, ids=[repr(a)[:80] for a, _ in HOSTILE])
def test_hostile_input_is_one_line_exit_2_and_nothing_written(
    db: Path, tmp_path: Path, args: list[str], fragment: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # anything written by mistake would land here
    (tmp_path / "huge.htm").write_bytes(b"<html>" + b" " * (4 * 2**20))
    (tmp_path / "page.htm").write_bytes("<html><h1>标题</h1></html>".encode())
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    before = folder_state(tmp_path)
    at = 2 if args[0] == "sites" else 1
    db_args = [] if "--db" in args or args[0] == "parse" else ["--db", str(db)]
    line = one_line_error(run(*args[:at], *db_args, *args[at:]))
    assert fragment in line, line
    assert folder_state(tmp_path) == before


def test_bureau_hosts_from_the_environment_are_checked(db: Path) -> None:
    env = {"ARCHIVER_BUREAU_HOSTS": "*.bjedu.gov.cn, http://jw.beijing.gov.cn"}
    for args in (["crawl"], ["reparse", "--dry-run"]):
        line = one_line_error(run(*args, "--db", str(db), env=env))
        assert "$ARCHIVER_BUREAU_HOSTS: 'http://jw.beijing.gov.cn' is not a host name" in line


@pytest.mark.parametrize(
    "query",
    [
        "(" * (MAX_DEPTH - 1) + "党" + ")" * (MAX_DEPTH - 1),
        " OR ".join(["简报"] * MAX_TERMS),
        " ".join(f"NOT {c}" for c in "一二三四五六七八九十" * 6)[: MAX_QUERY_CHARS],
    ],
)
def test_queries_at_the_limits_still_run(db: Path, query: str) -> None:
    parse_query(query)
    result = run("search", query, "--db", str(db), "--format", "json")
    assert result.exit_code == 0, result.stderr


def test_every_query_refusal_is_a_query_error() -> None:
    for query in (NESTED, "x" * (MAX_QUERY_CHARS + 1), "a " * (MAX_TERMS + 1), "NOT " * 100 + "a"):
        with pytest.raises(QueryError):
            parse_query(query)


def test_a_profile_that_is_no_file_is_one_line(db: Path, tmp_path: Path) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "zero.toml").symlink_to("/dev/zero")  # it was read for ever
    line = one_line_error(run("sites", "list", "--db", str(db), "--sites-dir", str(sites)))
    assert line == f"archiver: error: {sites / 'zero.toml'}: not a file"


@pytest.mark.parametrize(
    ("setting", "fragment"),
    [
        ("ARCHIVER_ALLOWED_NETWORKS=notanet", "takes networks such as 10.8.0.0/16"),
        ("DUPEFILTER_CLASS=nonsense", "DUPEFILTER_CLASS: cannot load 'nonsense'"),
        ("SCHEDULER=scrapy.core.scheduler.Nope", "SCHEDULER: cannot load"),
    ],
)
def test_a_setting_scrapy_would_fail_on_later_is_one_line(
    tmp_path: Path, setting: str, fragment: str
) -> None:
    result = run("crawl", "--db", str(tmp_path / "archive.db"), "--set", setting)
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and fragment in result.output
    assert not (tmp_path / "archive.db").exists()


def test_a_named_referrer_policy_is_not_taken_for_a_class(tmp_path: Path) -> None:
    from archiver.cli.crawl_settings import check_settings

    assert check_settings(["REFERRER_POLICY=no-referrer"]) == {"REFERRER_POLICY": "no-referrer"}
