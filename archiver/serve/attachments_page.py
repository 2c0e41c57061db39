"""Attached documents in Datasette: each one's text on its page's record (the ``documents`` row
page), below the record, with its status, its warnings and what the file is.

Datasette shows a row through ``row.html``; the plugin adds a template of the same shape for the
archive's ``documents`` rows (:data:`ROW_TEMPLATE`, served from memory) and fills it through the
``extra_template_vars`` hook with the texts of the files the record links.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import TYPE_CHECKING, Any

from jinja2 import ChoiceLoader, DictLoader
from sqlite_utils import Database

from archiver.store.attachments import Attachments
from archiver.store.tables import DOCUMENTS

if TYPE_CHECKING:
    from datasette.app import Datasette

#: The template name Datasette looks for first on a ``documents`` row page of the archive.
ROW_TEMPLATE_NAME = "row-archive-documents.html"
#: Characters of an attachment's text shown on the page (the whole text is in the table).
SHOWN_CHARS = 20_000

ROW_TEMPLATE = """{% extends "default:row.html" %}
{% block extra_head %}{{ super() }}<style>
  .archiver-attachment { border-top: 1px solid #ddd; margin-top: 1em; }
  .archiver-attachment pre { white-space: pre-wrap; max-height: 40em; overflow: auto;
    background: #f8f8f8; padding: 0.6em; }
  .archiver-attachment .meta { color: #555; font-size: 0.9em; }
</style>{% endblock %}
{% block content %}
{{ super() }}
{% if archiver_attachments %}
<h2 id="attachments">Attached documents</h2>
{% for a in archiver_attachments %}
<section class="archiver-attachment" id="{{ a.anchor }}">
  <h3><a href="{{ a.url }}">{{ a.file_name or a.url }}</a>
    {%- if a.title %}: {{ a.title }}{% endif %}</h3>
  <p class="meta">{{ a.format or "unknown format" }} · <strong>{{ a.status }}</strong>
    {%- if a.pages %} · {{ a.pages }}
      {{- " sheets" if a.format in ("xlsx", "xls") else " pages" }}{% endif %}
    {%- if a.created %} · created {{ a.created }}{% endif %}
    {%- if a.modified %} · modified {{ a.modified }}{% endif %}
    · {{ "{:,}".format(a.size or 0) }} bytes · read by {{ a.method or "no reader" }}
    · <a href="{{ a.row_url }}">the whole record</a></p>
  {% for warning in a.warnings %}<p class="message-warning">{{ warning }}</p>{% endfor %}
  {% if a.text %}<pre>{{ a.text }}</pre>{% endif %}
  {% if a.cut %}<p class="meta">The first {{ "{:,}".format(a.shown) }} of
    {{ "{:,}".format(a.length) }} characters.</p>{% endif %}
</section>
{% endfor %}
{% endif %}
{% endblock %}
"""


def add_row_template(env: Any) -> None:
    """Let Datasette's Jinja environment find :data:`ROW_TEMPLATE` (before its own)."""
    if not isinstance(env.loader, ChoiceLoader) or not any(
        isinstance(loader, DictLoader) and ROW_TEMPLATE_NAME in loader.mapping
        for loader in env.loader.loaders
    ):
        env.loader = ChoiceLoader([DictLoader({ROW_TEMPLATE_NAME: ROW_TEMPLATE}), env.loader])


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
