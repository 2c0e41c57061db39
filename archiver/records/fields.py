"""The fields of a record, defined once: what each is, where it lives, how it is exported.

:data:`FIELDS` names every field of the export record (README, "The export record") and every
other column of the ``documents`` table. From it are derived the ``documents`` row of a record
(:mod:`archiver.store.documents`), the export field lists (:mod:`archiver.export`), the JSON
and list columns of the store, Datasette's column descriptions (:mod:`archiver.serve`), the
fact lines of ``archiver show`` and the README's three field tables (:func:`readme_tables`,
checked by ``tests/unit/records/test_fields.py``).

The order of :data:`FIELDS` is the export order of the contract: the fields of every record,
then those news adds, then those briefs add. A field that is stored but not exported may sit
anywhere; it sits beside the fields it belongs with. The schema's migrations
(:mod:`archiver.store.schema`) stay explicit: they are history, and a test checks that the
table they build holds exactly the stored fields named here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal["text", "integer", "list", "object"]

#: Where a field's value comes from:
#: ``record``: the extracted record (an attribute of :class:`~archiver.records.News` or
#: :class:`~archiver.records.Brief`); ``capture``: its :class:`~archiver.records.Capture`;
#: ``store``: set by the archive when it saves the record (versions, times, the run);
#: ``sections``: the table of the section lists an article was found on;
#: ``citations``: the citation graph (news → brief); ``computed``: computed from the record's
#: own fields when it is read or exported (:data:`EXPORT_SQL`, :func:`export_value`), never stored.
Source = Literal["record", "capture", "store", "sections", "citations", "computed"]

#: Where ``archiver show`` prints a field: the heading, a fact line under it, the body, or a
#: line of the provenance block. Fields without one are not shown.
ShowPlace = Literal["heading", "fact", "body", "provenance"]

NEWS: frozenset[str] = frozenset({"news"})
BRIEF: frozenset[str] = frozenset({"brief"})
BOTH: frozenset[str] = NEWS | BRIEF


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record.

    ``description`` is the README's text for an exported field (Markdown: code in
    backticks, no final full stop); a stored-only field's description is written the same way.
    """

    name: str
    type: FieldType
    kinds: frozenset[str]
    source: Source
    description: str
    exported: bool = True
    show: ShowPlace | None = None
    #: ``show``'s label, when it is not the field's name
    label: str | None = None
    #: what ``show`` prints when the value is empty
    if_empty: str | None = None

    @property
    def stored(self) -> bool:
        """Whether the value is a column of the ``documents`` table."""
        return self.source in ("record", "capture", "store")

    @property
    def show_label(self) -> str:
        return self.label or self.name


def _stored(name: str, type: FieldType, source: Source, description: str) -> FieldSpec:
    return FieldSpec(name, type, BOTH, source, description, exported=False)


