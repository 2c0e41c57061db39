"""Commands over one record at a time: ``show``, ``history`` and ``diff`` read it, ``reparse``
rebuilds every record from its capture."""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import Any

import click

from archiver.cli.errors import EXIT_FAILED, EXIT_LOCKED, UserError, fail
from archiver.cli.options import (
    PathType,
    cited_hosts_override,
    db_option,
    format_option,
    open_archive,
    sites_dir_option,
    utf8_stdout,
)
from archiver.cli.terminal import terminal_text
from archiver.records.fields import FIELDS, FieldSpec
from archiver.store import Archive
from archiver.store.schema import VERSIONED_COLUMNS


def _record(archive: Archive, url: str) -> dict[str, Any]:
    record = archive.record(url)
    if record is None:
        raise UserError(f"{url} is not in the archive")
    return record


@click.command()
@db_option
@format_option(
    ["text", "json"], default="text", help="Readable text, or the whole record as one JSON object."
)
@click.argument("url")
def show(db: Path, fmt: str, url: str) -> None:
    """Print the record of URL with its provenance: where each value and the bytes came from."""
    with open_archive(db, read_only=True) as archive:
        record = _record(archive, url)
    out = utf8_stdout()
    if fmt == "json":
        out.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        return
    out.write(terminal_text(format_record(record)) + "\n")  # page text shown, never obeyed


def format_record(r: dict[str, Any]) -> str:
    """A record as a person reads it: heading, facts, body, then provenance.

    Which fields are shown where, in what order and with what label comes from the field
    definition (:data:`archiver.records.fields.FIELDS`).
    """
    shown = [spec for spec in FIELDS if spec.show and r["kind"] in spec.kinds]
    lines: list[str] = []

    def fact(label: str, value: Any) -> None:
        if value not in (None, "", []):
            text = ", ".join(value) if isinstance(value, list) else str(value)
            lines.append(f"{label:<14}{text}")

    def value(spec: FieldSpec) -> Any:
        given = r.get(spec.name)
        return spec.if_empty if given in (None, "", []) else given

    for spec in shown:
        if spec.show == "heading":
            lines += [value(spec) or "", ""]
    for spec in shown:
        if spec.show == "fact":
            fact(spec.show_label, value(spec))
    for spec in shown:
        if spec.show == "body":
            lines += ["", value(spec) or ""]
    lines += ["", "provenance"]
    for spec in shown:
        if spec.show != "provenance":
            continue
        given = value(spec)
        if spec.name == "warc_file":  # the capture: its file and offset on one line
            fact(f"  {spec.show_label}", given and f"{given} @ {r.get('warc_offset')}")
        elif spec.type == "object":  # one line per key: provenance
            for name, source in sorted((given or {}).items()):
                fact(f"  {name}", source)
        elif spec.type == "list":  # one line per item: warnings
            for item in given or []:
                fact(f"  {spec.show_label}", item)
        else:
            fact(f"  {spec.show_label}", given)
    return "\n".join(lines)


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """The content fields (and citations) that differ between two versions."""
    if before is None:
        return []
    names = [c for c in VERSIONED_COLUMNS if before.get(c) != after.get(c)]
    if before.get("cites") != after.get("cites"):
        names.append("cites")
    return names


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per version and line.")
@click.argument("url")
def history(db: Path, as_json: bool, url: str) -> None:
    """List the stored versions of URL with their dates and the fields that changed."""
    with open_archive(db, read_only=True) as archive:
        _record(archive, url)
        versions = archive.versions(url)
    previous = None
    out = utf8_stdout()
    for version in versions:
        changed = changed_fields(previous, version)
        if as_json:
            out.write(json.dumps({
                "version": version["version"], "fetched_at": version["fetched_at"],
                "sha256": version["sha256"], "changed": changed,
            }, ensure_ascii=False) + "\n")  # fmt: skip
        else:
            what = ", ".join(changed) if previous else "first capture"
            line = f"{version['version']:>3}  {version['fetched_at']}  {what}"
            out.write(terminal_text(line) + "\n")
        previous = version


