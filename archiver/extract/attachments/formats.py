"""Which format a file is, told from its bytes first (a name or a Content-Type can lie).

Sites serve a ``.doc`` as ``application/octet-stream``, name a ``.docx`` ``.doc``, and WPS Office
writes its ``.wps`` and ``.et`` files as Word 97 and Excel 97 binaries. So the container is
read from the magic number (PDF, OLE2 compound file, zip), and what is inside it from its
members (``word/document.xml``, a ``WordDocument`` stream, …); the name and the Content-Type
only decide between the formats that have no magic number (plain text) and tell an image.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from urllib.parse import unquote, urlsplit

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"II*\x00", b"MM\x00*")
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".svg")
_TEXT_SUFFIXES = (".txt", ".csv", ".md")
_TEXT_TYPES = ("text/plain", "text/csv", "text/markdown")

#: The formats a reader exists for; anything else is ``unsupported``.
READABLE = ("docx", "doc", "pdf", "xlsx", "xls", "text", "html")

#: What a name's suffix says the file is (WPS Office's .wps and .et are Word and Excel 97).
_BY_SUFFIX = {
    ".docx": "docx", ".doc": "doc", ".wps": "doc", ".pdf": "pdf", ".xlsx": "xlsx",
    ".xls": "xls", ".et": "xls", ".pptx": "pptx", ".ppt": "ppt",
}  # fmt: skip
_IN_ZIP, _IN_OLE = ("docx", "xlsx", "pptx"), ("doc", "xls", "ppt")


def file_name(url: str) -> str:
    """The file's name: the last segment of its URL's path, percent-decoded (UTF-8, else GBK)."""
    segment = posixpath.basename(urlsplit(url).path)
    try:
        return unquote(segment, errors="strict")
    except UnicodeDecodeError:
        return unquote(segment, encoding="gbk", errors="replace")


def is_image(data: bytes, name: str, content_type: str | None) -> bool:
    """True for a picture (a body image, a scanned page sent as JPEG): no text to read."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media.startswith("image/"):
        return True
    if data.startswith(_IMAGE_MAGIC) or (data.startswith(b"RIFF") and data[8:12] == b"WEBP"):
        return True
    return name.lower().endswith(_IMAGE_SUFFIXES) and not data.startswith((b"%PDF", OLE_MAGIC))


def sniff(data: bytes, name: str = "", content_type: str | None = None) -> str | None:
    """The format of ``data``: one of :data:`READABLE`, another name (``pptx``, ``ppt``,
    ``zip``, ``ole``, ``rtf``), or None when nothing tells.
    """
    head = data[:1024]
    named = _BY_SUFFIX.get(posixpath.splitext(name.lower())[1])
    if b"%PDF-" in head:  # some writers put junk before the header; readers allow it
        return "pdf"
    if data.startswith(OLE_MAGIC):
        found = _ole_format(data)
        # a damaged container: the name says which reader should try (and tell what is wrong)
        return named if found == "ole" and named in _IN_OLE else found
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        found = _zip_format(data)
        return named if found == "zip" and named in _IN_ZIP else found
    if data.startswith(b"{\\rtf"):
        return "rtf"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered[:512]:
        return "html"  # a Word "web page" saved as .doc, or an error page served for the file
    media = (content_type or "").split(";")[0].strip().lower()
    if name.lower().endswith(_TEXT_SUFFIXES) or media in _TEXT_TYPES:
        return "text"
    return None


def _ole_format(data: bytes) -> str:
    """Which Office binary an OLE2 compound file holds, by its streams."""
    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            if ole.exists("WordDocument"):
                return "doc"
            if ole.exists("Workbook") or ole.exists("Book"):
                return "xls"
            if ole.exists("PowerPoint Document"):
                return "ppt"
    except (OSError, ValueError, IndexError):  # olefile raises these for a broken container
        pass
    return "ole"


def _zip_format(data: bytes) -> str:
    """Which Office Open XML document a zip holds, by its members."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    return "zip"
