"""The archive in Datasette, read-only: metadata, views for faceting, and our own search.

Datasette's built-in ``_search`` would hand the user's text to FTS5 ``MATCH`` over the trigram
index and miss every term of one or two characters, so it is not wired up; the route
``/-/search`` (and ``/-/search.json``) runs :func:`archiver.search.search`, the same code as
``archiver search``. The plugin that provides it is registered in-process by
:func:`build_datasette`; it only acts on the database that function adds.

Read-only is enforced by SQLite, not by configuration: every connection Datasette opens on the
archive, its "write" connection included, is ``mode=ro`` with ``PRAGMA query_only``.
"""

from __future__ import annotations

import asyncio
import copy
import socket
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from datasette import Request, Response, hookimpl
from datasette.database import Database as DatasetteDatabase
from datasette.utils import tilde_encode
from datasette.utils.asgi import NotFound
from markupsafe import Markup, escape
from sqlite_utils import Database

from archiver import config
from archiver.search import Hit, Query, QueryError, Snippet, parse_query, search
from archiver.store import Filters
from archiver.store.schema import CITATIONS, DOCUMENTS, FILES, LIST_WALKS, RUNS, SECTIONS, VERSIONS

if TYPE_CHECKING:
    from datasette.app import Datasette

#: The archive's name in Datasette's URLs (``/archive/news``), whatever the file is called.
DB_NAME = "archive"
NEWS_VIEW, BRIEFS_VIEW = "news", "briefs"
SEARCH_PATH = "/-/search"
SEARCH_LIMIT, MAX_SEARCH_LIMIT = 20, 1000

_DATASETTE_SETTINGS = {
    "truncate_cells_html": 300,  # bodies and body HTML would make the table pages unreadable
    "facet_time_limit_ms": 1000,  # the news view computes sections per row
    "suggest_facets": False,  # the facets are chosen; suggesting more costs ~1 s a page
}


# -- views: one row per article or brief, with the derived columns facets need ----------------

_VIEWS = {
    NEWS_VIEW: f"""
        SELECT d.url, d.title, d.published, substr(d.published, 1, 4) AS year, d.department,
          (SELECT json_group_array(section) FROM
             (SELECT section FROM {SECTIONS} s WHERE s.url = d.url ORDER BY s.rowid))
             AS sections,
          d.contributor, d.reviewer,
          (SELECT count(DISTINCT brief_url) FROM {CITATIONS} c WHERE c.news_url = d.url)
             AS cited_briefs,
          json_array_length(coalesce(d.attachments, '[]')) AS attachments,
          d.version, d.withdrawn_at, d.site
        FROM {DOCUMENTS} d WHERE d.kind = 'news'""",
    BRIEFS_VIEW: f"""
        SELECT d.url, d.title, d.published, substr(d.published, 1, 4) AS year, d.site,
          d.source, d.status, d.archived_url, d.archived_at,
          (SELECT count(DISTINCT news_url) FROM {CITATIONS} c WHERE c.brief_url = d.url)
             AS citing_news,
          d.version, d.withdrawn_at
        FROM {DOCUMENTS} d WHERE d.kind = 'brief'""",
}


def create_views(db: Database) -> None:
    """(Re)create the ``news`` and ``briefs`` views; a later migration may call it again."""
    for name, sql in _VIEWS.items():
        db.execute(f"DROP VIEW IF EXISTS {name}")
        db.execute(f"CREATE VIEW {name} AS {sql}")


def m005_views(db: Database) -> None:
    """The body of the migration that adds the views (registered in the store schema)."""
    create_views(db)


# -- metadata: titles, column descriptions, facets ----------------------------------------------

