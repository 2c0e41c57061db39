"""What is already archived, looked up by URL, read-only: what an incremental crawl asks.

:class:`ArchivedPages` opens the archive file with SQLite ``mode=ro`` (it never writes, never
migrates, and can be open beside the crawl's own writing connection) and answers one URL at
a time, so a crawl never loads the whole archive into memory.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from archiver.store.db import ArchiveError, connect_read_only
from archiver.store.tables import APPLICATION_ID, CITATIONS, DOCUMENTS, FILES, LIST_WALKS

#: How many recent answers :meth:`ArchivedPages.page` keeps (a list page's items, and more).
_RECENT = 1024


@dataclass(frozen=True)
class KnownPage:
    """What a crawl needs to know of a stored page: its validators and brief status."""

    kind: str
    etag: str | None
    last_modified: str | None
    status: str | None  # a brief's: live, archived or unavailable
    first_seen_at: str | None


class ArchivedPages:
    """Read-only lookups in the archive at ``path``; close with :meth:`close` or ``with``.

    With ``before`` (ISO 8601 UTC, as the archive writes times), :meth:`page` reports only the
    pages first stored before that time: "known before this run started". ``snapshot``
    instead reports only the pages stored when the lookup was opened, exactly (by rowid:
    the archive never deletes a record, and its upserts keep a row's rowid), which a crawl
    opening the lookup as it starts can use rather than a time of one-second resolution.
    The other lookups see the whole archive. Raises :class:`ArchiveError` when ``path`` is
    not an archive.
    """

    def __init__(
        self, path: str | Path, *, before: str | None = None, snapshot: bool = False
    ) -> None:
        self.before = before
        self._max_rowid: int | None = None
        self._recent: dict[str, KnownPage | None] = {}
        try:
            self._conn = connect_read_only(path, check_same_thread=False)
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot open {path}: {exc}") from None
        try:
            app_id = self._conn.execute("PRAGMA application_id").fetchone()[0]
        except sqlite3.Error as exc:
            self._conn.close()
            raise ArchiveError(f"cannot open {path}: {exc}") from None
        if app_id != APPLICATION_ID:
            self._conn.close()
            raise ArchiveError(f"{path} is not an archiver archive")
        if snapshot:
            (max_rowid,) = self._conn.execute(f"SELECT max(rowid) FROM {DOCUMENTS}").fetchone()
            self._max_rowid = max_rowid or 0

    def page(self, url: str) -> KnownPage | None:
        """The stored page at ``url`` (first seen before ``before`` or the snapshot), or None."""
        # A crawl asks twice of each listed item (is it known? its validators); what the
        # lookup sees is fixed by ``before`` or the snapshot, so a recent answer stays true.
        fixed = self.before is not None or self._max_rowid is not None
        if fixed and url in self._recent:
            return self._recent[url]
        found = self._page(url)
        if fixed:
            if len(self._recent) >= _RECENT:
                self._recent.clear()
            self._recent[url] = found
        return found

    def _page(self, url: str) -> KnownPage | None:
        if self._max_rowid == 0:  # the archive held nothing when the lookup was opened
            return None
        row = self._conn.execute(
            f"SELECT kind, etag, last_modified, status, first_seen_at FROM {DOCUMENTS} "
            "WHERE url = ? AND (? IS NULL OR first_seen_at < ?) AND (? IS NULL OR rowid <= ?)",
            [url, self.before, self.before, self._max_rowid, self._max_rowid],
        ).fetchone()
        return KnownPage(*row) if row else None

    def has_file(self, url: str) -> bool:
        """Whether the attachment (or image) at ``url`` is archived."""
        return self._exists(f"SELECT 1 FROM {FILES} WHERE url = ?", url)

    def citations(self, news_url: str) -> list[str]:
        """The brief URLs the stored article at ``news_url`` cites, in document order."""
        cited: list[str] = []
        for (brief_url,) in self._conn.execute(
            f"SELECT brief_url FROM {CITATIONS} WHERE news_url = ? ORDER BY position",
            [news_url],
        ):
            if brief_url not in cited:
                cited.append(brief_url)
        return cited

    def unrecorded_briefs(self, prefixes: Sequence[str] | None = None) -> list[tuple[str, str]]:
        """(citing article, brief) for every cited brief the archive has no record of, each brief
        once: work a crawl stopped before it was done (killed while the briefs were in flight).

        ``prefixes``: only the articles whose URLs start with one of them (a site's
        ``https://host/``), looked up through the index of URLs: the work is in proportion to
        those articles, not to the archive."""
        found: dict[str, str] = {}
        for low, high in _ranges(prefixes):
            rows = self._conn.execute(
                f"SELECT c.news_url, c.brief_url FROM {CITATIONS} c "
                f"WHERE {_within('c.news_url', high)} AND NOT EXISTS "
                f"(SELECT 1 FROM {DOCUMENTS} d WHERE d.url = c.brief_url)",
                [low, high] if high else [low],
            )
            for news_url, brief_url in rows:
                if brief_url not in found or news_url < found[brief_url]:
                    found[brief_url] = news_url
        return [(found[brief_url], brief_url) for brief_url in sorted(found)]

    def unarchived_files(
        self, *, images: bool = False, prefixes: Sequence[str] | None = None
    ) -> list[tuple[str, str]]:
        """(article, file) for every attachment (and, with ``images``, body image) of a stored
        article that was never archived: a crawl stopped before it, or its fetch failed.
        ``prefixes`` as for :meth:`unrecorded_briefs`."""
        columns = ("attachments", "images") if images else ("attachments",)
        found: list[tuple[str, str]] = []
        for column in columns:
            for low, high in _ranges(prefixes):
                found += self._conn.execute(
                    # +d.kind: the range of URLs, not the index of kinds, picks the rows
                    f"SELECT d.url, j.value FROM {DOCUMENTS} d, json_each(d.{column}) j "
                    f"WHERE {_within('d.url', high)} "
                    f"AND +d.kind = 'news' AND json_valid(d.{column}) AND NOT EXISTS "
                    f"(SELECT 1 FROM {FILES} f WHERE f.url = j.value) ORDER BY d.url, j.key",
                    [low, high] if high else [low],
                ).fetchall()
        return list(dict.fromkeys((str(n), str(f)) for n, f in found))

    def list_walked(self, start_url: str) -> bool:
        """Whether the section list starting at ``start_url`` was ever walked to its end."""
        return self._exists(f"SELECT 1 FROM {LIST_WALKS} WHERE start_url = ?", start_url)

    def _exists(self, sql: str, value: str) -> bool:
        return self._conn.execute(sql, [value]).fetchone() is not None

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> ArchivedPages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _ranges(prefixes: Sequence[str] | None) -> list[tuple[str, str | None]]:
    """The URL ranges ``[low, high)`` of ``prefixes`` (in order, none overlapping another);
    one range of every URL when there are none."""
    if prefixes is None:
        return [("", None)]
    kept = sorted(set(prefixes))
    kept = [p for i, p in enumerate(kept) if p and not any(p.startswith(q) for q in kept[:i])]
    return [(p, p[:-1] + chr(ord(p[-1]) + 1)) for p in kept]


def _within(column: str, high: str | None) -> str:
    # two plain bounds (no "? IS NULL OR"), so that SQLite reads the range through the index
    return f"{column} >= ? AND {column} < ?" if high else f"{column} >= ?"
