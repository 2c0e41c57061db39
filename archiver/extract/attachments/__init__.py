"""The text of attached documents: bytes (and a file name, a Content-Type) → AttachmentText.

Pure like the rest of :mod:`archiver.extract` (no Scrapy, click or database), and bounded:

* :mod:`~archiver.extract.attachments.reader`: the one entry point, in process
  (:func:`extract_attachment`), with the format told from the bytes
  (:mod:`~archiver.extract.attachments.formats`);
* one reader per format, each on a well-kept library: python-docx
  (:mod:`~archiver.extract.attachments.word`), olefile and [MS-DOC]'s piece table
  (:mod:`~archiver.extract.attachments.word97`), pypdf (:mod:`~archiver.extract.attachments.pdf`),
  openpyxl and xlrd (:mod:`~archiver.extract.attachments.sheets`), the pages' own decoder
  (:mod:`~archiver.extract.attachments.plain`);
* :mod:`~archiver.extract.attachments.limits`: size, zip, page, cell and text limits;
  :mod:`~archiver.extract.attachments.bounded`: the same extraction in a worker process with a
  time and memory limit, as the crawl and ``reparse`` run it.
"""

from __future__ import annotations

from archiver.extract.attachments.bounded import BoundedExtractor
from archiver.extract.attachments.formats import READABLE, file_name, is_image, sniff
from archiver.extract.attachments.limits import LimitExceeded, Limits
from archiver.extract.attachments.reader import extract_attachment
from archiver.records.attachments import ATTACHMENT_EXTRACTOR_VERSION, AttachmentText

__all__ = [
    "ATTACHMENT_EXTRACTOR_VERSION", "READABLE", "AttachmentText", "BoundedExtractor",
    "LimitExceeded", "Limits", "extract_attachment", "file_name", "is_image", "sniff",
]  # fmt: skip