_RECORD_COLUMNS = {
    "url": "The page's address (the key).",
    "kind": "news or brief.",
    "site": "Host name.",
    "title": "The page's own title; empty when the page shows none.",
    "published": "ISO 8601: YYYY-MM-DD, or YYYY-MM-DDTHH:MM+08:00 when the page gives a time; "
    "empty when the page gives no date.",
    "body": "Plain text, one paragraph per line.",
    "body_html": "The body's HTML, scripts and styles removed.",
    "department": "News: 部门; empty when empty on the page.",
    "contributor": "News: 供稿, where present.",
    "reviewer": "News: 审核, where present.",
    "attachments": "News: JSON list of the absolute URLs of attached files (.doc, .pdf, …).",
    "images": "News: JSON list of the absolute URLs of the body's images.",
    "source": "Brief: 来源 / ContentSource.",
    "status": "Brief: live (read from its own site), archived (from the web archive) or "
    "unavailable.",
    "archived_url": "Brief: the web archive capture it was read from.",
    "archived_at": "Brief: when that capture was made, ISO 8601 UTC.",
    "parse_warnings": "JSON list: what the extractor could not read, and for briefs why the "
    "live site failed.",
    "provenance": "JSON object: for each filled field, where it came from.",
    "extractor_version": "The version of the extractors that produced the record.",
    "fetched_at": "When the bytes were fetched, ISO 8601 UTC.",
    "http_status": "The HTTP status of that fetch.",
    "sha256": "Of the raw bytes the record was read from.",
    "first_seen_at": "When a crawl first stored the page, ISO 8601 UTC.",
    "changed_at": "When a crawl last found its content changed, ISO 8601 UTC.",
    "run_id": "The crawl run (crawl_runs.id) that last saved the record.",
    "content_type": "The Content-Type of the response the record was read from.",
    "etag": "The ETag the site sent, for the next crawl's conditional request.",
    "last_modified": "The Last-Modified the site sent, for the next conditional request.",
    "warc_file": "The WARC file (in warc/ beside the archive) holding the raw response.",
    "warc_offset": "Byte offset of the response record in that WARC file.",
    "warc_payload_sha256": "sha256 of the payload as sent (may be content-encoded).",
    "version": "1, then one more each time a crawl found the content changed.",
    "withdrawn_at": "When a crawl found the page gone (404/410); empty while it is online.",
    "checked_at": "The last time a crawl saw the page unchanged (e.g. HTTP 304).",
}

_COUNTS = "Pages and files of this run: "


def _described(names: str, **own: str) -> dict[str, str]:
    """Descriptions of the columns ``names`` (space-separated), in that order: a column's
    ``own`` description, else the record column's."""
    return {name: own.get(name) or _RECORD_COLUMNS[name] for name in names.split()}


@dataclass(frozen=True)
class TableDoc:
    """What Datasette shows of a table or view: title, description, columns, facets, order."""

    title: str
    description: str
    columns: dict[str, str]  # column -> description
    facets: tuple[str | dict[str, str], ...] = ()
    sort_desc: str | None = None  # newest first by this column


