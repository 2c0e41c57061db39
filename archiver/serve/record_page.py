"""A record's own page: the ``documents`` row page, laid out as the article reads.

Datasette renders a row through ``row-archive-documents.html`` (in ``templates/``) when it
finds one; :func:`record_context` gives that template the record as a reader wants it: title,
date, department, the body as paragraphs, its citations with their titles, its versions (any of
them can be shown with ``?version=N``), its capture and where each value came from. Everything
is read on one of Datasette's read-only connections, in one thread call.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from sqlite_utils import Database

from archiver.records.fields import BY_NAME, STORED_FIELDS
from archiver.store import Archive
from archiver.store.tables import CITATIONS, DOCUMENTS, VERSIONED_COLUMNS

if TYPE_CHECKING:
    from datasette.app import Datasette

#: Where the raw capture of a record is served (:mod:`archiver.serve.capture_page`).
CAPTURE_PATH = "/-/capture"
#: The capture columns a version keeps beside its content.
_VERSION_CAPTURE = (
    "fetched_at sha256 extractor_version warc_file warc_offset warc_payload_sha256 content_type"
).split()
_ISO_TIME = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d(?::\d\d)?)(?:\.\d+)?(Z|[+-]\d\d:\d\d)?")
_KIND_LABELS = {"news": "News article", "brief": "Bureau brief"}


@dataclass
class Linked:
    """Another page named on a record: its address, its title and date when archived."""

    url: str
    title: str | None = None
    published: str | None = None
    archived: bool = False  # whether the archive holds it (then it has a record page)
    note: str = ""  # how it is cited, its status
    row_url: str | None = None  # its record page, when archived


@dataclass
class RecordPage:
    """What the record template shows: the record (or one of its versions) and its context."""

    record: dict[str, Any]
    kind_label: str
    paragraphs: list[str]
    provenance: dict[str, str]
    cites: list[Linked] = field(default_factory=list)
    cited_by: list[Linked] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)
    shown_version: int | None = None  # the version shown, when it is not the latest
    version_error: str | None = None
    capture_url: str | None = None
    fields: list[tuple[str, str]] = field(default_factory=list)  # every stored field, as text


def paragraphs(body: str | None) -> list[str]:
    """The body's paragraphs: one per line of the stored text, blank lines dropped."""
    return [line.strip() for line in (body or "").splitlines() if line.strip()]


def readable_time(value: str | None) -> str | None:
    """An ISO 8601 date or time as people read it: ``2012-01-01 19:30 +08:00``,
    ``2026-11-28 10:00:00 UTC``; a date stays as it is."""
    if not value:
        return value
    found = _ISO_TIME.fullmatch(value)
    if not found:
        return value
    date, time, zone = found.groups()
    return f"{date} {time}" + (" UTC" if zone == "Z" else f" {zone}" if zone else "")


def read_version_param(raw: str | None) -> int | None:
    """``?version=N``: the version asked for, None for the latest (or a value that is none)."""
    if raw is None or not re.fullmatch("[0-9]{1,9}", raw):
        return None
    return int(raw)


async def record_context(
    datasette: Datasette, database: Any, url: str, version: str | None
) -> dict[str, Any]:
    """The template variables of the record page of ``url`` (``archiver_record``; None when
    the archive has no such record)."""
    asked = read_version_param(version)

    def read(conn: sqlite3.Connection) -> RecordPage | None:
        return _read_page(Archive(Database(conn)), url, asked, version)

    page: RecordPage | None = await database.execute_fn(read)
    if page is None:
        return {"archiver_record": None, "archiver_readable": readable_time}
    for linked in (*page.cites, *page.cited_by):
        if linked.archived:
            linked.row_url = _row_url(datasette, database.name, linked.url)
    row_url = _row_url(datasette, database.name, url)
    for entry in page.versions:
        latest = entry["version"] == page.versions[-1]["version"]
        entry["href"] = row_url if latest else f"{row_url}?version={entry['version']}"
    if page.record.get("warc_file"):
        query = {"url": url}
        if page.shown_version:
            query["version"] = str(page.shown_version)
        page.capture_url = f"{datasette.urls.path(CAPTURE_PATH)}?{urlencode(query)}"
    return {
        "archiver_record": page, "archiver_row_url": row_url, "archiver_readable": readable_time
    }


