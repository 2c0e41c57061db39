"""The ``attachment_texts`` table and its full-text index (DDL only; migration m006 runs it).

One row per attached file that is a document (images have none), keyed by the file's URL
(``attachment_files.url``): the text, the document's own title and dates, how it was read and
its status (README, "Attachment texts"). The index is built like the records' own
(:mod:`archiver.store.fts`): a contentless FTS5 ``trigram`` table over the lowered, padded
``title`` (the document's title and the file's name, a line each) and ``body`` (its text),
with a ``fts5vocab`` dictionary, kept in step by triggers.
"""

from __future__ import annotations

from sqlite_utils import Database

from archiver.store.tables import ATTACHMENT_INDEX, ATTACHMENT_TERMS, ATTACHMENT_TEXTS, FILES

#: What the index calls an attachment's title: its document title and its file name, in SQL
#: over a row alias (``new``, ``old``, ``t``). Search checks candidates against the same text.
TITLE_SQL = "coalesce({row}.title, '') || char(10) || coalesce({row}.file_name, '')"
BODY_SQL = "coalesce({row}.text, '')"


def _indexed(row: str) -> str:
    return ", ".join(
        f"lower({sql.format(row=row)}) || char(31, 31)" for sql in (TITLE_SQL, BODY_SQL)
    )


_TRIGGERS = (
    f"""CREATE TRIGGER {ATTACHMENT_INDEX}_insert AFTER INSERT ON {ATTACHMENT_TEXTS} BEGIN
      INSERT INTO {ATTACHMENT_INDEX}(rowid, title, body) VALUES (new.rowid, {_indexed("new")});
    END""",
    f"""CREATE TRIGGER {ATTACHMENT_INDEX}_delete AFTER DELETE ON {ATTACHMENT_TEXTS} BEGIN
      INSERT INTO {ATTACHMENT_INDEX}({ATTACHMENT_INDEX}, rowid, title, body)
        VALUES ('delete', old.rowid, {_indexed("old")});
    END""",
    f"""CREATE TRIGGER {ATTACHMENT_INDEX}_update AFTER UPDATE ON {ATTACHMENT_TEXTS}
    WHEN old.rowid IS NOT new.rowid OR old.title IS NOT new.title
      OR old.file_name IS NOT new.file_name OR old.text IS NOT new.text
    BEGIN
      INSERT INTO {ATTACHMENT_INDEX}({ATTACHMENT_INDEX}, rowid, title, body)
        VALUES ('delete', old.rowid, {_indexed("old")});
      INSERT INTO {ATTACHMENT_INDEX}(rowid, title, body) VALUES (new.rowid, {_indexed("new")});
    END""",
)


def create_attachment_texts(db: Database) -> None:
    """Create ``attachment_texts``, its index, dictionary and triggers."""
    db.table(ATTACHMENT_TEXTS).create(
        {
            "url": str,
            "file_name": str,
            "format": str,
            "status": str,
            "title": str,
            "created": str,
            "modified": str,
            "pages": int,
            "text": str,
            "method": str,
            "warnings": str,  # JSON array
            "provenance": str,  # JSON object
            "extractor_version": str,
            "sha256": str,  # of the bytes the text was read from
            "extracted_at": str,
        },
        pk="url",
        foreign_keys=[("url", FILES, "url")],
    )
    db.table(ATTACHMENT_TEXTS).create_index(["status"])
    db.execute(
        f"CREATE VIRTUAL TABLE {ATTACHMENT_INDEX} USING fts5(title, body, content='', "
        "tokenize='trigram case_sensitive 1', detail=none)"
    )
    db.execute(
        f"CREATE VIRTUAL TABLE {ATTACHMENT_TERMS} USING fts5vocab({ATTACHMENT_INDEX}, 'instance')"
    )
    for trigger in _TRIGGERS:
        db.execute(trigger)