TABLES: dict[str, TableDoc] = {
    NEWS_VIEW: TableDoc(
        "News articles",
        "One row per article, with its sections as a list and its year, for faceting. "
        "Click a title for the whole record.",
        _described(
            "url title published year department sections contributor reviewer cited_briefs "
            "attachments version withdrawn_at site",
            year="The year of published.",
            sections="JSON list of section labels: the article page's own and every list it "
            "was found on.",
            cited_briefs="How many bureau briefs the article cites.",
            attachments="How many files are attached to the article.",
        ),
        facets=({"array": "sections"}, "department", "year"),
        sort_desc="published",
    ),
    BRIEFS_VIEW: TableDoc(
        "Bureau briefs",
        "One row per education-bureau brief cited by the news. Click a title for the whole "
        "record.",
        _described(
            "url title published year site source status archived_url archived_at "
            "citing_news version withdrawn_at",
            year="The year of published.",
            citing_news="How many news articles cite the brief.",
        ),
        facets=("status", "year", "site"),
        sort_desc="published",
    ),
    DOCUMENTS: TableDoc(
        "All records",
        "Every news article and brief, every stored field (the export record's fields).",
        _RECORD_COLUMNS,
        facets=("kind", "status", "site", "department"),
        sort_desc="published",
    ),
    SECTIONS: TableDoc(
        "Sections",
        "Which section lists each article was found on.",
        {
            "url": "The article (documents.url).",
            "section": "The section label, e.g. 头条新闻.",
            "first_seen_at": "When a crawl first saw the article under this section.",
        },
        facets=("section",),
    ),
    CITATIONS: TableDoc(
        "Citations",
        "The citation graph: a news article, a brief it cites, and how the link was found.",
        {
            "news_url": "The citing article (documents.url).",
            "brief_url": "The cited brief's address.",
            "how": "link: an <a href> in the body; text: an address written as plain text.",
            "position": "The citation's order in the article, from 0.",
        },
        facets=("how",),
    ),
    VERSIONS: TableDoc(
        "Versions",
        "Every stored version of every page; the record holds the latest.",
        _described(
            "url version fetched_at sha256 extractor_version warc_file warc_offset "
            "warc_payload_sha256 content_type title published body department contributor "
            "reviewer attachments images source status archived_url archived_at cites",
            version="The version number: 1, 2, …",
            cites="JSON list of [brief URL, how] the version cites.",
        ),

    ),
    FILES: TableDoc(
        "Attachment files",
        "Files attached to articles (and body images with crawl --images), fetched and hashed.",
        _described(
            "url news_url sha256 size content_type fetched_at http_status warc_file "
            "warc_offset warc_payload_sha256",
            url="The file's address.",
            news_url="The article it belongs to (documents.url).",
            sha256="Of the file's bytes.",
            size="Size in bytes.",
        ),
        facets=("content_type",),
    ),
    RUNS: TableDoc(
        "Crawl runs",
        "Every run of archiver crawl, its counts and outcome.",
        {
            "id": "Run number.",
            "started_at": "When the run started, ISO 8601 UTC.",
            "finished_at": "When it finished, ISO 8601 UTC; empty while running or when killed.",
            "outcome": "running, ok, partial, failed or interrupted.",
            "tool_version": "The archiver version that ran.",
            "start_urls": "JSON list of the section lists the run started from.",
            "news_new": _COUNTS + "new news articles.",
            "news_updated": _COUNTS + "news articles whose content changed.",
            "news_unchanged": _COUNTS + "news articles fetched again, unchanged.",
            "briefs_new": _COUNTS + "new briefs.",
            "briefs_updated": _COUNTS + "briefs whose content changed.",
            "briefs_unchanged": _COUNTS + "briefs fetched again, unchanged.",
            "briefs_live": _COUNTS + "briefs read from their own site.",
            "briefs_archived": _COUNTS + "briefs read from the web archive.",
            "briefs_unavailable": _COUNTS + "briefs neither could give.",
            "errors": "Pages that failed (the run is then partial).",
            "requests": "HTTP requests made.",
            "bytes": "Bytes of the responses received.",
            "message": "Why the run failed or was partial, when it did.",
            "not_modified": _COUNTS + "pages that answered 304 Not Modified.",
            "withdrawn": _COUNTS + "pages newly found withdrawn (404/410).",
            "files": _COUNTS + "attachment files archived.",
        },
        facets=("outcome",),
        sort_desc="id",
    ),
    LIST_WALKS: TableDoc(
        "Section lists walked",
        "When each section list was last walked to its end (incremental crawls need one).",
        {
            "start_url": "The list's first page.",
            "completed_at": "When a crawl reached its last page, ISO 8601 UTC.",
        },

    ),
}


def search_form_html(action: str, q: str = "") -> str:
    """A search form posting to the archive's search page (on the index and database pages)."""
    return (
        f'<form class="archiver-search" action="{escape(action)}" method="get">'
        f'<input type="search" name="q" value="{escape(q)}" aria-label="Search the archive" '
        'placeholder="e.g. 简报, 党, title:工作简报"> '
        '<input type="submit" value="Search"></form>'
    )


def build_metadata(base_url: str = "/") -> dict[str, Any]:
    """Datasette metadata for the archive: titles, column descriptions, facets, the search form."""
    action = base_url.rstrip("/") + SEARCH_PATH
    tables_url = f"{base_url.rstrip('/')}/{DB_NAME}"
    about = (
        "<p>News of Chinese universities and the education-bureau briefs (工作简报) they cite: "
        f'browse the <a href="{tables_url}/{NEWS_VIEW}">news articles</a> and the '
        f'<a href="{tables_url}/{BRIEFS_VIEW}">bureau briefs</a> by section, department, year '
        "and status, or search titles and bodies for Chinese terms of any length, as "
        f"<code>archiver search</code> does:</p>{search_form_html(action)}"
    )
    tables: dict[str, Any] = {"_sqlite_migrations": {"hidden": True}}
    for name, doc in TABLES.items():
        table = tables[name] = {
            "title": doc.title,
            "description": doc.description,
            "columns": dict(doc.columns),
        }
        if doc.facets:
            table["facets"] = copy.deepcopy(list(doc.facets))
        if doc.sort_desc:
            table["sort_desc"] = doc.sort_desc
    # citations and the other tables show an article's title beside its URL
    tables[DOCUMENTS]["label_column"] = "title"
    return {
        "title": "edu-news-archiver",
        "description_html": about,
        "about": "edu-news-archiver",
        "about_url": config.PROJECT_HOME,
        "databases": {DB_NAME: {"description_html": about, "tables": tables}},
    }


