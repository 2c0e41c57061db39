"""Reading records: whole records, export tuples, the citation graph and counts (the filters
and the SQL they share with a CSV export: :mod:`archiver.store.selects`).

A record as read is its ``documents`` row with the fields derived from other tables
(``sections``, ``cites``, ``cited_by``) and its list and object fields decoded; which fields
those are comes from the field definition (:mod:`archiver.records.fields`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import Any

from archiver.records.fields import JSON_COLUMNS
from archiver.store.db import ArchiveDB
from archiver.store.selects import AGGREGATES, ORDER, Filters, select_tuples
from archiver.store.tables import CITATIONS, DOCUMENTS, RUNS, SECTIONS

__all__ = ["Filters", "Reads"]


class Reads(ArchiveDB):
    """Records, the citation graph and counts, streamed from the archive."""

    def record(self, url: str) -> dict[str, Any] | None:
        """One record with its export fields and capture details, or None."""
        return next(self.records(Filters(), url=url), None)

    def records(
        self, filters: Filters | None = None, *, url: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Stream every selected record as a dict of its columns, list fields decoded.

        One SQL query with a cursor: the archive is never held in memory.
        """
        where, params = (filters or Filters()).where()
        if url is not None:
            where, params = f"{where} AND d.url = ?", [*params, url]
        aggregates = ", ".join(f"{sql} AS {name}" for name, sql in AGGREGATES.items())
        cursor = self.db.execute(
            f"SELECT d.*, {aggregates} FROM {DOCUMENTS} d WHERE {where} ORDER BY {ORDER}",
            params,
        )
        names = [c[0] for c in cursor.description]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            for column in (*JSON_COLUMNS, *AGGREGATES):
                row[column] = json.loads(row[column]) if row[column] else None
            yield row

    def record_tuples(
        self,
        filters: Filters,
        fields: Sequence[str],
        kind_fields: dict[str, set[str]],
        *,
        text_cell: Callable[[str], str] | None = None,
    ) -> Generator[tuple[Any, ...], None, None]:
        """Stream ``fields`` of every selected record as tuples, computed in SQL
        (:func:`~archiver.store.selects.select_tuples`)."""
        yield from select_tuples(self.db.conn, filters, fields, kind_fields, text_cell=text_cell)

    def citation_rows(self) -> Iterator[dict[str, Any]]:
        """The citation graph joined with titles and brief status, for export."""
        cursor = self.db.execute(
            f"""SELECT c.news_url, n.title AS news_title, n.published AS news_published,
                       c.brief_url, b.title AS brief_title, b.status AS brief_status,
                       c.how, c.position
                FROM {CITATIONS} c
                JOIN {DOCUMENTS} n ON n.url = c.news_url
                LEFT JOIN {DOCUMENTS} b ON b.url = c.brief_url
                ORDER BY n.published, c.news_url, c.position, c.how"""
        )
        names = [c[0] for c in cursor.description]
        for values in cursor:
            yield dict(zip(names, values, strict=True))

    def citations(self) -> Iterator[dict[str, Any]]:
        """The citation graph, one row per (news, brief, how)."""
        yield from self.db.table(CITATIONS).rows_where(order_by="news_url, position")

    def news_per_month(self) -> dict[str, int]:
        """``YYYY-MM`` -> number of news articles published that month (dated ones only)."""
        return {
            month: n
            for month, n in self.db.execute(
                f"SELECT substr(published, 1, 7), count(*) FROM {DOCUMENTS} "
                "WHERE kind = 'news' AND published IS NOT NULL GROUP BY 1 ORDER BY 1"
            )
        }

    def stats(self) -> dict[str, Any]:
        """Counts by kind, section, year and brief status."""

        def pairs(sql: str) -> dict[str, int]:
            return {str(k) if k is not None else "(none)": n for k, n in self.db.execute(sql)}

        return {
            "kind": pairs(f"SELECT kind, count(*) FROM {DOCUMENTS} GROUP BY kind ORDER BY kind"),
            "section": pairs(
                # a list seen to hold a page not (yet) archived is no article of the archive
                f"SELECT section, count(*) FROM {SECTIONS} s WHERE EXISTS "
                f"(SELECT 1 FROM {DOCUMENTS} d WHERE d.url = s.url) "
                "GROUP BY section ORDER BY 2 DESC, 1"
            ),
            "year": pairs(
                f"SELECT substr(published, 1, 4), count(*) FROM {DOCUMENTS} "
                "WHERE kind = 'news' GROUP BY 1 ORDER BY 1"
            ),
            "brief_status": pairs(
                f"SELECT status, count(*) FROM {DOCUMENTS} WHERE kind = 'brief' "
                "GROUP BY status ORDER BY status"
            ),
            "citations": self.db.table(CITATIONS).count,
            "runs": self.db.table(RUNS).count,
        }
