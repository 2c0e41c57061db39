"""Opening an up-to-date archive to read it without sqlite-utils, and leaving every other case
to ``Archive.open``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from archiver.store.connect import open_current
from archiver.store.schema import migrations
from archiver.store.tables import MIGRATION_SET, MIGRATIONS
from tests.factories import make_archive


def test_the_names_of_the_migrations_are_those_of_the_schema() -> None:
    assert migrations.name == MIGRATION_SET
    assert tuple(m.name for m in migrations._migrations) == MIGRATIONS


def test_an_up_to_date_archive_is_opened_read_only(tmp_path: Path) -> None:
    db = make_archive(tmp_path / "archive.db")
    conn = open_current(db)
    assert conn is not None
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM documents")
    conn.close()


def _edit(db: Path, sql: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(sql)
    conn.close()


def test_every_other_archive_is_left_to_the_whole_opening(tmp_path: Path) -> None:
    assert open_current(tmp_path / "missing.db") is None
    (tmp_path / "empty.db").write_bytes(b"")
    assert open_current(tmp_path / "empty.db") is None
    (tmp_path / "notes.txt").write_text("hello")
    assert open_current(tmp_path / "notes.txt") is None
    foreign = tmp_path / "foreign.db"
    _edit(foreign, "CREATE TABLE t (x)")
    assert open_current(foreign) is None
    older = make_archive(tmp_path / "older" / "archive.db")
    _edit(older, f"DELETE FROM _sqlite_migrations WHERE name = '{MIGRATIONS[-1]}'")
    assert open_current(older) is None
    newer = make_archive(tmp_path / "newer" / "archive.db")
    _edit(
        newer,
        f"INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        f"VALUES ('{MIGRATION_SET}', 'm999_future', '2030-01-01')",
    )
    assert open_current(newer) is None
