"""Control and escape sequences in an archive's text are shown, never obeyed, on a terminal.

The archive is written directly (a published dataset, or one an older version filled), so
its titles, bodies, departments, sections and sources hold what a hostile page could: a
clear screen, a clipboard write (OSC 52), a window title, the 8-bit CSI, a carriage return
that overwrites the line, a bell.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from archiver.cli.terminal import terminal_text
from archiver.records import Brief, Citation, News
from archiver.store import Archive
from tests.clirunner import run

ATTACKS = {
    "clear": "\x1b[2J\x1b[H",
    "clipboard": "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07",
    "window title": "\x1b]0;pwned\x07",
    "8-bit CSI": "\x9b31m",
    "overwrite": "安全\r危险",
    "bell and backspace": "\x07\x08\x08",
    "DEL": "\x7f",
}
HOSTILE = "".join(ATTACKS.values())
NEWS_URL = "https://xww.bucea.edu.cn/zhxw/1.htm"
BRIEF_URL = "http://jw.beijing.gov.cn/x/t20120301_1.html"
# what may reach a terminal: text, tab and line feed (and the escapes of our own bold)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.db"
    with Archive.open(path, create=True) as archive:
        for body in (f"第一版{HOSTILE}", f"第二版{HOSTILE}\n简报{HOSTILE}"):
            archive.save_document(News(
                url=NEWS_URL, site="xww.bucea.edu.cn", title=f"简报{HOSTILE}",
                published="2012-03-01", body=body, department=f"党委{HOSTILE}",
                sections=[f"综合新闻{HOSTILE}"], cites=[Citation(BRIEF_URL, "link")],
                parse_warnings=[f"title: {HOSTILE}"],
            ))  # fmt: skip
        archive.save_document(Brief(
            url=BRIEF_URL, site="jw.beijing.gov.cn", title=f"工作简报{HOSTILE}",
            published="2012-03-01", body="本期要目。", source=f"教委{HOSTILE}", status="live",
        ))  # fmt: skip
        archive.db.execute(
            "INSERT INTO crawl_runs (started_at, outcome, message) VALUES (?, ?, ?)",
            [f"2026-12-01{HOSTILE}", f"ok{HOSTILE}", HOSTILE],
        )
        archive.db.conn.commit()
    return path


HUMAN = [
    ["search", "简报"],
    ["show", NEWS_URL],
    ["show", BRIEF_URL],
    ["history", NEWS_URL],
    ["diff", NEWS_URL],
    ["stats"],
    ["runs"],
]


@pytest.mark.parametrize("args", HUMAN, ids=" ".join)
def test_what_people_read_shows_control_characters_as_escapes(db: Path, args: list[str]) -> None:
    result = run(*args, "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert not _CONTROL.search(result.stdout + result.stderr), repr(result.stdout)
    if args[0] != "history":
        assert "\\x1b" in result.stdout  # shown, so the reader sees something is there


def test_error_lines_show_control_characters_as_escapes(db: Path) -> None:
    result = run("show", f"https://x.example/{ATTACKS['clear']}", "--db", str(db))
    assert result.exit_code == 2
    assert not _CONTROL.search(result.stderr.rstrip("\n"))
    assert "\\x1b[2J" in result.stderr


def test_sites_list_shows_a_title_as_text(tmp_path: Path, db: Path) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "demo.toml").write_text(
        'name = "demo"\ntitle = "示例\\u001b]52;c;eA==\\u0007大学"\n'
        'home = "https://news.demo.edu.cn/"\nfamily = "sudy"\nhosts = ["news.demo.edu.cn"]\n'
        '\n[[lists]]\n'
        'url = "https://news.demo.edu.cn/xyxw/list.htm"\nlabel = "学校新闻"\n',
        encoding="utf-8",
    )
    result = run("sites", "list", "--db", str(db), "--sites-dir", str(sites))
    assert result.exit_code == 0, result.stderr
    assert not _CONTROL.search(result.stdout.replace("\t", ""))
    assert "示例\\x1b]52;c;eA==\\x07大学" in result.stdout


def test_data_to_a_file_or_pipe_stays_exact(db: Path) -> None:
    exported = run("export", "--db", str(db), "--format", "jsonl").stdout
    records = [json.loads(line) for line in exported.splitlines()]
    assert records[0]["title"] == f"简报{HOSTILE}"  # the value, as archived
    shown = json.loads(run("show", NEWS_URL, "--db", str(db), "--format", "json").stdout)
    assert shown["department"] == f"党委{HOSTILE}"


def test_terminal_text() -> None:
    assert terminal_text("a\x1b[31mb") == "a\\x1b[31mb"
    assert terminal_text("一\t二\n三\r\n") == "一\t二\n三\r\n"  # CSV's CRLF is a line end
    assert terminal_text("安全\r危险") == "安全\\x0d危险"
    assert terminal_text("\x9b\x7f\x00") == "\\x9b\\x7f\\x00"
    assert terminal_text("党\u3000委") == "党\u3000委"


def on_a_terminal(*args: str, db: Path) -> bytes:
    """What ``archiver ARGS`` writes to a terminal (a pseudo-terminal, as a person sees it)."""
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "archiver", *args, "--db", str(db)],
        stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env,
    )  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            proc.kill()
            pytest.fail(f"archiver {args} wrote nothing for a minute")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(30) == 0, b"".join(chunks)
    # (the terminal driver ends each line with CRLF: a CSV row's CRLF arrives as CR CR LF)
    return b"".join(chunks).replace(b"\r\r\n", b"\n").replace(b"\r\n", b"\n")


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "csv"],
        ["export", "--format", "jsonl"],
        ["citations"],
        ["search", "简报", "--format", "csv"],
        ["show", NEWS_URL, "--format", "json"],
        ["runs", "--json"],
    ],
    ids=" ".join,
)
def test_data_on_a_terminal_shows_control_characters_as_escapes(db: Path, args: list[str]) -> None:
    shown = on_a_terminal(*args, db=db).decode("utf-8")
    assert not _CONTROL.search(shown.replace("\t", ""))


def test_the_search_table_on_a_terminal_is_bold_and_nothing_else(db: Path) -> None:
    shown = on_a_terminal("search", "简报", db=db).decode("utf-8")
    assert "\x1b[1m简报\x1b[0m" in shown  # the matches, in bold
    plain = shown.replace("\x1b[1m", "").replace("\x1b[0m", "")
    assert not _CONTROL.search(plain)
