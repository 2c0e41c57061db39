"""``verify``: the fixity check archivists run before trusting a copy of an archive."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import click

from archiver.cli.errors import EXIT_OK, EXIT_PARTIAL
from archiver.cli.options import PathType, db_option, open_archive, utf8_stdout
from archiver.cli.terminal import terminal_text
from archiver.store.captures import CapturePointer, capture_pointers, counts_without_capture
from archiver.store.files import CAPTURES_FOLDER
from archiver.webarchive.fixity import STATUSES, Finding, check_captures

#: Exit status when a capture is missing, altered or unreadable.
EXIT_NOT_INTACT = EXIT_PARTIAL


@click.command()
@db_option
@click.option(
    "--warc-dir",
    type=PathType(file_okay=False, path_type=Path),
    help="Folder of the WARC files (default: warc/ beside the archive).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def verify(db: Path, warc_dir: Path | None, as_json: bool) -> int:
    """Re-read every capture and check it is the bytes that were captured.

    For each record, older version and attached file, the WARC record the archive points at
    is read again: its own digests (WARC-Block-Digest, WARC-Payload-Digest) and the sha256 of
    its payload and of its decoded body must match the ones the archive stored. Prints each
    capture that is missing (WARC file gone, offset beyond its end, record cut off), altered
    (a digest differs) or unreadable, then a summary line.

    Exit status: 0 when every capture is intact, 3 when any is not.

    \b
    Examples:
      archiver verify
      archiver verify --db /media/dvd/archive.db --json > fixity.json
    """
    folder = warc_dir or db.parent / CAPTURES_FOLDER
    counts: Counter[str] = Counter()
    files: set[str] = set()
    problems: list[dict[str, Any]] = []
    with open_archive(db, read_only=True) as archive:
        without = counts_without_capture(archive.db)
        for finding in check_captures(folder, capture_pointers(archive.db)):
            counts[finding.status] += 1
            files.add(finding.expected.warc_file)
            if finding.status != "intact":
                problems.append(_problem(finding))
                if not as_json:
                    click.echo(_line(finding))
    checked = sum(counts.values())
    summary: dict[str, Any] = {
        "checked": checked,
        **{status: counts[status] for status in STATUSES},
        "warc_files": len(files),
        "records_without_capture": without,
        "warc_dir": str(folder),
    }
    if as_json:
        out = utf8_stdout()
        out.write(json.dumps(summary | {"problems": problems}, ensure_ascii=False, indent=2))
        out.write("\n")
        out.flush()
    else:
        states = ", ".join(f"{counts[s]} {s}" for s in STATUSES)
        click.echo(f"checked {checked} captures in {len(files)} WARC files: {states}")
    return EXIT_OK if checked == counts["intact"] else EXIT_NOT_INTACT


def _problem(finding: Finding[CapturePointer]) -> dict[str, Any]:
    item = finding.expected
    return {
        "status": finding.status,
        "url": item.url,
        "table": item.table,
        "version": item.version,
        "warc_file": item.warc_file,
        "warc_offset": item.warc_offset,
        "detail": finding.detail,
    }


def _line(finding: Finding[CapturePointer]) -> str:
    item = finding.expected
    what = item.table + (f" v{item.version}" if item.table == "version" else "")
    return terminal_text(f"{finding.status:<10} {what:<10} {item.url}  {finding.detail}")
