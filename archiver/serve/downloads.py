"""Two small changes to what Datasette gives: CSV that Excel opens with its Chinese intact, and
a facet listed in the order of its values (years by year, not by count).

Excel reads a CSV file as the system's legacy code page (GBK on a Chinese Windows, cp1252
elsewhere) unless it starts with a UTF-8 byte-order mark; Datasette 0.65 writes none and has
no setting for it. :func:`with_csv_bom` is an ASGI wrapper (Datasette's ``asgi_wrapper`` hook)
that puts the three bytes before every CSV response body Datasette streams: ``.csv`` pages and
``?_format=csv``, downloaded (``_dl=1``) or shown. Python's ``utf-8-sig`` codec and pandas
drop the mark when reading.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from datasette.facets import ColumnFacet

BOM = "\ufeff".encode()

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The content types of Datasette's CSV answers (``text/plain`` unless downloaded).
_CSV_TYPES = (b"text/csv", b"text/plain")


def _asks_for_csv(scope: Scope) -> bool:
    path = scope.get("path", "")
    query = scope.get("query_string", b"")
    return path.endswith(".csv") or b"_format=csv" in query.split(b"&")


def with_csv_bom(app: App) -> App:
    """``app`` whose CSV responses start with a UTF-8 byte-order mark."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or not _asks_for_csv(scope):
            await app(scope, receive, send)
            return
        pending = False  # a CSV response has started, its first body chunk not yet sent

        async def send_with_bom(message: Message) -> None:
            nonlocal pending
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                ctype = headers.get(b"content-type", b"")
                pending = message.get("status") == 200 and ctype.startswith(_CSV_TYPES)
                if pending and b"content-length" in headers:
                    length = int(headers[b"content-length"]) + len(BOM)
                    message = {
                        **message,
                        "headers": [
                            (k, str(length).encode() if k == b"content-length" else v)
                            for k, v in message["headers"]
                        ],
                    }
            elif message["type"] == "http.response.body" and pending:
                pending = False
                message = {**message, "body": BOM + message.get("body", b"")}
            await send(message)

        await app(scope, receive, send_with_bom)

    return wrapped


class ValueOrderFacet(ColumnFacet):  # type: ignore[misc]
    """A column facet listing its values newest (largest) first instead of by count.

    Configured as ``{"by_value": "year"}`` in a table's facets, or ``?_facet_by_value=year``.
    Every value is counted before the list is cut to the facet size, so none is lost.
    """

    type = "by_value"

    def get_facet_size(self) -> int:
        return 10_000

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        """Datasette's column facet, its values sorted by value, largest first."""
        size = super().get_facet_size()
        results, timed_out = await super().facet_results()
        for result in results:
            values = sorted(result["results"], key=lambda r: str(r["value"]), reverse=True)
            result["results"] = values[:size]
            result["truncated"] = result["truncated"] or len(values) > size
        return results, timed_out

    async def suggest(self) -> list[dict[str, Any]]:
        return []  # chosen in the metadata, never suggested
