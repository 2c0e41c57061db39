"""Commands over one record at a time: ``show``, ``history`` and ``diff`` read it, ``reparse``
rebuilds every record from its capture."""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import IO, Any

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
from archiver.cli.output import Output, emit, output_options
from archiver.cli.terminal import terminal_text
from archiver.records.fields import FIELDS, FieldSpec
from archiver.store import Archive
from archiver.store.addresses import matching_urls
from archiver.store.schema import VERSIONED_COLUMNS


def stored_url(archive: Archive, typed: str) -> str:
    """The stored address of the page ``typed`` names (``http://`` for ``https://``, an
    upper-case host, a ``#fragment``, …), said on stderr when it is not ``typed``; one line
    when there is none, or several."""
    urls = matching_urls(archive.db, typed)
    if not urls:
        raise UserError(f"{typed} is not in the archive")
    if len(urls) > 1:
        raise UserError(f"{typed} matches {len(urls)} records: {' and '.join(urls)}; give one")
    if urls[0] != typed:
        click.echo(terminal_text(f"matched {urls[0]}"), err=True)
    return urls[0]


def _record(archive: Archive, url: str) -> dict[str, Any]:
    record = archive.record(stored_url(archive, url))
    if record is None:  # deleted since, by another connection
        raise UserError(f"{url} is not in the archive")
    return record


ADDRESS_NOTE = (
    "URL may be typed as people do: http:// for an https:// page, an upper-case host, a "
    "#fragment, the default port, / for /index.htm, no scheme; stderr says which stored "
    "address matched."
)


@click.command(
    epilog="""\b
Examples:
  archiver show https://xww.bucea.edu.cn/zhxw/26536.htm
  archiver show XWW.BUCEA.EDU.CN/zhxw/26536.htm#top   # matched https://xww.bucea.edu.cn/…
  archiver show --json https://xww.bucea.edu.cn/zhxw/26536.htm | jq .provenance
"""
)
@db_option
@format_option(
    ["text", "json"], default="text", help="Readable text, or the whole record as one JSON object."
)
@click.option("--json", "as_json", is_flag=True, help="The whole record as one JSON object.")
@click.argument("url")
def show(db: Path, fmt: str, as_json: bool, url: str) -> None:
    """Print the record of URL with its provenance: where each value and the bytes came from."""
    with open_archive(db, read_only=True) as archive:
        record = _record(archive, url)
    out = utf8_stdout()
    if fmt == "json" or as_json:
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


HISTORY_FIELDS = ("version", "fetched_at", "sha256", "changed")


@click.command(
    epilog="""\b
Examples:
  archiver history https://xww.bucea.edu.cn/zhxw/26536.htm
  archiver history http://xww.bucea.edu.cn/zhxw/26536.htm --nl   # one JSON object a line
  archiver history https://xww.bucea.edu.cn/zhxw/26536.htm -t --fields version,changed
"""
)
@db_option
@output_options(HISTORY_FIELDS, default="text", formats=("json", "jsonl"))
@click.argument("url")
def history(db: Path, output: Output, url: str) -> None:
    """List the stored versions of URL with their dates and the fields that changed.

    One line per version by default; -t, --csv, --tsv, --json and --nl print the fields
    version, fetched_at, sha256 and changed (the list of fields that changed from the version
    before; empty for the first).
    """
    with open_archive(db, read_only=True) as archive:
        url = _record(archive, url)["url"]
        versions = archive.versions(url)
    rows, previous = [], None
    for version in versions:
        rows.append({**version, "changed": changed_fields(previous, version)})
        previous = version
    emit(output, rows, HISTORY_FIELDS, noun="versions", text=_history_lines)


def _history_lines(rows: list[dict[str, Any]], out: IO[str]) -> None:
    for row in rows:
        what = ", ".join(row["changed"]) if row["version"] != rows[0]["version"] else ""
        line = f"{row['version']:>3}  {row['fetched_at']}  {what or 'first capture'}"
        out.write(terminal_text(line) + "\n")


@click.command(
    epilog="""\b
Examples:
  archiver diff https://xww.bucea.edu.cn/zhxw/26536.htm            # the last two versions
  archiver diff https://xww.bucea.edu.cn/zhxw/26536.htm --from 1 --to 3
"""
)
@db_option
@click.option("--from", "from_version", type=click.IntRange(min=1), help="Older version.")
@click.option("--to", "to_version", type=click.IntRange(min=1), help="Newer version.")
@click.argument("url")
def diff(db: Path, from_version: int | None, to_version: int | None, url: str) -> None:
    """Show how the body of URL changed between two versions (default: the last two).

    A page with one version, or two versions whose bodies are the same, prints nothing on
    stdout and says so in one line on stderr (exit 0).
    """
    with open_archive(db, read_only=True) as archive:
        url = _record(archive, url)["url"]
        versions = {v["version"]: v for v in archive.versions(url)}
    latest = max(versions)
    if len(versions) == 1 and from_version is None and to_version is None:
        fetched = versions[latest]["fetched_at"]
        when = f" ({fetched})" if fetched else ""
        click.echo(f"{url} has one version{when}: nothing to compare", err=True)
        return
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
    same = True
    for line in lines:  # page text shown, never obeyed
        same = False
        out.write(terminal_text(line if line.endswith("\n") else line + "\n"))
    if same and from_version != to_version:
        click.echo(f"the body is the same in versions {from_version} and {to_version}", err=True)


@click.command(
    epilog="""\b
Examples:
  archiver reparse --dry-run          # what the current extractors would change
  archiver reparse --json             # rebuild, and the report as one JSON object
"""
)
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


for _command in (show, history, diff):  # one note on addresses, in each command's help
    _command.help = f"{_command.help}\n\n{ADDRESS_NOTE}"
