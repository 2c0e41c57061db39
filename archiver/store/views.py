"""The views made for Datasette (DDL only; :mod:`archiver.serve` describes and serves them).

One row per article or brief, with the derived columns its facets need: the year, the
sections as a JSON list, the number of citations and attachments.
"""

from __future__ import annotations

from sqlite_utils import Database

from archiver.store.tables import BRIEFS_VIEW, CITATIONS, DOCUMENTS, NEWS_VIEW, SECTIONS

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
