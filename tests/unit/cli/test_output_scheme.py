"""One output scheme for every command that prints rows: --csv, --tsv, --json, --nl, -t, -o,
--bom and --fields mean the same everywhere; naming two formats is one line; every command's
help has examples; search says how many hits there are."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from archiver.records import Capture
from archiver.store import Archive
from tests.clirunner import run
from tests.factories import NEWS_2011, make_archive, make_news
from tests.fixtures import PAGES

#: Each command that prints rows, with arguments, and two of its columns.
COMMANDS = [
    (["export"], ("url", "published_date")),
    (["citations"], ("news_url", "how")),
    (["search", "简报"], ("url", "score")),
    (["history", NEWS_2011], ("version", "changed")),
    (["stats"], ("group", "count")),
    (["sites", "list"], ("name", "hosts")),
    (["runs"], ("id", "outcome")),
    (["parse", "--url", NEWS_2011, str(PAGES / "news_2011_zhxw_26536.htm")], ("url", "file")),
]
IDS = [" ".join(args[:1] if args[0] != "sites" else args) for args, _ in COMMANDS]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = make_archive(tmp_path_factory.mktemp("scheme") / "archive.db")
    with Archive.open(path) as archive:  # a second version, for history
        archive.save_document(make_news(url=NEWS_2011, capture=Capture(
            "2026-12-01T08:00:00Z", 200, "ee" * 32)))  # fmt: skip
        for outcome in ("ok", "partial"):
            archive.finish_run(archive.start_run([]), outcome, {}, "")
    return path


def _run(db: Path, args: list[str], *more: str) -> tuple[str, str]:
    result = run(*args, "--db", str(db), *more)
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr


@pytest.mark.parametrize(("args", "columns"), COMMANDS, ids=IDS)
def test_every_format_holds_the_same_rows(
    db: Path, args: list[str], columns: tuple[str, str]
) -> None:
    fields = ",".join(columns)
    as_json = json.loads(_run(db, args, "--json", "--fields", fields)[0])
    assert as_json and all(list(row) == list(columns) for row in as_json)
    lines = _run(db, args, "--nl", "--fields", fields)[0].splitlines()
    as_nl = [json.loads(line) for line in lines]
    assert as_nl == as_json
    for flag, delimiter in (("--csv", ","), ("--tsv", "\t")):
        text = _run(db, args, flag, "--fields", fields)[0]
        rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
        assert [row[columns[0]] for row in rows] == [str(row[columns[0]]) for row in as_json]
    table = _run(db, args, "-t", "--fields", fields)[0].splitlines()
    assert table[0].split() == list(columns) and set(table[1]) == {"-", " "}
    assert len(table) == 2 + len(as_json)


@pytest.mark.parametrize(("args", "columns"), COMMANDS, ids=IDS)
def test_o_writes_a_file_and_bom_starts_it(
    db: Path, tmp_path: Path, args: list[str], columns: tuple[str, str]
) -> None:
    out = tmp_path / "rows.csv"
    stdout, stderr = _run(db, args, "--csv", "--bom", "-o", str(out))
    assert stdout == "" and stderr.startswith("wrote ") and f" to {out}" in stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf" + columns[0].encode())


@pytest.mark.parametrize(("args", "columns"), COMMANDS, ids=IDS)
@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--csv", "--json"], "choose one output format: --csv or --json"),
        (["-t", "--nl"], "choose one output format: -t/--table or --nl"),
        (["--fields", "url,nope"], "unknown field nope"),
    ],
)
def test_bad_output_options_are_one_line(
    db: Path, args: list[str], columns: tuple[str, str], flags: list[str], message: str
) -> None:
    if flags[0] == "--fields":
        flags = ["--fields", f"{columns[0]},nope"]
    result = run(*args, "--db", str(db), *flags)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("archiver: error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr


@pytest.mark.parametrize(("args", "columns"), COMMANDS, ids=IDS)
def test_each_help_has_examples(args: list[str], columns: tuple[str, str]) -> None:
    command = args[:2] if args[0] == "sites" else args[:1]
    text = run(*command, "--help").stdout
    assert "Examples:\n" in text
    examples = text.split("Examples:\n", 1)[1]
    assert f"archiver {' '.join(command)}" in examples
    for flag in ("--csv", "--tsv", "--json", "--nl", "-t, --table", "-o, --output", "--bom",
                 "--fields"):  # fmt: skip
        assert flag in text


def test_format_keeps_its_old_names(db: Path) -> None:
    assert _run(db, ["export"], "--format", "jsonl")[0] == _run(db, ["export"], "--nl")[0]
    assert _run(db, ["citations"], "--format", "csv")[0] == _run(db, ["citations"])[0]
    old = _run(db, ["search", "简报"], "--format", "table")[0]
    assert old == _run(db, ["search", "简报"])[0] and "⟦简报⟧" in old


def test_search_says_how_many_hits_there_are(db: Path) -> None:
    stdout, stderr = _run(db, ["search", "简报"], "--limit", "2")
    assert stderr == "2 of 3 hits; --all or --limit 0 for all\n"
    assert stdout.startswith("  1 ") and "\n  2 " in stdout and "\n  3 " not in stdout
    for flags in (["--limit", "0"], ["--all"], ["--limit", "3"]):
        stdout, stderr = _run(db, ["search", "简报"], *flags, "--nl")
        assert len(stdout.splitlines()) == 3 and stderr == ""
    assert _run(db, ["search", "简报"], "--all")[1] == "3 hits\n"
    assert _run(db, ["search", "党委书记"])[1] == "no hits\n"  # the body changed in version 2
    assert _run(db, ["search", "简报"], "--limit", "1", "--json")[1] == (
        "1 of 3 hits; --all or --limit 0 for all\n"  # a script is told too, on stderr
    )
    assert _run(db, ["search", "简报"], "-t", "--limit", "2")[1].startswith("2 of 3 hits")
    result = run("search", "简报", "--db", str(db), "--all", "--limit", "3")
    assert result.exit_code == 2 and "--all or --limit 3: choose one" in result.stderr



def test_runs_print_every_column_of_a_run(db: Path) -> None:
    from archiver.cli.runs import RUN_FIELDS
    from archiver.store.tables import RUNS

    with Archive.open(db) as archive:
        assert RUN_FIELDS == tuple(column.name for column in archive.db.table(RUNS).columns)
    rows = json.loads(_run(db, ["runs"], "--json")[0])
    assert [(row["id"], row["outcome"]) for row in rows] == [(2, "partial"), (1, "ok")]
    lines = _run(db, ["runs"])[0].splitlines()  # the default view: a line per run
    assert [line.split()[0] for line in lines] == ["2", "1"]
