"""The group imports a command's module only when that command runs, and its help lists every
command with the short help the command itself gives."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from archiver.cli import COMMANDS, cli
from archiver.store import Archive
from tests.factories import make_brief, make_news

#: What the reading commands never need: the crawl, the server, plots, parsing, dataframes.
HEAVY = ("scrapy", "twisted", "datasette", "matplotlib", "rich", "lxml", "numpy", "pandas",
         "archiver.extract", "archiver.crawl")  # fmt: skip

_PROBE = """
import json, sys
from archiver.cli import main
args, heavy = map(json.loads, sys.argv[1:])
sys.argv = ["archiver", *args]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "loaded": [m for m in heavy if m in sys.modules]}),
      file=sys.stderr)
"""


def loaded_by(*args: str, heavy: tuple[str, ...] = HEAVY) -> tuple[int, list[str]]:
    """Run ``archiver ARGS`` in a fresh interpreter: its exit status and the ``heavy``
    modules it imported."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args), json.dumps(heavy)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], report["loaded"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lazy") / "archive.db"
    with Archive.open(path, create=True) as archive:
        archive.save_document(make_news())
        archive.save_document(make_brief())
    return path


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_table_gives_each_command_s_own_short_help(name: str) -> None:
    module, attribute, short_help = COMMANDS[name]
    command = cli.get_command(click.Context(cli), name)
    assert isinstance(command, click.Command)
    assert command.name == name
    assert command.callback is not None and command.callback.__module__ == f"archiver.cli.{module}"
    assert command.get_short_help_str(limit=10**6) == short_help


def test_help_lists_every_command_with_its_short_help() -> None:
    result = CliRunner().invoke(cli, ["--help"], terminal_width=200)
    assert result.exit_code == 0
    listed = result.output.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed if line.strip()] == sorted(COMMANDS)
    for name, (_, _, short_help) in COMMANDS.items():
        assert f"  {name}" in result.output
        assert short_help[:40] in result.output


@pytest.mark.parametrize(
    "args",
    [("--help",), ("--version",), ("export", "--help"), ("search", "--help"), ("stats", "--help")],
)
def test_help_imports_no_heavy_module(args: tuple[str, ...]) -> None:
    assert loaded_by(*args) == (0, [])


def test_export_imports_no_heavy_module(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert loaded_by("export", "--db", str(db), "--csv", "-o", str(out)) == (0, [])
    with out.open(encoding="utf-8", newline="") as f:
        assert len(list(csv.reader(f))) == 3  # the header and two records


#: What a CSV or TSV export of an up-to-date archive reads without: sqlite-utils and the store
#: built on it (it reads through archiver.store.connect and archiver.store.selects).
STORE = ("sqlite_utils", "archiver.store.db", "archiver.store.archive", "archiver.store.reads")


@pytest.mark.parametrize("fmt", ["--csv", "--tsv"])
def test_a_csv_export_reads_without_sqlite_utils(db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out.csv"
    args = ("export", "--db", str(db), fmt, "-o", str(out), "--manifest")
    assert loaded_by(*args, heavy=HEAVY + STORE) == (0, [])
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="," if fmt == "--csv" else "\t"))
    assert len(rows) == 3 and rows[0][:3] == ["url", "kind", "site"]
    assert (tmp_path / "out.csv.manifest.json").exists()
    # what needs the whole store loads it (the probe sees it)
    assert loaded_by("export", "--db", str(db), "--nl", heavy=STORE) == (0, list(STORE))


def test_search_and_citations_import_no_heavy_module(db: Path) -> None:
    assert loaded_by("search", "--db", str(db), "北京") == (0, [])
    assert loaded_by("citations", "--db", str(db)) == (0, [])


def test_a_command_still_runs_whole(db: Path) -> None:
    # pandas and numpy hidden from sqlite-utils only while it loads: still importable after
    assert loaded_by("stats", "--db", str(db)) == (0, [])
    done = subprocess.run(
        [sys.executable, "-c", "from archiver.cli import cli, _import_sqlite_utils\n"
         "_import_sqlite_utils()\nimport numpy, pandas\nprint(numpy.__name__, pandas.__name__)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.split() == ["numpy", "pandas"]
