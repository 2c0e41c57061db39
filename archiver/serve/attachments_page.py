"""Attached documents in Datasette: each one's text on its page's record page
(:mod:`archiver.serve.record_page`), below the record, with its status, its warnings and what
the file is; the plugin fills them in through the ``extra_template_vars`` hook.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from archiver.store.attachments import Attachments
from archiver.store.tables import DOCUMENTS

if TYPE_CHECKING:
    from datasette.app import Datasette

#: Characters of an attachment's text shown on the page (the whole text is in the table).
SHOWN_CHARS = 20_000


def anchor(url: str) -> str:
    """The id of an attachment's section on its page (stable: from the file's URL)."""
    return "attachment-" + hashlib.sha1(url.encode()).hexdigest()[:12]


async def attachments_context(datasette: Datasette, database: Any, page_url: str) -> dict[str, Any]:
    """The template variables of a record's row page: its attachments' texts, cut for display."""
    from datasette.utils import tilde_encode

    from archiver.store.tables import ATTACHMENT_TEXTS

    def read(conn: sqlite3.Connection) -> list[dict[str, Any]]:
        return Attachments(Database(conn)).attachments_of(page_url)

    rows: list[dict[str, Any]] = await database.execute_fn(read)
    shown = []
    for row in rows:
        text = row["text"] or ""
        shown.append(
            {
                **row,
                "anchor": anchor(row["url"]),
                "warnings": json.loads(row["warnings"] or "[]"),
                "text": text[:SHOWN_CHARS],
                "cut": len(text) > SHOWN_CHARS,
                "shown": SHOWN_CHARS,
                "length": len(text),
                "row_url": datasette.urls.row(
                    database.name, ATTACHMENT_TEXTS, tilde_encode(row["url"])
                ),
            }
        )
    return {"archiver_attachments": shown}


def is_record_row_page(view_name: str, table: str | None) -> bool:
    """Whether Datasette is rendering a record's own row page."""
    return view_name == "row" and table == DOCUMENTS