FIELDS: tuple[FieldSpec, ...] = (
    # -- every record ----------------------------------------------------------------------
    FieldSpec("url", "text", BOTH, "record", "the page's address (the key)", show="fact"),
    FieldSpec("kind", "text", BOTH, "record", "`news` or `brief`", show="fact"),
    FieldSpec("site", "text", BOTH, "record", "host name"),
    FieldSpec(
        "title", "text", BOTH, "record",
        "the page's own heading, read by its family's rule (`h2.detail-title` on the first "
        "site), never `<title>` with its suffix; null when the page shows none",
        show="heading", if_empty="(no title on the page)",
    ),
    FieldSpec(
        "published", "text", BOTH, "record",
        "ISO 8601: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM+08:00` when the page gives a time; null "
        "when the page gives no date",
        show="fact", if_empty="(not on the page)",
    ),
    FieldSpec(
        "published_date", "text", BOTH, "computed",
        "`YYYY-MM-DD`: the date of `published` as printed on the page (its first ten "
        "characters, never shifted by a time-zone conversion), for analysis: "
        "`pd.to_datetime(df.published_date, format=\"%Y-%m-%d\")`; null when `published` is",
    ),
    FieldSpec(
        "body", "text", BOTH, "record", "plain text, one paragraph per line",
        show="body", if_empty="(no body)",
    ),
    _stored("body_html", "text", "record", "the body's HTML, scripts and styles removed"),
    FieldSpec(
        "fetched_at", "text", BOTH, "capture", "when the bytes were fetched, ISO 8601 UTC",
        show="provenance",
    ),
    FieldSpec(
        "http_status", "integer", BOTH, "capture", "the HTTP status of that fetch",
        show="provenance",
    ),
    FieldSpec(
        "sha256", "text", BOTH, "capture", "of the raw bytes the record was read from",
        show="provenance",
    ),
    _stored(
        "content_type", "text", "capture",
        "the Content-Type of the response the record was read from",
    ),
    _stored(
        "etag", "text", "capture",
        "the ETag the site sent, for the next crawl's conditional request",
    ),
    _stored(
        "last_modified", "text", "capture",
        "the Last-Modified the site sent, for the next conditional request",
    ),
    # show prints the capture as one line, "capture  FILE @ OFFSET"
    FieldSpec(
        "warc_file", "text", BOTH, "capture",
        "the WARC file (in `warc/` beside the archive) holding the raw response",
        exported=False, show="provenance", label="capture",
    ),
    _stored(
        "warc_offset", "integer", "capture", "byte offset of the response record in that WARC file"
    ),
    _stored(
        "warc_payload_sha256", "text", "capture",
        "`sha256` of the payload as sent (may be content-encoded)",
    ),
    FieldSpec(
        "extractor_version", "integer", BOTH, "record",
        "the version (a number) of the extractors that produced the record",
        show="provenance", label="extractor",
    ),
    FieldSpec(
        "version", "integer", BOTH, "store",
        "the record's version: 1, then one more each time a crawl finds the content changed",
        show="provenance",
    ),
    _stored("first_seen_at", "text", "store", "when a crawl first stored the page, ISO 8601 UTC"),
    _stored(
        "changed_at", "text", "store", "when a crawl last found its content changed, ISO 8601 UTC"
    ),
    _stored(
        "checked_at", "text", "store",
        "the last time a crawl saw the page unchanged (e.g. HTTP 304)",
    ),
    _stored(
        "run_id", "integer", "store", "the crawl run (`crawl_runs.id`) that last saved the record"
    ),
    FieldSpec(
        "withdrawn_at", "text", BOTH, "store",
        "when a crawl found the page gone (404/410); null while it is online",
        show="fact",
    ),
    FieldSpec(
        "parse_warnings", "list", BOTH, "record",
        "list: what the extractor could not read, and for briefs why the live site failed",
        show="provenance", label="warning",
    ),
    FieldSpec(
        "provenance", "object", BOTH, "record",
        "object: for each filled field, where it came from, the page family's rules named "
        "with it (`h2.detail-title`, `vsb:form[name=_newscontent_fromname] h2`, "
        "`sudy:span.arti_update`, `meta:PubDate`, `generic:text-density`, `profile:<selector>`, "
        "`Memento-Datetime`, …)",
        show="provenance",
    ),
    # -- news adds -------------------------------------------------------------------------
    FieldSpec(
        "sections", "list", NEWS, "sections",
        "list of section labels: the article page's own and every list it was found on",
        show="fact",
    ),
    FieldSpec(
        "department", "text", NEWS, "record", "部门; null when empty on the page",
        show="fact", if_empty="(empty on the page)",
    ),
    FieldSpec("contributor", "text", NEWS, "record", "供稿, where present", show="fact"),
    FieldSpec("reviewer", "text", NEWS, "record", "审核, where present", show="fact"),
    FieldSpec(
        "cites", "list", NEWS, "citations",
        "list of the absolute URLs of the briefs it cites, in document order",
        show="fact",
    ),
    FieldSpec(
        "attachments", "list", NEWS, "record",
        "list of absolute URLs of attached files (`.doc`, `.pdf`, `.xls`, …)",
        show="fact",
    ),
    FieldSpec("images", "list", NEWS, "record", "list of absolute URLs of the body's images"),
    # -- briefs add ------------------------------------------------------------------------
    FieldSpec(
        "status", "text", BRIEF, "record",
        "`live` (read from its own site), `archived` (from the web archive) or `unavailable`",
        show="fact",
    ),
    FieldSpec(
        "archived_url", "text", BRIEF, "record",
        "the web archive capture it was read from (`…/web/<timestamp>id_/<url>`)",
        show="fact",
    ),
    FieldSpec(
        "archived_at", "text", BRIEF, "record", "when that capture was made, ISO 8601 UTC",
        show="fact",
    ),
    FieldSpec("source", "text", BRIEF, "record", "来源 / `ContentSource`", show="fact"),
    FieldSpec(
        "cited_by", "list", BRIEF, "citations", "list of the news URLs that cite it",
        show="fact",
    ),
)  # fmt: skip

