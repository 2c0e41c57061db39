"""A CSV or TSV export writes the same bytes whichever way it goes: to a UTF-8 file as the bytes
SQLite holds (cells made spreadsheet-safe in Python), or as text (made safe in SQL), from an
up-to-date archive opened without sqlite-utils or from one ``Archive.open`` upgrades first."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest

from archiver.cli.export import write_delimited
from archiver.export import fields_for
from archiver.records import Brief, Citation, News
from archiver.store import Archive, Filters
from archiver.store.connect import open_current
from archiver.store.tables import CHAR_COUNTS, MIGRATIONS
from tests.clirunner import run

BRIEF = "http://jw.beijing.gov.cn/x/t20120301_1.html"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Every kind of cell: formulas, quotes, delimiters, line breaks, numbers, nothing, and
    lists of several sections and citations."""
    path = tmp_path / "archive.db"
    with Archive.open(path, create=True) as archive:
        archive.save_document(
            News(
                url="https://xww.bucea.edu.cn/zhxw/1.htm",
                site="xww.bucea.edu.cn",
                title='=HYPERLINK("http://evil.example/","点此")',
                published="2012-03-01 09:30",
                body='-1+2\n正文,有逗号\r\n\t制表符 "引号"',
                department="@SUM(A1:A9)",
                sections=["+综合新闻", "头条新闻"],
                cites=[Citation(BRIEF, "link"), Citation(BRIEF, "text")],
            )
        )
        archive.save_document(
            News(
                url="https://xww.bucea.edu.cn/zhxw/2.htm",
                site="xww.bucea.edu.cn",
                title="'引号开头",
                published="发布时间：2012年3月2日",
                body="",
                sections=[],
                contributor="张三;李四",
            )
        )
        archive.save_document(Brief(
            url=BRIEF, site="jw.beijing.gov.cn", title="\t=1+1", published=None,
            body="本期要目。", source="-来源", status="live",
        ))  # fmt: skip
    return path


def as_text(db: Path, fields: tuple[str, ...], fmt: str, kind: str | None) -> bytes:
    """The export written as text, each cell made spreadsheet-safe in SQL."""
    conn = open_current(db)
    assert conn is not None
    out = io.StringIO(newline="")
    write_delimited(conn, Filters(kind=kind), fields, out, fmt)
    conn.close()
    return out.getvalue().encode()


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
@pytest.mark.parametrize("kind", [None, "news", "brief"])
def test_bytes_and_text_give_the_same_file(db: Path, tmp_path: Path, fmt: str, kind: str) -> None:
    out = tmp_path / f"out.{fmt}"
    args = ["export", "--db", str(db), f"--{fmt}", "-o", str(out)]
    assert run(*args, *(["--kind", kind] if kind else [])).exit_code == 0
    written = out.read_bytes()
    assert written == as_text(db, fields_for(kind), fmt, kind)
    rows = list(csv.reader(io.StringIO(written.decode()), delimiter="," if fmt == "csv" else "\t"))
    assert len(rows) == 1 + {None: 3, "news": 2, "brief": 1}[kind]
    # stdout, with a BOM
    result = run(*args[:-2], "--bom", *(["--kind", kind] if kind else []))
    assert result.stdout_bytes == b"\xef\xbb\xbf" + written


def test_one_field_and_a_subset_of_fields(db: Path, tmp_path: Path) -> None:
    for fields in (("title",), ("body",), ("url", "title", "sections", "cites", "version")):
        out = tmp_path / "out.csv"
        args = ["export", "--db", str(db), "--csv", "--fields", ",".join(fields), "-o", str(out)]
        assert run(*args).exit_code == 0
        in_order = tuple(name for name in fields_for(None) if name in fields)
        assert out.read_bytes() == as_text(db, in_order, "csv", None)


def test_an_archive_to_upgrade_gives_the_same_file(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "current.csv"
    assert run("export", "--db", str(db), "--csv", "-o", str(out)).exit_code == 0
    with sqlite3.connect(db) as conn:  # as an archive of the version before m008
        assert MIGRATIONS[-1] == "m008_char_counts"
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [MIGRATIONS[-1]])
        triggers = conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE ?",
            [CHAR_COUNTS + "%"],
        ).fetchall()
        for (trigger,) in triggers:
            conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute(f"DROP TABLE {CHAR_COUNTS}")
    conn.close()
    assert open_current(db) is None
    older = tmp_path / "older.csv"
    assert run("export", "--db", str(db), "--csv", "-o", str(older)).exit_code == 0
    assert older.read_bytes() == out.read_bytes()
    assert open_current(db) is not None  # brought up to date by Archive.open
