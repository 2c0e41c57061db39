"""Attached files and their text: saving them together, re-extraction, reading them back.

A file's capture (``attachment_files``) and what it says (``attachment_texts``) are written in
one transaction, by the same pipeline step. Read back, an attachment text carries the page that
links it (``page_url``, its title and kind) and the file's capture details (size, sha256, …):
the export record of ``archiver export --kind attachment`` (README, "Attachment texts").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import fields
from typing import Any

from archiver.records import FileCapture
from archiver.records.attachments import AttachmentText
from archiver.store.db import ArchiveDB, utc_now
from archiver.store.reads import Filters
from archiver.store.tables import ATTACHMENT_TEXTS, DOCUMENTS, FILES

#: The columns of ``attachment_files``: a :class:`FileCapture`'s fields but its bytes and text.
FILE_COLUMNS = tuple(f.name for f in fields(FileCapture) if f.name not in ("body", "text"))
#: The columns of a text that a re-extraction compares (the rest say when and from what).
TEXT_COLUMNS = (
    "format", "status", "title", "created", "modified", "pages", "text", "method", "warnings",
    "provenance", "extractor_version",
)  # fmt: skip

#: An attachment text with its file and its page, in SQL over ``t`` (text), ``f`` (file) and
#: ``d`` (the page, which may be missing): the export record's fields.
_RECORD_SQL = f"""
    SELECT t.url, f.news_url AS page_url, d.kind AS page_kind, d.title AS page_title,
      d.published AS page_published, t.file_name, f.content_type, t.format, f.size, f.sha256,
      f.fetched_at, t.status, t.title, t.created, t.modified, t.pages, t.text, t.method,
      t.warnings, t.provenance, t.extractor_version, f.warc_file, f.warc_offset
    FROM {ATTACHMENT_TEXTS} t JOIN {FILES} f ON f.url = t.url
    LEFT JOIN {DOCUMENTS} d ON d.url = f.news_url"""


def text_row(url: str, text: AttachmentText, sha256: str | None, at: str) -> dict[str, Any]:
    """The ``attachment_texts`` row of ``text``, read from the file at ``url``."""
    # here, not at the top: the extractors (lxml, readers) are no cost of reading an archive
    from archiver.extract.attachments import file_name

    row: dict[str, Any] = {"url": url, "file_name": file_name(url)}
    for column, value in text.as_dict().items():
        row[column] = _json(value) if column in ("warnings", "provenance") else value
    row.update(sha256=sha256, extracted_at=at)
    return row


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class Attachments(ArchiveDB):
    """Saving an attached file with its text, re-extracting texts, reading them back."""

    def save_attachment(self, capture: FileCapture) -> None:
        """Store a file's capture and, when it is a document, its text: one transaction."""
        row = {column: getattr(capture, column) for column in FILE_COLUMNS}
        with self._write():
            self._upsert(FILES, row, ("url",))
            if capture.text is not None:
                text = text_row(capture.url, capture.text, capture.sha256, capture.fetched_at)
                self._upsert(ATTACHMENT_TEXTS, text, ("url",))

    def attachment_captures(self) -> Iterator[dict[str, Any]]:
        """Every archived file that has a WARC capture, in a stable order, one at a time."""
        urls = [
            url
            for (url,) in self.db.execute(
                f"SELECT url FROM {FILES} WHERE warc_file IS NOT NULL ORDER BY url"
            )
        ]
        for url in urls:
            rows = list(self.db.table(FILES).rows_where("url = ?", [url]))
            if rows:
                yield rows[0]

    def save_reparsed_attachment(
        self, url: str, text: AttachmentText | None, sha256: str | None, *, dry_run: bool = False
    ) -> list[str]:
        """Replace a file's text with a new extraction; return the columns that changed.

        ``None`` (the file is an image) removes a stored text. With ``dry_run`` nothing is
        written.
        """
        with self._write():
            old = self._attachment_text_row(url)
            if text is None:
                if old is not None and not dry_run:
                    self.db.execute(f"DELETE FROM {ATTACHMENT_TEXTS} WHERE url = ?", [url])
                return ["text"] if old is not None else []
            row = text_row(url, text, sha256, utc_now())
            changed = [c for c in TEXT_COLUMNS if old is None or old[c] != row[c]]
            if changed and not dry_run:
                self._upsert(ATTACHMENT_TEXTS, row, ("url",))
        return changed

    def _attachment_text_row(self, url: str) -> dict[str, Any] | None:
        rows = list(self.db.table(ATTACHMENT_TEXTS).rows_where("url = ?", [url]))
        return rows[0] if rows else None

    def attachment_records(
        self, filters: Filters | None = None, *, urls: list[str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Stream every attachment text whose page passes ``filters`` (its ``kind`` aside),
        with its file and page; ``urls`` keeps only those files. Lists and objects decoded."""
        where, params = _page_filters(filters)
        if urls is not None:
            where += " AND t.url IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(urls, ensure_ascii=False))
        cursor = self.db.execute(
            f"{_RECORD_SQL} WHERE {where} ORDER BY d.published, f.news_url, t.url", params
        )
        names = [c[0] for c in cursor.description]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            row["warnings"] = json.loads(row["warnings"] or "[]")
            row["provenance"] = json.loads(row["provenance"] or "{}")
            yield row

    def attachments_of(self, page_url: str) -> list[dict[str, Any]]:
        """The texts of the files a page links, in URL order (for ``serve`` and ``show``)."""
        where = "f.news_url = ?"
        return list(self._records_where(where, [page_url]))

    def _records_where(self, where: str, params: list[Any]) -> Iterator[dict[str, Any]]:
        cursor = self.db.execute(f"{_RECORD_SQL} WHERE {where} ORDER BY t.url", params)
        names = [c[0] for c in cursor.description]
        for values in cursor:
            yield dict(zip(names, values, strict=True))

    def attachment_counts(self) -> dict[str, int]:
        """How many attachment texts have each status."""
        return {
            status: n
            for status, n in self.db.execute(
                f"SELECT status, count(*) FROM {ATTACHMENT_TEXTS} GROUP BY status ORDER BY status"
            )
        }


def _page_filters(filters: Filters | None) -> tuple[str, list[Any]]:
    """``filters`` over the page a file belongs to (alias ``d``), its ``kind`` left out: an
    attachment of a news article or of a brief alike. No filter keeps a file whose page is not
    (yet) archived."""
    from dataclasses import replace

    filters = replace(filters or Filters(), kind=None)
    where, params = filters.where()
    if where == "1":
        return where, params
    return f"d.url IS NOT NULL AND {where}", params
