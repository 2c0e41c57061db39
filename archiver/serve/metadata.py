"""What Datasette shows of the archive: titles, column descriptions, facets, the search form.

The descriptions of the record's columns come from the field definition
(:mod:`archiver.records.fields`), the README's own text made plain.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from archiver import config
from archiver.records.fields import ATTACHMENT_FIELDS, FIELDS, plain_description
from archiver.store.tables import (
    ATTACHMENT_TEXTS,
    BRIEFS_VIEW,
    CHAR_COUNTS,
    CITATIONS,
    DOCUMENTS,
    FAILURES,
    FILES,
    LIST_WALKS,
    NEWS_VIEW,
    RUN_CHANGES,
    RUNS,
    SECTIONS,
    VERSIONS,
)

#: The archive's name in Datasette's URLs (``/archive/news``), whatever the file is called.
DB_NAME = "archive"
SEARCH_PATH = "/-/search"

#: Every field of a record, stored or derived, described for Datasette.
_FIELD_DESCRIPTIONS = {spec.name: plain_description(spec) for spec in FIELDS}
#: The columns of the ``documents`` table.
_RECORD_COLUMNS = {spec.name: plain_description(spec) for spec in FIELDS if spec.stored}

_COUNTS = "Pages and files of this run: "
#: Years listed newest first, not by count (:class:`archiver.serve.downloads.ValueOrderFacet`).
YEAR_FACET = {"by_value": "year"}

#: The columns of ``attachment_texts`` that are fields of an attachment's export record.
_ATTACHMENT_DESCRIPTIONS = {spec.name: plain_description(spec) for spec in ATTACHMENT_FIELDS}


def _described(names: str, **own: str) -> dict[str, str]:
    """Descriptions of the columns ``names`` (space-separated), in that order: a column's
    ``own`` description, else the record field's."""
    return {name: own.get(name) or _FIELD_DESCRIPTIONS[name] for name in names.split()}


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
            cited_briefs="How many bureau briefs the article cites.",
            attachments="How many files are attached to the article.",
        ),
        facets=({"array": "sections"}, "department", YEAR_FACET),
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
        facets=("status", YEAR_FACET, "site"),
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
    ATTACHMENT_TEXTS: TableDoc(
        "Attachment texts",
        "The text of each attached document (images have none), with its status: a text is "
        "never empty without a warning saying why. Also shown on its article's record.",
        {
            name: _ATTACHMENT_DESCRIPTIONS[name]
            for name in (
                "url file_name format status title created modified pages text method "
                "warnings provenance extractor_version"
            ).split()
        }
        | {
            "sha256": "Of the bytes the text was read from (attachment_files.sha256 when current).",
            "extracted_at": "When the text was read, ISO 8601 UTC.",
        },
        facets=("status", "format"),
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
            "still_failing": "Of the errors, pages that failed as in earlier runs (known: the "
            "run is not partial for them).",
        },
        facets=("outcome",),
        sort_desc="id",
    ),
    FAILURES: TableDoc(
        "Failures",
        "Every address a crawl could not archive, with its last reason; resolved once a "
        "later run fetched it.",
        {
            "url": "The address that failed.",
            "kind": "list, news, brief, file (an attachment) or page (a callback's error).",
            "reason": "Why it failed the last time, one line.",
            "reason_kind": "The reason with its particulars blanked (HTTP 5xx): the same kind "
            "in the next run makes it a known failure.",
            "run_id": "The last run it failed in.",
            "first_run_id": "The run it began failing in.",
            "attempts": "In how many runs in a row it failed.",
            "first_seen": "When it began failing, ISO 8601 UTC.",
            "last_seen": "When it last failed, ISO 8601 UTC.",
            "resolved_at": "When a later run fetched it; empty while it fails.",
            "resolved_run_id": "The run that fetched it.",
        },
        facets=("kind", "reason_kind"),
    ),
    RUN_CHANGES: TableDoc(
        "Changes by run",
        "What each crawl run changed or saw fail (archiver runs show N).",
        {
            "run_id": "The run.",
            "url": "The page.",
            "change": "new, changed, withdrawn, recovered (from the web archive), failed (a "
            "new failure), still failing (a known one) or resolved.",
            "kind": "news, brief, list, file or page.",
            "reason": "Why it failed (failed, still failing).",
        },
        facets=("change", "kind"),
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
    # hidden: the migrations' log, and the character counts search reads (packed bytes)
    tables: dict[str, Any] = {"_sqlite_migrations": {"hidden": True}, CHAR_COUNTS: {"hidden": True}}
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
