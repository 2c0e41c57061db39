"""Plain text (``.txt``, ``.csv``) and HTML served as a document: decoded as the pages are (a
BOM, the declared charset if the bytes agree, UTF-8, then GB18030), up to the text limit."""

from __future__ import annotations

from archiver.extract.attachments.limits import Limits, TextBudget
from archiver.extract.attachments.meta import DocMeta
from archiver.extract.attachments.result import read_text
from archiver.extract.encoding import decode_bytes
from archiver.records.attachments import AttachmentText


def read_plain(data: bytes, limits: Limits, content_type: str | None = None) -> AttachmentText:
    """The text of a plain-text file; a file that is no text in any charset says so."""
    decoded = decode_bytes(data, content_type)
    warnings = []
    if decoded.replaced:
        warnings.append("bytes that are no text in UTF-8 or GB18030 were replaced by U+FFFD")
    budget = TextBudget(limits.max_chars)
    for line in decoded.text.splitlines():
        if not budget.add(line.rstrip()):
            break
    method = f"text decoder ({decoded.encoding})"
    return read_text("text", budget, DocMeta(), method, warnings=warnings)


def read_html(data: bytes, limits: Limits, content_type: str | None = None) -> AttachmentText:
    """The text of an HTML file served as a document (Word's "web page" ``.doc``, or an error
    page in its place): its body's blocks, one per line, with a warning saying what it was."""
    from archiver.extract.html import parse_html
    from archiver.extract.text import text_lines

    decoded = decode_bytes(data, content_type)
    root = parse_html(decoded.text)
    for element in list(root.iter("script", "style")):
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    body = root.find(".//body")
    budget = TextBudget(limits.max_chars)
    for line in text_lines(body if body is not None else root):
        if not budget.add(line):
            break
    meta = DocMeta()
    title = root.findtext(".//title")
    meta.set("title", " ".join(title.split()) if title and title.strip() else None, "<title>")
    warning = "the file is an HTML page, not an office document (read as HTML)"
    method = f"lxml HTML ({decoded.encoding})"
    return read_text("html", budget, meta, method, warnings=[warning])