BY_NAME: dict[str, FieldSpec] = {f.name: f for f in FIELDS}

#: The exported fields, in the contract's order: every record's, news', briefs'.
COMMON_FIELDS = tuple(f.name for f in FIELDS if f.exported and f.kinds == BOTH)
NEWS_FIELDS = tuple(f.name for f in FIELDS if f.exported and f.kinds == NEWS)
BRIEF_FIELDS = tuple(f.name for f in FIELDS if f.exported and f.kinds == BRIEF)
#: The fields whose value is a list (``[]`` when empty for a record of their kind).
LIST_FIELDS = frozenset(f.name for f in FIELDS if f.type == "list")
#: The exported fields that apply to each kind of record.
KIND_FIELDS = {
    kind: {f.name for f in FIELDS if f.exported and kind in f.kinds} for kind in ("news", "brief")
}
#: The columns of the ``documents`` table, and those of them that hold JSON text.
STORED_FIELDS = tuple(f.name for f in FIELDS if f.stored)
JSON_COLUMNS = tuple(f.name for f in FIELDS if f.stored and f.type in ("list", "object"))
#: The fields computed from another table when a record is read.
DERIVED_FIELDS = tuple(f.name for f in FIELDS if f.source in ("sections", "citations"))
#: The fields computed from the record's own fields when it is read or exported.
COMPUTED_FIELDS = tuple(f.name for f in FIELDS if f.source == "computed")

#: ``YYYY-MM-DD`` at the start of a text, as a GLOB pattern of SQLite.
_ISO_DATE_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*"


def published_date(published: str | None) -> str | None:
    """The date of ``published`` as printed on the page: ``2011-05-05T01:30+08:00`` →
    ``2011-05-05`` (a conversion to UTC would give the 4th). None when it starts with no date."""
    if not published or len(published) < 10:
        return None
    day = published[:10]
    digits = day[:4] + day[5:7] + day[8:10]
    return day if day[4] == day[7] == "-" and digits.isascii() and digits.isdigit() else None


def export_value(name: str, row: dict[str, object]) -> object:
    """The exported value of the field ``name`` of a stored row: computed for a computed
    field; ``extractor_version``, stored as text (``"1"``), as the number it is."""
    value = row.get(name)
    if name == "published_date":
        return published_date(row.get("published"))  # type: ignore[arg-type]
    if name == "extractor_version" and isinstance(value, str) and value.isascii():
        return int(value) if value.isdigit() else value
    return value


#: The same as :func:`export_value`, in SQL over a ``documents`` row aliased ``d`` (the fast
#: CSV path of the export): the fields whose exported value is not the stored one.
EXPORT_SQL: dict[str, str] = {
    "published_date": (
        f"CASE WHEN d.published GLOB '{_ISO_DATE_GLOB}' THEN substr(d.published, 1, 10) END"
    ),
    "extractor_version": (
        "CASE WHEN d.extractor_version GLOB '[0-9]*' AND d.extractor_version NOT GLOB "
        "'*[^0-9]*' THEN CAST(d.extractor_version AS INTEGER) ELSE d.extractor_version END"
    ),
}


#: The export record of an attachment's text (``archiver export --kind attachment``): the
#: file, the page that links it, and what the file says. Its own definition: a name here may
#: mean something else in a page's record (``title`` is the document's own title).
ATTACHMENT = frozenset({"attachment"})


def _attachment(name: str, type: FieldType, description: str) -> FieldSpec:
    return FieldSpec(name, type, ATTACHMENT, "record", description)


