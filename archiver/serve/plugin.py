"""The Datasette plugin of the archive: its routes, its record page, its links and downloads.

Registered in-process by :func:`archiver.serve.build_datasette`; every hook acts only on the
archive that function adds (a :class:`ReadOnlyArchive` named :data:`DB_NAME`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from datasette import Request, hookimpl
from datasette.utils import tilde_decode
from markupsafe import Markup

from archiver.serve.attachments_page import attachments_context, is_record_row_page
from archiver.serve.capture_page import capture_view
from archiver.serve.downloads import ValueOrderFacet, with_csv_bom
from archiver.serve.metadata import DB_NAME, SEARCH_PATH
from archiver.serve.readonly import ReadOnlyArchive
from archiver.serve.record_page import record_context
from archiver.serve.search_page import row_url, search_view
from archiver.store.tables import BRIEFS_VIEW, DOCUMENTS, NEWS_VIEW

if TYPE_CHECKING:
    from datasette.app import Datasette

#: The tables whose ``title`` cells link to the record page.
_TITLED = (NEWS_VIEW, BRIEFS_VIEW, DOCUMENTS)


#: A table page lists every column's description above its rows, pushing them below the fold:
#: they go into a closed <details> (each is also on its column's menu).
FOLD_COLUMN_DESCRIPTIONS = """
(function () {
  var list = document.querySelector("dl.column-descriptions");
  if (!list) return;
  var details = document.createElement("details");
  details.className = "archiver-column-descriptions";
  var summary = document.createElement("summary");
  summary.textContent = "What each column holds";
  details.appendChild(summary);
  list.parentNode.insertBefore(details, list);
  details.appendChild(list);
})();
"""


def _archive(datasette: Datasette) -> ReadOnlyArchive | None:
    database = datasette.databases.get(DB_NAME)
    return database if isinstance(database, ReadOnlyArchive) else None


class ArchivePlugin:
    """Datasette hooks: search and capture routes, the record page, links, CSV, facets."""

    name = __name__ = "edu-news-archiver"  # Datasette lists plugins by __name__

    @hookimpl  # type: ignore[misc]
    def extra_template_vars(
        self, view_name: str, table: str | None, database: str | None, request: Request | None,
        datasette: Datasette,
    ) -> Any:  # fmt: skip
        archive = _archive(datasette)
        if database != DB_NAME or archive is None or request is None:
            return None
        pks = request.url_vars.get("pks")
        if not is_record_row_page(view_name, table) or not pks:
            return None
        page_url = tilde_decode(pks)
        version = request.args.get("version")

        async def record_and_attachments() -> dict[str, Any]:
            return {
                **await record_context(datasette, archive, page_url, version),
                **await attachments_context(datasette, archive, page_url),
            }

        return record_and_attachments

    @hookimpl  # type: ignore[misc]
    def register_routes(self) -> list[tuple[str, Any]]:
        return [
            (r"^/-/search(\.(?P<format>json))?$", search_view),
            (r"^/-/capture$", capture_view),
        ]

    @hookimpl  # type: ignore[misc]
    def register_facet_classes(self) -> list[type]:
        return [ValueOrderFacet]

    @hookimpl  # type: ignore[misc]
    def asgi_wrapper(self, datasette: Datasette) -> Any:
        return with_csv_bom

    @hookimpl  # type: ignore[misc]
    def extra_body_script(
        self, view_name: str, database: str | None, datasette: Datasette
    ) -> str | None:
        if view_name != "table" or database != DB_NAME or _archive(datasette) is None:
            return None
        return FOLD_COLUMN_DESCRIPTIONS

    @hookimpl  # type: ignore[misc]
    def menu_links(self, datasette: Datasette) -> list[dict[str, str]] | None:
        if _archive(datasette) is None:
            return None
        return [{"href": datasette.urls.path(SEARCH_PATH), "label": "Search the archive"}]

    @hookimpl  # type: ignore[misc]
    def render_cell(
        self, row: Any, value: Any, column: str, table: str | None, database: str,
        datasette: Datasette,
    ) -> Markup | None:  # fmt: skip
        if database != DB_NAME or table not in _TITLED or _archive(datasette) is None:
            return None
        if column == "title":  # a title leads to its record's page
            href = row_url(datasette, row["url"])
            return Markup('<a href="{}">{}</a>').format(href, value if value else "(no title)")
        if column == "body_html" and value:  # raw HTML would fill the table: the page shows it
            href = row_url(datasette, row["url"])
            return Markup('<a href="{}">HTML, {:,} characters</a>').format(href, len(value))
        return None