# -- a read-only database ------------------------------------------------------------------------


class ReadOnlyArchive(DatasetteDatabase):  # type: ignore[misc]
    """The archive file as Datasette sees it: every connection read-only, writes included."""

    def connect(self, write: bool = False) -> sqlite3.Connection:
        """A ``mode=ro`` connection, whatever Datasette asks for; SQLite refuses any write."""
        # a URI, so "?", "#" and "%" in the file's name must be escaped
        location = quote(Path(self.path).resolve().as_posix(), safe="/")
        conn = sqlite3.connect(f"file:{location}?mode=ro", uri=True, check_same_thread=False)
        conn.execute("PRAGMA query_only = 1")
        self._all_file_connections.append(conn)
        return conn


def build_datasette(path: Path, settings: dict[str, Any] | None = None) -> Datasette:
    """A Datasette serving the archive at ``path`` read-only, with our metadata and search.

    The archive should already be open-able (``archiver serve`` checks it with
    :func:`archiver.cli.open_archive`, which also brings its schema up to date).
    """
    from datasette.app import Datasette
    from datasette.plugins import pm

    settings = {**_DATASETTE_SETTINGS, **(settings or {})}
    if not pm.has_plugin(ArchivePlugin.name):
        pm.register(ArchivePlugin(), name=ArchivePlugin.name)
    ds = Datasette(metadata=build_metadata(settings.get("base_url", "/")), settings=settings)
    ds.remove_database("_memory")  # Datasette adds it when started without files
    ds.add_database(ReadOnlyArchive(ds, path=str(path), is_mutable=True), name=DB_NAME)
    return ds


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (port 0: any free one); OSError if taken."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def serve_forever(ds: Datasette, sock: socket.socket) -> None:
    """Serve ``ds`` on ``sock`` with uvicorn until interrupted; logs (access too) to stderr."""
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    log_config = copy.deepcopy(LOGGING_CONFIG)
    log_config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    server = uvicorn.Server(uvicorn.Config(ds.app(), log_config=log_config))

    async def run() -> None:
        await ds.invoke_startup()
        await server.serve(sockets=[sock])

    asyncio.run(run())


# -- the search page -----------------------------------------------------------------------------

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
      %}{% if hit.by %} · {{ hit.by }}{% endif %} · <a href="{{ hit.url }}">{{ hit.url }}</a></div>
    {% if hit.snippet_html %}<p class="hit-snippet">{{ hit.snippet_html }}</p>{% endif %}
  </li>
{% endfor %}
</ol>
{% endif %}
{% endblock %}
"""

_KINDS = (("", "news and briefs"), ("news", "news"), ("brief", "briefs"))


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
        if kind not in ("", "news", "brief"):
            raise QueryError(f"unknown kind {kind!r}: use news or brief")
        raw = request.args.get("limit") or str(SEARCH_LIMIT)
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_SEARCH_LIMIT:
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
        rows = [{**h.as_dict(), "row_url": row_url(datasette, h.url)} for h in hits]
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
                "row_url": row_url(datasette, h.url),
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


# -- the plugin ----------------------------------------------------------------------------------


class ArchivePlugin:
    """Datasette hooks: the search route, a menu link to it, titles linking to records."""

    name = __name__ = "edu-news-archiver"  # Datasette lists plugins by __name__

    @hookimpl  # type: ignore[misc]
    def register_routes(self) -> list[tuple[str, Any]]:
        return [(r"^/-/search(\.(?P<format>json))?$", search_view)]

    @hookimpl  # type: ignore[misc]
    def menu_links(self, datasette: Datasette) -> list[dict[str, str]] | None:
        if not isinstance(datasette.databases.get(DB_NAME), ReadOnlyArchive):
            return None
        return [{"href": datasette.urls.path(SEARCH_PATH), "label": "Search the archive"}]

    @hookimpl  # type: ignore[misc]
    def render_cell(
        self, row: Any, value: Any, column: str, table: str | None, database: str,
        datasette: Datasette,
    ) -> Markup | None:  # fmt: skip
        # a view has no row pages: its titles link to the record's row in documents
        if database != DB_NAME or table not in (NEWS_VIEW, BRIEFS_VIEW) or column != "title":
            return None
        if not isinstance(datasette.databases.get(DB_NAME), ReadOnlyArchive):
            return None
        href = row_url(datasette, row["url"])
        return Markup('<a href="{}">{}</a>').format(href, value if value else "(no title)")
