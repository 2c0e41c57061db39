"""One file's bytes to its :class:`~archiver.records.attachments.AttachmentText`, in process.

The format is told from the bytes (:mod:`~archiver.extract.attachments.formats`), then the
reader of that format runs within the size, zip, page, cell and text limits. Whatever a reader
raises on a malformed file becomes ``unreadable`` with the reason; nothing escapes, so one bad
file never stops a crawl. Time and memory are bounded one level up, by the worker process
(:mod:`~archiver.extract.attachments.bounded`).
"""

from __future__ import annotations

from collections.abc import Callable

from archiver.extract.attachments.formats import READABLE, is_image, sniff
from archiver.extract.attachments.limits import LimitExceeded, Limits, check_size
from archiver.extract.attachments.pdf import read_pdf
from archiver.extract.attachments.plain import read_html, read_plain
from archiver.extract.attachments.result import not_read
from archiver.extract.attachments.sheets import read_xls, read_xlsx
from archiver.extract.attachments.word import read_docx
from archiver.extract.attachments.word97 import read_doc
from archiver.records.attachments import AttachmentText

Reader = Callable[[bytes, Limits], AttachmentText]

_READERS: dict[str, Reader] = {
    "docx": read_docx,
    "doc": read_doc,
    "pdf": read_pdf,
    "xlsx": read_xlsx,
    "xls": read_xls,
}


def extract_attachment(
    data: bytes,
    name: str = "",
    content_type: str | None = None,
    limits: Limits | None = None,
) -> AttachmentText | None:
    """What the file says; None for an image (a picture has no text to read).

    ``name`` is the file's name (its URL's last segment) and ``content_type`` the server's
    Content-Type: both only help where the bytes do not tell (plain text, images).
    """
    limits = limits or Limits()
    if is_image(data, name, content_type):
        return None
    fmt = sniff(data, name, content_type)
    try:
        check_size(data, limits)
        if fmt == "text":
            return read_plain(data, limits, content_type)
        if fmt == "html":
            return read_html(data, limits, content_type)
        reader = _READERS.get(fmt or "")
        if reader is None:
            return not_read("unsupported", fmt, _unsupported(fmt, name, content_type))
        return reader(data, limits)
    except LimitExceeded as exc:
        return not_read("too-large", fmt, str(exc))
    except MemoryError:
        return not_read("too-large", fmt, "reading the file ran out of memory")
    except RecursionError:
        return not_read("unreadable", fmt, "the file nests too deeply to read")
    except Exception as exc:  # a malformed file: any reader may raise anything
        return not_read("unreadable", fmt, f"{fmt or 'the'} file could not be read: {reason(exc)}")


def reason(exc: BaseException) -> str:
    """An exception as one short line: its type and the first line of its message."""
    message = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _unsupported(fmt: str | None, name: str, content_type: str | None) -> str:
    if fmt is None:
        what = content_type or "unknown content"
        return f"no reader for this kind of file ({name or 'no name'}, {what})"
    known = ", ".join(READABLE)
    return f"no reader for {fmt} files (readable: {known})"
