"""The full-text index's tables and triggers (DDL only; :mod:`archiver.search` queries it).

``documents_search`` is a contentless FTS5 table with the ``trigram`` tokenizer over
``lower(title)`` and ``lower(body)``, each padded with two ``U+001F`` so that every character of
the text starts a trigram; ``documents_search_terms`` is its dictionary (``fts5vocab``).
Triggers on ``documents`` keep it in step with inserts, updates and deletes.
"""

from __future__ import annotations

from sqlite_utils import Database

from archiver.store.tables import DOCUMENTS, INDEX, TERMS

__all__ = ["INDEX", "TERMS", "create_search_index", "rebuild_search_index"]

# The text the index holds for a column: ASCII-lowered (SQLite's lower()) and padded.
_INDEXED = "lower(coalesce({row}.{col}, '')) || char(31, 31)"


def _indexed(row: str) -> str:
    return ", ".join(_INDEXED.format(row=row, col=col) for col in ("title", "body"))


_TRIGGERS = (
    f"""CREATE TRIGGER {INDEX}_insert AFTER INSERT ON {DOCUMENTS} BEGIN
      INSERT INTO {INDEX}(rowid, title, body) VALUES (new.rowid, {_indexed("new")});
    END""",
    # A contentless table forgets a row only when told the exact values it indexed. (INSERT OR
    # REPLACE deletes without firing this unless recursive_triggers is on; the stale entries
    # left behind only add candidates, which the check against the text then drops.)
    f"""CREATE TRIGGER {INDEX}_delete AFTER DELETE ON {DOCUMENTS} BEGIN
      INSERT INTO {INDEX}({INDEX}, rowid, title, body)
        VALUES ('delete', old.rowid, {_indexed("old")});
    END""",
    # The store upserts every column on every save: re-index only when the text changed.
    f"""CREATE TRIGGER {INDEX}_update AFTER UPDATE ON {DOCUMENTS}
    WHEN old.rowid IS NOT new.rowid OR old.title IS NOT new.title OR old.body IS NOT new.body
    BEGIN
      INSERT INTO {INDEX}({INDEX}, rowid, title, body)
        VALUES ('delete', old.rowid, {_indexed("old")});
      INSERT INTO {INDEX}(rowid, title, body) VALUES (new.rowid, {_indexed("new")});
    END""",
)


def create_search_index(db: Database) -> None:
    """Create the index, its dictionary view and its triggers, and fill it from the records."""
    db.execute(
        f"CREATE VIRTUAL TABLE {INDEX} USING fts5(title, body, content='', "
        "tokenize='trigram case_sensitive 1', detail=none)"
    )
    db.execute(f"CREATE VIRTUAL TABLE {TERMS} USING fts5vocab({INDEX}, 'instance')")
    for trigger in _TRIGGERS:
        db.execute(trigger)
    rebuild_search_index(db)


def rebuild_search_index(db: Database) -> None:
    """Index every record afresh (after a bulk load with the triggers bypassed, say)."""
    db.execute(f"INSERT INTO {INDEX}({INDEX}) VALUES ('delete-all')")
    db.execute(
        f"INSERT INTO {INDEX}(rowid, title, body) SELECT rowid, {_indexed('d')} FROM {DOCUMENTS} d"
    )
    db.execute(f"INSERT INTO {INDEX}({INDEX}) VALUES ('optimize')")