@click.command()
@db_option
@click.option("--from", "from_version", type=click.IntRange(min=1), help="Older version.")
@click.option("--to", "to_version", type=click.IntRange(min=1), help="Newer version.")
@click.argument("url")
def diff(db: Path, from_version: int | None, to_version: int | None, url: str) -> None:
    """Show how the body of URL changed between two versions (default: the last two)."""
    with open_archive(db, read_only=True) as archive:
        _record(archive, url)
        versions = {v["version"]: v for v in archive.versions(url)}
    latest = max(versions)
    to_version = to_version or latest
    from_version = from_version or max(to_version - 1, 1)
    for n in (from_version, to_version):
        if n not in versions:
            raise UserError(f"{url} has no version {n} (versions 1 to {latest})")
    a, b = versions[from_version], versions[to_version]
    lines = difflib.unified_diff(
        (a["body"] or "").splitlines(keepends=True),
        (b["body"] or "").splitlines(keepends=True),
        fromfile=f"version {from_version} ({a['fetched_at']})",
        tofile=f"version {to_version} ({b['fetched_at']})",
    )
    out = utf8_stdout()
    for line in lines:  # page text shown, never obeyed
        out.write(terminal_text(line if line.endswith("\n") else line + "\n"))


@click.command()
@db_option
@sites_dir_option
@click.option(
    "--warc-dir",
    type=PathType(file_okay=False, path_type=Path),
    help="Folder of the WARC files (default: warc/ beside the archive).",
)
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def reparse(
    db: Path, sites_dir: Path | None, warc_dir: Path | None, dry_run: bool, as_json: bool
) -> None:
    """Rebuild every record from its stored capture with the current extractors.

    Reads only the archive and its WARC files, never the network. Reports how many records
    changed and, per field, how many times. The extractor version is recorded on each record.
    The text of every archived attached document is read again too, with the same limits as
    in a crawl, and the texts that changed are counted.
    """
    from archiver.cli.profiles import site_profiles
    from archiver.reparse import reparse_archive, reparse_attachments
    from archiver.store.lock import LockedError, crawl_lock

    folder = warc_dir or db.parent / "warc"
    profiles = site_profiles(db, sites_dir)
    archive = open_archive(db)  # a missing or foreign archive fails here, before the lock
    try:
        # a crawl writing at the same time would have its new versions reverted
        with archive, crawl_lock(db):
            report = reparse_archive(
                archive,
                folder,
                profiles=profiles.values(),
                cited_hosts=cited_hosts_override(),
                dry_run=dry_run,
            )
            files = reparse_attachments(archive, folder, dry_run=dry_run)
    except LockedError as exc:
        fail(str(exc), EXIT_LOCKED)
    summary = {
        "records": report.records,
        "changed": report.changed,
        "skipped_without_capture": report.skipped,
        "failed": report.failed,
        "fields": dict(report.fields.most_common()),
        "attachments": {
            "files": files.files,
            "changed": files.changed,
            "statuses": dict(sorted(files.statuses.items())),
            "failed": files.failed,
        },
        "dry_run": dry_run,
    }
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        verb = "would change" if dry_run else "changed"
        click.echo(
            f"reparsed {report.records} records from their captures: {report.changed} {verb}"
        )
        for name, n in report.fields.most_common():
            click.echo(f"  {name:<20}{n:>6}")
        if report.skipped:
            click.echo(f"skipped {report.skipped} records without a capture")
        statuses = ", ".join(f"{n} {status}" for status, n in sorted(files.statuses.items()))
        click.echo(
            f"re-read {files.files} attached files: {files.changed} texts {verb}"
            + (f" ({statuses})" if statuses else "")
        )
        for failure in report.failed + files.failed:
            click.echo(f"failed  {failure}", err=True)
    if report.failed or files.failed:
        sys.exit(EXIT_FAILED)
