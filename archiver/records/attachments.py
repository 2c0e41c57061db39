"""The text of an attached document (``.docx``, ``.doc``, ``.pdf``, ``.xlsx``, ``.xls``, …).

Filled by :mod:`archiver.extract.attachments` from the file's bytes; stored beside the file's
capture (``attachment_files``) in ``attachment_texts``, searched and exported with it.

A text is never empty without saying why: ``status`` tells a whole text (``text``) from a text
cut at a limit (``partial``), a document that holds no text (``empty``), a scan without a text
layer (``image-only``), a file no reader could open (``unreadable``), one over a size, page or
time limit (``too-large``) and a type no reader knows (``unsupported``); ``warnings`` say more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

AttachmentStatus = Literal[
    "text", "partial", "empty", "image-only", "unreadable", "too-large", "unsupported"
]
ATTACHMENT_STATUSES: tuple[AttachmentStatus, ...] = (
    "text", "partial", "empty", "image-only", "unreadable", "too-large", "unsupported",
)  # fmt: skip

#: Bumped whenever the attachment readers change what they give for the same bytes.
ATTACHMENT_EXTRACTOR_VERSION = "1"


@dataclass
class AttachmentText:
    """What one attached file says, and how that was read.

    ``created``/``modified`` are the document's own dates (its metadata), ISO 8601, never the
    fetch time; ``method`` names the reader and its version (``pypdf 6.1.0``); ``pages`` is the
    number of pages of a PDF or sheets of a workbook; ``provenance`` maps each filled field to
    where in the file it came from.
    """

    status: AttachmentStatus
    format: str | None = None  # docx, doc, pdf, xlsx, xls, text, … (from the bytes, not the name)
    text: str = ""  # one paragraph (or table row, tab-separated) per line
    title: str | None = None
    created: str | None = None
    modified: str | None = None
    pages: int | None = None
    method: str | None = None
    warnings: list[str] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)
    extractor_version: str = ATTACHMENT_EXTRACTOR_VERSION

    def as_dict(self) -> dict[str, object]:
        """The fields as plain values (for the worker's JSON and the store)."""
        return {
            "status": self.status,
            "format": self.format,
            "text": self.text,
            "title": self.title,
            "created": self.created,
            "modified": self.modified,
            "pages": self.pages,
            "method": self.method,
            "warnings": list(self.warnings),
            "provenance": dict(self.provenance),
            "extractor_version": self.extractor_version,
        }

    @classmethod
    def from_dict(cls, values: dict[str, object]) -> AttachmentText:
        """The inverse of :meth:`as_dict` (unknown keys are refused by the constructor)."""
        return cls(**values)  # type: ignore[arg-type]
