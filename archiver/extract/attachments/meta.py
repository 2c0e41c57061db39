"""A document's own title and dates, from its metadata, as the record writes them.

Dates are ISO 8601: ``YYYY-MM-DDTHH:MM:SSZ`` when the file says (or its format defines) the
time is UTC, which is so of Office Open XML properties and OLE property sets; a PDF date with
its offset is turned to UTC, one without an offset is written without a zone. A date before
1980 or after 2100 is a writer's placeholder (OLE's zero is 1601), not a date: it is dropped.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any


@dataclass
class DocMeta:
    """Title and dates, and where each came from (a provenance entry per field)."""

    title: str | None = None
    created: str | None = None
    modified: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)

    def set(self, name: str, value: str | None, source: str) -> None:
        """Fill ``name`` with ``value`` (when it has one) and note where it came from."""
        if value:
            setattr(self, name, value)
            self.provenance[name] = source


def clean_title(value: Any) -> str | None:
    """A title as text, its whitespace collapsed; None for an empty one."""
    if value is None:
        return None
    text = " ".join(str(value).replace("\x00", "").split())
    return text or None


def iso_utc(value: Any) -> str | None:
    """A ``datetime`` (naive meaning UTC) as ``YYYY-MM-DDTHH:MM:SSZ``; None for a placeholder."""
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    if not 1980 <= value.year <= 2100:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


_PDF_DATE = re.compile(
    r"(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
    r"(?:(Z)|([+-])(\d{2})'?(\d{2})?'?)?"
)


def pdf_date(value: Any) -> str | None:
    """A PDF date string (``D:20221201093000+08'00'``) as ISO 8601; None when unreadable."""
    if value is None:
        return None
    match = _PDF_DATE.match(str(value).strip())
    if not match:
        return None
    year, month, day, hour, minute, second, zulu, sign, off_h, off_m = match.groups()
    try:
        moment = datetime(
            int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0),
            int(second or 0),
        )  # fmt: skip
    except ValueError:
        return None
    if zulu or sign:
        offset = timedelta(hours=int(off_h or 0), minutes=int(off_m or 0))
        zone = timezone(-offset if sign == "-" else offset)
        return iso_utc(moment.replace(tzinfo=zone))
    if not 1980 <= moment.year <= 2100:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S")  # local time of an unknown zone


def ole_text(value: Any, codepage: int | None) -> str | None:
    """A string of an OLE property set, decoded with the set's code page (GBK is 936)."""
    if value is None:
        return None
    if isinstance(value, str):
        return clean_title(value)
    codepage = (codepage or 0) & 0xFFFF  # olefile reads it as a signed 16-bit number
    encoding = {65001: "utf-8", 1200: "utf-16-le", 1201: "utf-16-be"}.get(codepage)
    if encoding is None:
        encoding = f"cp{codepage}" if codepage else "cp1252"
        try:
            codecs.lookup(encoding)
        except LookupError:
            encoding = "gb18030"
    return clean_title(bytes(value).decode(encoding, errors="replace"))


def ole_meta(ole: Any) -> DocMeta:
    """Title and dates from an OLE file's ``SummaryInformation`` (``.doc``, ``.xls``, WPS)."""
    meta = DocMeta()
    try:
        summary = ole.get_metadata()
    except Exception:  # a damaged property set only loses the metadata
        return meta
    source = "SummaryInformation"
    meta.set("title", ole_text(summary.title, summary.codepage), f"{source} title")
    meta.set("created", iso_utc(summary.create_time), f"{source} create time")
    meta.set("modified", iso_utc(summary.last_saved_time), f"{source} last saved time")
    return meta