def _row_url(datasette: Datasette, database: str, url: str) -> str:
    from datasette.utils import tilde_encode

    return str(datasette.urls.row(database, DOCUMENTS, tilde_encode(url)))


def _read_page(
    store: Archive, url: str, asked: int | None, raw_version: str | None
) -> RecordPage | None:
    record = store.record(url)
    if record is None:
        return None
    versions = store.versions(url)
    shown, error = None, None
    if raw_version is not None:
        match = next((v for v in versions if v["version"] == asked), None)
        if match is None:
            error = f"This page has no version {raw_version}; the latest is shown."
        elif match["version"] != record.get("version"):
            shown = match["version"]
            record = _as_version(record, match)
    cites = _cites(store, record, shown)
    return RecordPage(
        record=record,
        kind_label=_KIND_LABELS.get(record["kind"], record["kind"]),
        paragraphs=paragraphs(record.get("body")),
        provenance={k: str(v) for k, v in (record.get("provenance") or {}).items()},
        cites=cites,
        cited_by=_cited_by(store, url),
        versions=_version_list(versions),
        shown_version=shown,
        version_error=error,
        fields=[(name, _as_text(record.get(name))) for name in STORED_FIELDS],
    )


def _as_version(record: dict[str, Any], version: dict[str, Any]) -> dict[str, Any]:
    """The record as version ``version`` had it: its content and its capture."""
    shown = {**record, "version": version["version"]}
    for name in (*VERSIONED_COLUMNS, *_VERSION_CAPTURE):
        value = version.get(name)
        shown[name] = json.loads(value) if value and _is_json(name) else value
    # what a version does not keep is not shown as if it were that version's
    for name in ("body_html", "provenance", "parse_warnings", "http_status", "etag"):
        shown[name] = None
    shown["_version_cites"] = json.loads(version.get("cites") or "[]")
    return shown


def _is_json(name: str) -> bool:
    return BY_NAME[name].type in ("list", "object")


def _cites(store: Archive, record: dict[str, Any], version: int | None) -> list[Linked]:
    """The briefs a news record cites, in document order, with their titles when archived."""
    if record["kind"] != "news":
        return []
    if version is not None:
        pairs = [(brief, how) for brief, how in record["_version_cites"]]
    else:
        pairs = list(
            store.db.execute(
                f"SELECT brief_url, how FROM {CITATIONS} WHERE news_url = ? ORDER BY position",
                [record["url"]],
            )
        )
    hows: dict[str, list[str]] = {}
    for brief, how in pairs:
        hows.setdefault(brief, []).append(how)
    return [_linked(store, brief, _how_note(found)) for brief, found in hows.items()]


def _how_note(hows: list[str]) -> str:
    said = {"link": "linked", "text": "address in the text"}
    return " and ".join(said.get(h, h) for h in dict.fromkeys(hows))


def _cited_by(store: Archive, url: str) -> list[Linked]:
    rows = store.db.execute(
        f"SELECT DISTINCT news_url FROM {CITATIONS} WHERE brief_url = ? ORDER BY news_url", [url]
    )
    return [_linked(store, news_url, "") for (news_url,) in rows]


def _linked(store: Archive, url: str, note: str) -> Linked:
    row = next(
        store.db.execute(
            f"SELECT title, published, kind, status FROM {DOCUMENTS} WHERE url = ?", [url]
        ),
        None,
    )
    if row is None:
        return Linked(url, note=note or "not archived")
    title, published, kind, status = row
    notes = [note] if note else []
    if kind == "brief" and status and status != "live":
        notes.append(f"{status}")
    return Linked(url, title, published, archived=True, note=", ".join(notes))


def _version_list(versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each stored version with its date and what changed from the one before."""
    listed: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for row in versions:
        changed: list[str] = []
        if previous is not None:
            changed = [n for n in VERSIONED_COLUMNS if row.get(n) != previous.get(n)]
            changed += ["citations"] if row.get("cites") != previous.get("cites") else []
        listed.append(
            {
                "version": row["version"],
                "fetched_at": readable_time(row["fetched_at"]),
                "title": row.get("title"),
                "changed": changed,
            }
        )
        previous = row
    return listed


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