ATTACHMENT_FIELDS: tuple[FieldSpec, ...] = (
    _attachment("url", "text", "the file's address (the key)"),
    _attachment("page_url", "text", "the page that links it (a news article or a brief)"),
    _attachment("page_title", "text", "that page's title"),
    _attachment("page_published", "text", "that page's `published`"),
    _attachment("file_name", "text", "the last segment of the file's URL, percent-decoded"),
    _attachment("content_type", "text", "the Content-Type the server sent"),
    _attachment(
        "format", "text",
        "what the bytes are, whatever the name says: `docx`, `doc`, `pdf`, `xlsx`, `xls`, "
        "`text`, `html`, or another (`pptx`, `zip`, …) that no reader reads",
    ),
    _attachment("size", "integer", "bytes of the file"),
    _attachment("sha256", "text", "of the file's bytes"),
    _attachment("fetched_at", "text", "when the file was fetched, ISO 8601 UTC"),
    _attachment(
        "status", "text",
        "`text` (read whole), `partial` (cut at a limit), `empty` (no text in it), `image-only` "
        "(a scan without a text layer), `unreadable`, `too-large` or `unsupported`",
    ),
    _attachment("title", "text", "the document's own title (its metadata); null when it has none"),
    _attachment("created", "text", "when the document was created, by its metadata, ISO 8601"),
    _attachment("modified", "text", "when it was last saved, by its metadata, ISO 8601"),
    _attachment("pages", "integer", "pages of a PDF, sheets of a workbook"),
    _attachment(
        "text", "text",
        "plain text, one paragraph (or table row, cells tab-separated) per line; empty unless "
        "`status` is `text` or `partial`",
    ),
    _attachment("method", "text", "the reader and its version, e.g. `pypdf 6.1.0`"),
    _attachment("warnings", "list", "list: why the text is missing or partial, what was skipped"),
    _attachment(
        "provenance", "object",
        "object: where each filled field came from (`PDF /Info /Title`, "
        "`docProps/core.xml dcterms:created`, the reader for `text`)",
    ),
    _attachment(
        "extractor_version", "integer",
        "the version (a number) of the attachment readers that gave the text",
    ),
)  # fmt: skip

ATTACHMENT_FIELD_NAMES = tuple(f.name for f in ATTACHMENT_FIELDS)
ATTACHMENT_BY_NAME: dict[str, FieldSpec] = {f.name: f for f in ATTACHMENT_FIELDS}


def fields_for(kind: str | None) -> tuple[str, ...]:
    """The exported fields, in order, for one kind or for both (news and briefs)."""
    if kind == "attachment":
        return ATTACHMENT_FIELD_NAMES
    if kind == "news":
        return COMMON_FIELDS + NEWS_FIELDS
    if kind == "brief":
        return COMMON_FIELDS + BRIEF_FIELDS
    return COMMON_FIELDS + NEWS_FIELDS + BRIEF_FIELDS


def plain_description(spec: FieldSpec) -> str:
    """The description as one plain sentence, for Datasette: no backticks, a capital letter
    (unless it opens with code), a full stop, and ``News:`` or ``Brief:`` for a field of one
    kind; a list or object field says it is JSON."""
    text = spec.description
    opens_with_code = text.startswith("`")
    text = text.replace("`", "")
    if spec.type in ("list", "object") and text.startswith(("list", "object")):
        text = "JSON " + text
    if spec.kinds == NEWS:
        text = "News: " + text
    elif spec.kinds == BRIEF:
        text = "Brief: " + text
    elif not opens_with_code:
        text = text[:1].upper() + text[1:]
    return text + "."


_TABLE_HEAD = "| field | meaning |\n| --- | --- |\n"

#: The README's three tables, each after its line of introduction.
README_TABLES = (
    ("Every record, in this order:", COMMON_FIELDS),
    ("News adds:", NEWS_FIELDS),
    ("Briefs add:", BRIEF_FIELDS),
)


#: The README's table of an attachment's export record, after its line of introduction.
ATTACHMENT_README_TABLE = (
    "An attachment's text (`--kind attachment`) has:",
    ATTACHMENT_FIELD_NAMES,
)


def markdown_table(names: tuple[str, ...], specs: dict[str, FieldSpec] = BY_NAME) -> str:
    """The README table of the fields ``names`` (of ``specs``: a page's record by default)."""
    rows = "".join(f"| `{name}` | {specs[name].description} |\n" for name in names)
    return _TABLE_HEAD + rows


def readme_tables() -> str:
    """The README's field tables, each after its line of introduction, as Markdown: a page's
    record, then an attachment's."""
    tables = [f"{intro}\n\n{markdown_table(names)}" for intro, names in README_TABLES]
    intro, names = ATTACHMENT_README_TABLE
    tables.append(f"{intro}\n\n{markdown_table(names, ATTACHMENT_BY_NAME)}")
    return "\n".join(tables)
