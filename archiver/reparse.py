"""Rebuild records from their stored WARC captures with the current extractors, offline."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver.config import PAGE_MAX_BYTES
from archiver.extract import AUTO, extract_document
from archiver.extract.attachments import BoundedExtractor, Limits, file_name
from archiver.records import EXTRACTOR_VERSION, Brief, Capture, Document, Kind
from archiver.sites import SiteProfile, profile_for_url
from archiver.store import Archive, RefusedCopy
from archiver.webarchive.warc import WarcError, read_capture


@dataclass
class ReparseReport:
    """What a reparse did: records read, records changed, and changes per field."""

    records: int = 0
    changed: int = 0
    skipped: int = 0  # records without a capture (unavailable briefs)
    failed: list[str] = field(default_factory=list)  # "url: reason"
    fields: Counter[str] = field(default_factory=Counter)


def reparse_archive(
    archive: Archive,
    warc_dir: Path,
    *,
    profiles: Iterable[SiteProfile] = (),
    cited_hosts: Sequence[str] | None = None,
    dry_run: bool = False,
) -> ReparseReport:
    """Re-extract every record that has a capture, and store what changed (unless dry_run).

    A news article's citations are looked for on the cited hosts of its site's profile, or on
    ``cited_hosts`` when given (as a crawl's ``--bureau-host`` does).
    """
    profiles = list(profiles)
    report = ReparseReport()
    for row in archive.capture_rows():
        if not row["warc_file"]:
            report.skipped += 1
            continue
        report.records += 1
        try:
            # a page, so a page's limit: a capture that decodes to more is a bomb, not read
            where = (row["warc_file"], row["warc_offset"])
            captured = read_capture(warc_dir, where, max_bytes=PAGE_MAX_BYTES)
        except (WarcError, OSError) as exc:
            report.failed.append(f"{row['url']}: {exc}")
            continue
        kind: Kind = "news" if row["kind"] == "news" else "brief"
        # read as the crawl read it: the site's profile names the family and its selectors
        profile = profile_for_url(profiles, row["url"]) if kind == "news" else None
        hosts = cited_hosts
        if hosts is None:
            hosts = profile.cited_hosts if profile else ()
        doc = extract_document(
            captured.body,
            row["url"],
            row["content_type"],
            kind=kind,
            cited_hosts=hosts,
            family=profile.family if profile else AUTO,
            selectors=profile.selectors if profile else None,
        )
        _keep_crawl_facts(doc, row)
        try:
            changed = archive.save_reparsed(doc, dry_run=dry_run)
        except RefusedCopy as exc:  # the stored record stays as it is
            report.failed.append(str(exc))
            continue
        if changed:
            report.changed += 1
            report.fields.update(changed)
    return report


def _keep_crawl_facts(doc: Document, row: dict[str, Any]) -> None:
    """Carry over what the crawl knew and the page cannot say: capture, brief status."""
    doc.capture = Capture(
        fetched_at=str(row["fetched_at"]),
        http_status=int(row["http_status"] or 0),
        sha256=str(row["sha256"]),
        content_type=_opt(row["content_type"]),
        etag=_opt(row["etag"]),
        last_modified=_opt(row["last_modified"]),
        warc_file=_opt(row["warc_file"]),
        warc_offset=int(row["warc_offset"]) if row["warc_offset"] is not None else None,
        warc_payload_sha256=_opt(row["warc_payload_sha256"]),
    )
    if isinstance(doc, Brief):
        doc.status = row["status"]  # type: ignore[assignment]
        doc.archived_url = _opt(row["archived_url"])
        doc.archived_at = _opt(row["archived_at"])
        crawl_notes = [w for w in _warnings(row) if w.startswith("live site failed")]
        doc.parse_warnings[:0] = crawl_notes
        if doc.archived_at and "archived_at" in _provenance(row):
            doc.provenance["archived_at"] = _provenance(row)["archived_at"]
    doc.extractor_version = EXTRACTOR_VERSION


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _warnings(row: dict[str, Any]) -> list[str]:
    return list(json.loads(str(row["parse_warnings"] or "[]")))


def _provenance(row: dict[str, Any]) -> dict[str, str]:
    return dict(json.loads(str(row["provenance"] or "{}")))


# -- attached documents ----------------------------------------------------------------------


@dataclass
class AttachmentReport:
    """What re-reading the attached files did: files read, texts changed, statuses now."""

    files: int = 0
    changed: int = 0
    failed: list[str] = field(default_factory=list)  # "url: reason"
    statuses: Counter[str] = field(default_factory=Counter)
    fields: Counter[str] = field(default_factory=Counter)


def reparse_attachments(
    archive: Archive, warc_dir: Path, *, limits: Limits | None = None, dry_run: bool = False
) -> AttachmentReport:
    """Read the text of every archived file again from its WARC capture, offline, with the
    current readers (in a bounded worker, as a crawl does); store what changed."""
    report = AttachmentReport()
    with BoundedExtractor(limits) as extractor:
        for row in archive.attachment_captures():
            report.files += 1
            try:
                captured = read_capture(warc_dir, (row["warc_file"], row["warc_offset"]))
            except (WarcError, OSError) as exc:
                report.failed.append(f"{row['url']}: {exc}")
                continue
            text = extractor.extract(captured.body, file_name(row["url"]), row["content_type"])
            sha256 = hashlib.sha256(captured.body).hexdigest()
            changed = archive.save_reparsed_attachment(row["url"], text, sha256, dry_run=dry_run)
            if text is not None:
                report.statuses[text.status] += 1
            if changed:
                report.changed += 1
                report.fields.update(changed)
    return report
