"""Whether a fetched record is a page at all: the rule that keeps a maintenance page, an error
page, an empty body or a PDF at an article's address from becoming a record, or from replacing
a stored copy.

The crawl turns a record that is no page into a failed page (a brief's into a reason to ask the
web archive); the store refuses to save one, and refuses a copy that lost the title or the
body its stored copy has (:func:`lost_content`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from archiver.records import Document

#: Media types a page may be served as; a missing Content-Type is left to the extractors.
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: What maintenance and error pages say instead of an article (short pages only).
_PLACEHOLDER = re.compile(
    r"系统维护|网站维护|维护中|升级中|暂停访问|稍后访问|页面不存在|找不到页面|访问出错|"
    r"under maintenance|not found|temporarily unavailable",
    re.IGNORECASE,
)
_PLACEHOLDER_MAX_CHARS = 200


def page_problem(doc: Document) -> str | None:
    """Why ``doc`` is no page (one line), or None.

    A record with no capture (an ``unavailable`` brief) is a record of a failure, never a
    problem. A page is not HTML when its Content-Type says so; it is no article when it has at
    most one of a title, a date and a body, or when it gives no date and all it says is a
    maintenance or error notice.
    """
    if doc.capture is None:
        return None
    media = (doc.capture.content_type or "").split(";", 1)[0].strip().lower()
    if media and media not in HTML_TYPES:
        return f"not an HTML page (Content-Type: {media})"
    title, body = (doc.title or "").strip(), doc.body.strip()
    fields = (("title", title), ("date", doc.published), ("body", body))
    present = [name for name, value in fields if value]
    if not present:
        return "the page has no title, date or body (an empty, error or maintenance page?)"
    if len(present) == 1:
        return f"the page has only a {present[0]}, no article (an error or maintenance page?)"
    text = f"{title} {body}"
    if not doc.published and len(text) <= _PLACEHOLDER_MAX_CHARS and _PLACEHOLDER.search(text):
        return f"a maintenance or error notice, not an article: {text[:60]!r}"
    return None


def lost_content(new: Mapping[str, Any], old: Mapping[str, Any]) -> str | None:
    """Why the record row ``new`` must not replace the stored row ``old``: it lost the title or
    the body the stored copy has. None when it may."""
    for column, what in (("body", "body"), ("title", "title")):
        if (old.get(column) or "").strip() and not (new.get(column) or "").strip():
            return f"the new copy has no {what}; the stored copy is kept"
    return None
