"""The CLI over a real archive file: exports, stats, exits and messages."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archiver import __version__
from archiver.cli import cli
from archiver.export import BRIEF_FIELDS, COMMON_FIELDS, NEWS_FIELDS
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
                url="https://xww.bucea.edu.cn/ttxw/0123456789abcdef0123456789abcdef.htm",
                title="第二篇",
                published="2022-06-10T09:30+08:00",
                department="党建工作处(巡察办公室)",
                cites=[],
                attachments=[],
                sections=["头条新闻", "综合新闻"],
            )
        )
        archive.save_document(make_brief())
    return path


def test_jsonl_export_has_every_field(db: Path) -> None:
    result = run("export", "--db", str(db), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["kind"] for r in records] == ["news", "news", "brief"]
    assert all(list(r) == list(COMMON_FIELDS + NEWS_FIELDS + BRIEF_FIELDS) for r in records)
    first = records[0]
    assert first["url"] == NEWS_URL
    assert first["sections"] == ["综合新闻"]
    assert first["cites"] == [BRIEF_URL]
    assert first["department"] is None  # not on the page: stays empty
    assert first["status"] is None  # a brief field, not applicable to news
    brief = records[2]
    assert brief["cited_by"] == [NEWS_URL]
    assert brief["archived_at"] == "2011-04-12T08:30:00Z"
    assert brief["sections"] is None


def test_kind_filter_selects_that_kinds_fields(db: Path) -> None:
    result = run("export", "--db", str(db), "--format", "json", "--kind", "brief")
    records = json.loads(result.stdout)
    assert len(records) == 1
    assert list(records[0]) == list(COMMON_FIELDS + BRIEF_FIELDS)


def test_date_filters(db: Path) -> None:
    result = run("export", "--db", str(db), "--format", "jsonl", "--since", "2022-01-01")
    assert [json.loads(line)["title"] for line in result.stdout.splitlines()] == ["第二篇"]
    result = run("export", "--db", str(db), "--format", "jsonl", "--until", "2011-04-11")
    assert len(result.stdout.splitlines()) == 2


def test_csv_export_with_bom_to_file(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "news.csv"
    result = run(
        "export", "--db", str(db), "--format", "csv", "--kind", "news", "--bom", "-o", str(out)
    )
    assert result.exit_code == 0
    assert "wrote 2 records" in result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == list(COMMON_FIELDS + NEWS_FIELDS)
    assert rows[0]["body"] == "第一段\n第二段"
    assert json.loads(rows[1]["sections"]) == ["头条新闻", "综合新闻"]
    assert rows[0]["department"] == ""
    assert rows[1]["published"] == "2022-06-10T09:30+08:00"


def test_empty_archive_exports_valid_json(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    Archive.open(path, create=True).close()
    assert json.loads(run("export", "--db", str(path), "--format", "json").stdout) == []


def test_db_from_environment(db: Path) -> None:
    result = run("stats", "--json", env={"ARCHIVER_DB": str(db)})
    rows = json.loads(result.stdout)
    assert {r["value"]: r["count"] for r in rows if r["group"] == "kind"} == {"brief": 1, "news": 2}


def test_stats_text(db: Path) -> None:
    result = run("stats", "--db", str(db))
    assert result.exit_code == 0
    assert "综合新闻" in result.stdout and "archived" in result.stdout


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("archiver: error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["export", "--format", "xml"], "'xml' is not one of"),
        (["export", "--format", "csv", "--since", "2011-13-01"], "not a date"),
        (["export", "--format", "csv", "--since", "2022-01-01", "--until", "2011-01-01"],
         "is after --until"),
        (["export", "--format", "csv", "--kind", "video"], "'video' is not one of"),
        (["export", "--format", "csv", "--nope"], "No such option"),
        (["export", "--csv", "--json"], "choose one output format: --csv or --json"),
        (["export", "--format", "jsonl", "--tsv"], "choose one output format: --nl or --tsv"),
        (["crawl", "--site", "bucea", "--start-url", "https://example.com/ttxw/index.htm"],
         "is not a page of xww.bucea.edu.cn"),
        (["crawl", "--site", "nosuch"], "no site profile named 'nosuch' (known: bucea)"),
        (["crawl", "--set", "lowercase=1"], "is not NAME=VALUE"),
        (["frobnicate"], "No such command"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(db: Path, args: list[str], fragment: str) -> None:
    before = db.read_bytes()
    command, *rest = args
    db_args = ["--db", str(db)] if command != "frobnicate" else []
    line = one_line_error(run(command, *db_args, *rest))
    assert fragment in line
    assert db.read_bytes() == before


def test_foreign_database_is_refused_and_untouched(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    before = foreign.read_bytes()
    for args in (["export", "--format", "csv"], ["stats"], ["crawl"]):
        line = one_line_error(run(*args, "--db", str(foreign)))
        assert "not an archiver archive" in line
    assert foreign.read_bytes() == before


def test_not_sqlite_and_missing_archives(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert "is not an SQLite database" in one_line_error(run("stats", "--db", str(text)))
    missing = tmp_path / "missing.db"
    assert "no archive at" in one_line_error(run("export", "--db", str(missing), "--format", "csv"))
    assert not missing.exists()


def test_export_to_unwritable_place_writes_nothing(db: Path, tmp_path: Path) -> None:
    line = one_line_error(
        run("export", "--db", str(db), "--format", "csv", "-o", str(tmp_path / "no/dir/x.csv"))
    )
    assert "no folder" in line


def test_failed_export_keeps_previous_file(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous export\n")
    with sqlite3.connect(db) as conn:  # a row whose JSON column is corrupt breaks the export
        conn.execute("UPDATE documents SET images = '[not json' WHERE kind = 'news'")
    result = CliRunner().invoke(
        cli, ["export", "--db", str(db), "--format", "jsonl", "-o", str(out)]
    )
    assert result.exit_code != 0
    assert out.read_text() == "previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("archiver, version ")
    help_text = run("export", "--help").stdout
    assert "JSON text" in help_text  # how list fields are written in CSV is stated


def jsonl(result: Result) -> list[dict[str, object]]:
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize(
    ("options", "titles"),
    [
        (["--section", "头条新闻"], ["第二篇"]),
        (["--section", "头条新闻", "--section", "综合新闻"],
         ["我校召开创先争优活动推进会", "第二篇"]),
        (["--department", "党建工作处(巡察办公室)"], ["第二篇"]),
        (["--site", "kxfzg.bjedu.gov.cn"], ["工作简报第12期"]),
        (["--status", "archived"], ["工作简报第12期"]),
        (["--status", "live"], []),
        (["--withdrawn", "only"], ["第二篇"]),
        (["--withdrawn", "exclude", "--kind", "news"], ["我校召开创先争优活动推进会"]),
    ],
)  # fmt: skip
def test_export_filters(db: Path, options: list[str], titles: list[str]) -> None:
    with Archive.open(db) as archive:
        url = "https://xww.bucea.edu.cn/ttxw/0123456789abcdef0123456789abcdef.htm"
        archive.mark_withdrawn(url, "2026-12-01T00:00:00Z")
    records = jsonl(run("export", "--db", str(db), "--format", "jsonl", *options))
    assert [r["title"] for r in records] == titles
    assert all(
        r["withdrawn_at"] == "2026-12-01T00:00:00Z" for r in records if r["title"] == "第二篇"
    )


def test_fields_are_selected_in_the_contract_order(db: Path) -> None:
    args = ["export", "--db", str(db), "--format", "csv", "--kind", "news"]
    result = run(*args, "--fields", "title,url,sections")
    header = result.stdout.splitlines()[0]
    assert header == "url,title,sections"
    line = one_line_error(run(*args, "--fields", "title,status"))
    assert "unknown field status" in line


def test_manifest_describes_and_checks_the_export(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "briefs.json"
    result = run(
        "export", "--db", str(db), "--format", "json", "--kind", "brief", "-o", str(out),
        "--manifest", "--since", "2011-01-01", "--query", "简报",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((tmp_path / "briefs.json.manifest.json").read_text())
    assert manifest["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert manifest["records"] == 1
    assert manifest["filters"] == {"kind": "brief", "since": "2011-01-01", "query": "简报"}
    assert out.stat().st_mode & 0o777 == 0o666 & ~current_umask()
    assert manifest["format"] == "json"
    assert manifest["fields"][:2] == ["url", "kind"]
    assert manifest["tool"] == "edu-news-archiver"
    assert manifest["tool_version"] == __version__
    line = one_line_error(run("export", "--db", str(db), "--format", "json", "--manifest"))
    assert "--manifest needs -o" in line


def test_citation_graph_exports_as_csv(db: Path) -> None:
    result = run("citations", "--db", str(db))
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows == [
        {
            "news_url": NEWS_URL,
            "news_title": "我校召开创先争优活动推进会",
            "news_published": "2011-04-11",
            "brief_url": BRIEF_URL,
            "brief_title": "工作简报第12期",
            "brief_status": "archived",
            "how": "text",
            "position": "0",
        }
    ]


def test_stats_plot_draws_a_png(db: Path, tmp_path: Path) -> None:
    png = tmp_path / "coverage.png"
    result = run("stats", "--db", str(db), "--plot", str(png))
    assert result.exit_code == 0, result.stderr
    # 2011-04 to 2022-06: every month is on the axis, gaps included
    assert f"wrote {png} (135 months, 1 briefs)" in result.stderr
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    line = one_line_error(run("stats", "--db", str(db), "--plot", str(tmp_path / "x.jpg")))
    assert "should end in .png" in line


def test_export_by_full_text_query(db: Path) -> None:
    records = jsonl(run("export", "--db", str(db), "--format", "jsonl", "--query", "第二段"))
    assert [r["title"] for r in records] == ["我校召开创先争优活动推进会", "第二篇"]
    records = jsonl(
        run("export", "--db", str(db), "--format", "jsonl", "--query", "title:第二 OR 简报")
    )
    assert [r["title"] for r in records] == ["第二篇", "工作简报第12期"]
    line = one_line_error(run("export", "--db", str(db), "--format", "csv", "--query", '"open'))
    assert "--query" in line


def test_csv_and_jsonl_exports_agree_on_every_value(db: Path) -> None:
    records = jsonl(run("export", "--db", str(db), "--format", "jsonl"))
    rows = list(
        csv.DictReader(io.StringIO(run("export", "--db", str(db), "--format", "csv").stdout))
    )
    assert len(rows) == len(records)
    for record, row in zip(records, rows, strict=True):
        assert list(row) == list(record)
        for name, value in record.items():
            if value is None:
                assert row[name] == "", name
            elif isinstance(value, (list, dict)):
                assert json.loads(row[name]) == value, name
            else:
                assert row[name] == str(value), name


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["crawl", "--start-url", "http://[x"], "is not an http(s) address"),
        (["crawl", "--set", "ARCHIVER_KNOWN_RUN=abc"], "ARCHIVER_KNOWN_RUN must be a whole number"),
        (["crawl", "--set", "ARCHIVER_FULL=perhaps"], "ARCHIVER_FULL must be true or false"),
        (["crawl", "--set", "DOWNLOAD_DELAY=soon"], "DOWNLOAD_DELAY must be a number"),
        (["crawl", "--log-file", "/nonexistent/dir/x.log"], "no folder /nonexistent/dir"),
        (["stats", "--plot", "/proc/x.png"], "cannot write /proc/x.png"),
        (["reparse", "--db", "{tmp}/typo.db"], "no archive at"),
    ],
)
def test_more_bad_input_is_one_line(
    db: Path, tmp_path: Path, args: list[str], fragment: str
) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    db_args = [] if "--db" in args else ["--db", str(db)]
    line = one_line_error(run(args[0], *db_args, *args[1:]))
    assert fragment in line
    assert list(tmp_path.glob("typo.db*")) == []


def test_parse_refuses_a_non_http_url(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<html></html>")
    assert "not an http(s) address" in one_line_error(run("parse", "--url", "http://[x", str(page)))


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
