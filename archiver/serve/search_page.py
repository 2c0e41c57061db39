"""Our own search in Datasette: the ``/-/search`` page and JSON.

Datasette's built-in ``_search`` would hand the user's text to FTS5 ``MATCH`` over the trigram
index and miss every term of one or two characters, so the route runs
:func:`archiver.search.search`, the same code as ``archiver search``.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from datasette import Request, Response
from datasette.utils import tilde_encode
from datasette.utils.asgi import NotFound
from markupsafe import Markup, escape
from sqlite_utils import Database

from archiver.search import Hit, Query, QueryError, Snippet, parse_query, search
from archiver.serve.attachments_page import anchor
from archiver.serve.metadata import DB_NAME, SEARCH_PATH
from archiver.serve.readonly import ReadOnlyArchive
from archiver.store import Filters
from archiver.store.tables import DOCUMENTS

if TYPE_CHECKING:
    from datasette.app import Datasette

SEARCH_LIMIT, MAX_SEARCH_LIMIT = 20, 1000


_SEARCH_TEMPLATE = """{% extends "base.html" %}
{% block title %}Search{% if q %}: {{ q }}{% endif %}{% endblock %}
{% block extra_head %}<style>
  .archiver-search input[type=search] { width: 24em; max-width: 100%; }
  .archiver-hits li { margin-bottom: 1em; }
  .archiver-hits .hit-title { font-size: 1.1em; font-weight: bold; }
  .archiver-hits .hit-meta { color: #555; font-size: 0.9em; }
  .archiver-hits .hit-snippet { margin: 0.2em 0 0 0; }
  .archiver-hits mark { background: #ffe27a; }
</style>{% endblock %}
{% block content %}
<h1>Search the archive</h1>
<form class="archiver-search" action="{{ action }}" method="get">
  <input type="search" name="q" value="{{ q }}" aria-label="Search terms"
         placeholder="e.g. 简报, 党, title:工作简报" autofocus>
  <select name="kind" aria-label="Kind of record">
    {% for value, label in kinds %}<option value="{{ value }}"
      {% if value == kind %}selected{% endif %}>{{ label }}</option>{% endfor %}
  </select>
  <input type="submit" value="Search">
</form>
<p class="archiver-help">Any term matches as a substring, one Chinese character or many;
terms side by side must all occur; AND, OR, NOT, ( ), "a phrase", title: and body: as in
<code>archiver search</code>.</p>
{% if error %}<p class="message-error">{{ error }}</p>{% endif %}
{% if searched %}
<p class="archiver-count">{% if hits %}{{ hits|length }} hit{% if hits|length != 1 %}s{% endif
  %}{% if more_url %}, the best first (<a href="{{ more_url }}">more</a>){% endif
  %}{% else %}No hits.{% endif %}</p>
<ol class="archiver-hits">
{% for hit in hits %}
  <li>
    <a class="hit-title" href="{{ hit.row_url }}">{{ hit.title_html }}</a>
    <div class="hit-meta">{{ hit.kind }}{% if hit.published %} · {{ hit.published }}{% endif
      %}{% if hit.by %} · {{ hit.by }}{% endif %} · <a href="{{ hit.url }}">{{ hit.url }}</a>
      {%- if hit.attached_to %} · attached to <a href="{{ hit.page_row_url }}">{{
        hit.attached_to_title or hit.attached_to }}</a>{% endif %}</div>
    {% if hit.snippet_html %}<p class="hit-snippet">{{ hit.snippet_html }}</p>{% endif %}
  </li>
{% endfor %}
</ol>
{% endif %}
{% endblock %}
"""

_KINDS = (
    ("", "everything"), ("news", "news"), ("brief", "briefs"),
    ("attachment", "attached documents"),
)  # fmt: skip


def snippet_html(snippet: Snippet) -> Markup:
    """A snippet as HTML: its text escaped, each match in ``<mark>``."""
    return Markup("").join(
        Markup("<mark>{}</mark>").format(text) if hit else escape(text)
        for text, hit in snippet.parts
    )


@dataclass(frozen=True)
class SearchRequest:
    """The search page's parameters, checked: ``q`` (parsed), ``kind`` and ``limit``."""

    q: str
    query: Query | None  # None for an empty q: the page shows only the form
    kind: str
    limit: int

    @classmethod
    def from_request(cls, request: Request) -> SearchRequest:
        """Read the parameters; raise :class:`QueryError` (one line) for a bad one."""
        q = request.args.get("q", "").strip()
        kind = request.args.get("kind", "")
        if kind not in ("", "news", "brief", "attachment"):
            raise QueryError(f"unknown kind {kind!r}: use news, brief or attachment")
        raw = request.args.get("limit") or str(SEARCH_LIMIT)
        # ASCII digits only: str.isdigit() takes "²" and "١٢", which int() refuses or reads
        if not re.fullmatch("[0-9]{1,7}", raw) or not 1 <= int(raw) <= MAX_SEARCH_LIMIT:
            raise QueryError(f"limit must be a whole number from 1 to {MAX_SEARCH_LIMIT}")
        return cls(q, parse_query(q) if q else None, kind, int(raw))


async def run_search(datasette: Datasette, query: Query, kind: str, limit: int) -> list[Hit]:
    """The hits for ``query``, from :func:`archiver.search.search` on a read connection."""
    filters = Filters(kind=kind or None)

    def in_thread(conn: sqlite3.Connection) -> list[Hit]:
        return search(Database(conn), query, filters, limit=limit)

    hits: list[Hit] = await _archive(datasette).execute_fn(in_thread)
    return hits


def row_url(datasette: Datasette, url: str) -> str:
    """The Datasette row page of the record at ``url``."""
    return str(datasette.urls.row(DB_NAME, DOCUMENTS, tilde_encode(url)))


def hit_url(datasette: Datasette, hit: Hit) -> str:
    """Where a hit is shown: its record's row page, or for an attachment the row page of the
    record it is attached to, at the attachment's text."""
    if hit.attached_to:
        return f"{row_url(datasette, hit.attached_to)}#{anchor(hit.url)}"
    return row_url(datasette, hit.url)


async def search_view(datasette: Datasette, request: Request) -> Response:
    """``/-/search``: the search page; ``/-/search.json``: the hits as JSON. 400 on a bad query."""
    as_json = request.url_vars.get("format") == "json"
    params, hits, error = None, [], None
    try:
        params = SearchRequest.from_request(request)
        if params.query is not None:
            hits = await run_search(datasette, params.query, params.kind, params.limit)
        elif as_json:
            raise QueryError("empty query")
    except QueryError as exc:
        error = str(exc)
    if as_json:
        if error:
            return Response.json({"ok": False, "error": error, "status": 400}, status=400)
        rows = [{**h.as_dict(), "row_url": hit_url(datasette, h)} for h in hits]
        return Response.json({"ok": True, "query": params.q if params else "", "hits": rows})
    html = await datasette.render_template(
        datasette.jinja_env.from_string(_SEARCH_TEMPLATE),
        _page_context(datasette, request, params, hits, error),
        request=request,
    )
    return Response.html(html, status=400 if error else 200)


def _page_context(
    datasette: Datasette,
    request: Request,
    params: SearchRequest | None,
    hits: list[Hit],
    error: str | None,
) -> dict[str, Any]:
    # echoed into the form as given (escaped by the template), even when they were refused
    q, kind = request.args.get("q", ""), request.args.get("kind", "")
    more = None
    if params and len(hits) == params.limit < MAX_SEARCH_LIMIT:
        more_limit = str(min(params.limit * 5, MAX_SEARCH_LIMIT))
        query = _query_string(q=q, kind=kind, limit=more_limit)
        more = f"{datasette.urls.path(SEARCH_PATH)}?{query}"
    return {
        "q": q,
        "kind": kind,
        "kinds": _KINDS,
        "action": datasette.urls.path(SEARCH_PATH),
        "error": error,
        "searched": params is not None and params.query is not None and not error,
        "more_url": more,
        "hits": [
            {
                "url": h.url,
                "row_url": hit_url(datasette, h),
                "attached_to": h.attached_to,
                "attached_to_title": h.attached_to_title,
                "page_row_url": row_url(datasette, h.attached_to) if h.attached_to else None,
                "kind": h.kind,
                "published": h.published,
                "by": h.department or h.source,
                "title_html": snippet_html(h.title_highlight) if h.title else "(no title)",
                "snippet_html": snippet_html(h.snippet),
            }
            for h in hits
        ],
    }


def _query_string(**params: str) -> str:
    return urlencode({k: v for k, v in params.items() if v})


def _archive(datasette: Datasette) -> ReadOnlyArchive:
    database = datasette.databases.get(DB_NAME)
    if not isinstance(database, ReadOnlyArchive):
        raise NotFound("this Datasette serves no archive")
    return database
