"""The character counts (m008) stay exact on every path that writes a record's title or body:
each record has one row, holding ``2·n + t`` for every counted character (or saturated), or a
stale row that a search counts in the text and :func:`fill_stale_char_counts` fills."""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from pathlib import Path

from sqlite_utils import Database

from archiver.store import Archive
from archiver.store.char_counts import (
    BYTES,
    CHARS,
    COLUMNS,
    SATURATED,
    char_counts,
    char_counts_many,
    counted_value,
    fill_stale_char_counts,
)
from archiver.store.schema import migrations
from archiver.store.tables import APPLICATION_ID, CHAR_COUNTS, DOCUMENTS
from tests.factories import BRIEF_URL, NEWS_URL, make_brief, make_news


def expected(title: str | None, body: str | None) -> list[int]:
    """``min(2·n + t, 255)`` for each counted character, in the order of :data:`CHARS`."""
    occurrences, in_title = Counter(body or ""), set(title or "")
    return [min(2 * occurrences[c] + (c in in_title), SATURATED) for c in CHARS]


def unpacked(columns: list[int]) -> list[int]:
    """The values of the packed columns, in the order of :data:`CHARS`."""
    raw = [column.to_bytes(BYTES, "little", signed=True) for column in columns]
    return [raw[rank % COLUMNS][rank // COLUMNS] for rank in range(len(CHARS))]


def stored(db: Database) -> dict[int, tuple[str | None, list[int] | None]]:
    """Each row of the table: rowid -> (published, values or None when stale)."""
    rows = {}
    for rowid, published, *columns in db.execute(f"SELECT * FROM {CHAR_COUNTS}"):
        stale = any(c is None for c in columns)
        assert not stale or all(c is None for c in columns)  # whole rows only
        rows[rowid] = (published, None if stale else unpacked(columns))
    return rows


def assert_exact(db: Database, *, stale: int = 0) -> None:
    """One row per record, the record's date, and its counts (``stale`` rows unknown)."""
    counts = stored(db)
    records = db.execute(f"SELECT rowid, published, title, body FROM {DOCUMENTS}").fetchall()
    assert sorted(counts) == sorted(rowid for rowid, *_ in records)
    for rowid, published, title, body in records:
        assert counts[rowid][0] == published
        values = counts[rowid][1]
        assert values is None or values == expected(title, body), rowid
    assert sum(values is None for _, values in counts.values()) == stale


def test_the_list_is_jun_das_first_512_characters() -> None:
    assert len(CHARS) == len(set(CHARS)) == 512 and len(CHARS) % BYTES == 0
    assert CHARS.startswith("的一是不了在人有我他") and all(c in CHARS for c in "的党农")
    assert counted_value("的") == ("c0", 0) and counted_value("简") is None


def test_the_packed_values_are_the_counts() -> None:
    rng = random.Random(5)
    alphabet = CHARS[:40] + CHARS[-20:] + "简报aZ，😀\U0002a6a5"  # unlisted, astral too
    for _ in range(200):
        title = "".join(rng.choices(alphabet, k=rng.randint(0, 10)))
        body = "".join(rng.choices(alphabet, k=rng.randint(0, 400)))
        values = char_counts(title, body)
        assert values is not None and len(values) == COLUMNS
        assert unpacked(values) == expected(title, body)
    many = char_counts(None, "的" * 300 + "党" * 127)
    assert many is not None
    assert unpacked(many)[CHARS.index("的")] == SATURATED  # 600: count in the text
    assert unpacked(many)[CHARS.index("党")] == 254
    assert char_counts("的\0", "的") is None  # LIKE stops at a NUL: left to the text


def test_many_at_once_are_each_ones_counts() -> None:
    rng = random.Random(6)
    alphabet = CHARS[:40] + CHARS[-20:] + "简报aZ，😀\U0002a6a5"
    texts: list[tuple[str | None, str | None]] = [
        ("".join(rng.choices(alphabet, k=rng.randint(0, 10))),
         "".join(rng.choices(alphabet, k=rng.randint(0, 400))))
        for _ in range(300)
    ]  # fmt: skip
    texts[10:10] = [(None, None), ("", ""), ("的\0", "的"), (None, "党\0"), ("党", "的" * 300)]
    counted = char_counts_many(texts)
    assert counted[12] is None and counted[13] is None  # a NUL: left to the text
    assert [unpacked(values) for values in counted if values is not None] == [
        expected(title, body) for title, body in texts if "\0" not in (title or "") + (body or "")
    ]
    assert char_counts_many([]) == []


def test_a_batch_counts_its_records_just_before_it_commits(archive: Archive) -> None:
    # In a batch (a crawl's), a saved record's row stays stale until the batch commits, when
    # the batch's records are counted together; a record whose write was undone leaves
    # nothing counted of its text; a record saved twice ends with its last text's counts.
    db = archive.db
    archive.save_document(make_brief(body="党的一"))  # counted at once: no batch
    assert_exact(db)
    archive.batch_commits(records=100, seconds=3600)
    archive.save_document(make_news(title="农业", body="的的农"))
    archive.save_document(make_news(title="农业", body="的的农，党", published="2012-01-02"))
    try:
        with archive._write():
            archive.save_document(make_brief(body="一" * 50))
            raise RuntimeError("the write fails after the text was written")
    except RuntimeError:
        pass
    assert_exact(db, stale=1)  # the news, not yet counted; the brief's old counts stand
    archive.end_batches()
    assert_exact(db)
    news_rowid = db.execute("SELECT rowid FROM documents WHERE url = ?", [NEWS_URL]).fetchone()[0]
    assert stored(db)[news_rowid][1] == expected("农业", "的的农，党")


def test_saving_counts_new_updated_and_reparsed_records(archive: Archive) -> None:
    db = archive.db
    archive.save_document(make_news(title="党的建设的会", body="的的农，党"))
    archive.save_document(make_brief())
    assert_exact(db)
    archive.save_document(make_news(title="党的建设的会", body="的的农，党"))  # unchanged
    archive.save_document(make_news(title="农业", body="的" * 200 + "一"))  # updated text
    archive.save_document(make_news(title="农业", body="的" * 200 + "一", published="2012-01-02"))
    archive.save_document(make_brief(status="unavailable", body="不"))  # kept: no change
    assert_exact(db)
    archive.save_reparsed(make_news(title="农业新闻", body="在一个的", published="2012-01-02"))
    assert_exact(db)
    assert archive.mark_withdrawn(NEWS_URL, "2026-12-01T00:00:00Z")
    archive.mark_checked(BRIEF_URL, "2026-12-01T00:00:00Z")
    assert_exact(db)
    assert stored(db)[db.execute("SELECT rowid FROM documents WHERE url = ?", [NEWS_URL])
                      .fetchone()[0]][1] == expected("农业新闻", "在一个的")  # fmt: skip


def test_other_writers_leave_stale_rows_that_are_filled(archive: Archive) -> None:
    db = archive.db
    archive.save_document(make_news())
    archive.save_document(make_brief())
    with db.conn:  # another program: plain SQL, no counting
        db.execute(
            f"INSERT INTO {DOCUMENTS} (url, kind, site, title, body, published) "
            "VALUES ('https://x.edu.cn/1.htm', 'news', 'x.edu.cn', '的', '党的一', '2020-01-01')"
        )
        db.execute(f"UPDATE {DOCUMENTS} SET body = '农的' WHERE url = ?", [NEWS_URL])
        db.execute(f"UPDATE {DOCUMENTS} SET published = '2011-05-01' WHERE url = ?", [BRIEF_URL])
    assert_exact(db, stale=2)
    with db.conn:
        assert fill_stale_char_counts(db) == 2
    assert_exact(db)
    with db.conn:
        db.execute(f"DELETE FROM {DOCUMENTS} WHERE url = ?", [BRIEF_URL])
        db.execute(f"UPDATE {DOCUMENTS} SET title = NULL, body = NULL WHERE url = ?", [NEWS_URL])
    assert_exact(db, stale=1)
    with db.conn:
        fill_stale_char_counts(db)
    assert_exact(db)


def test_an_older_archive_is_counted_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    migrations.apply(db, stop_before="m008_char_counts")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    rng = random.Random(8)
    rows = [(f"https://x.edu.cn/{i}.htm", "".join(rng.choices(CHARS[:30] + "简", k=8)),
             "".join(rng.choices(CHARS[:30] + "简", k=rng.randint(0, 300))) or None)
            for i in range(2500)]  # fmt: skip
    with db.conn:
        db.conn.executemany(
            f"INSERT INTO {DOCUMENTS} (url, kind, site, title, body) VALUES (?, 'news', 'x', ?, ?)",
            rows,
        )
    db.conn.close()
    with Archive.open(path) as archive:
        assert_exact(archive.db)
