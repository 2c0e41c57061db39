"""The archive: one object whose methods live in the modules of :mod:`archiver.store`, one
concern each."""

from __future__ import annotations

from archiver.store.attachments import Attachments
from archiver.store.documents import Documents
from archiver.store.failures import Failures
from archiver.store.reads import Reads
from archiver.store.runs import Runs


class Archive(Documents, Runs, Reads, Attachments, Failures):
    """An open archive. Use :meth:`open`; close with :meth:`close` or a ``with`` block."""
