"""``archiver parse``: the record a saved page gives, through the crawl's extractors, offline."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from archiver.cli.errors import UserError
from archiver.cli.options import (
    PathType,
    cited_hosts_override,
    db_option,
    http_host,
    page_url_from_bytes,
    read_page,
    sites_dir_option,
)
from archiver.cli.output import Output, destination, emit, output_options
from archiver.export import export_record, fields_for


def _columns(params: dict[str, Any]) -> tuple[str, ...]:
    """A record's fields (both kinds' unless --kind names one), the family and the file."""
    return (*fields_for(params.get("kind")), "family", "file")


@click.command(
    epilog="""\b
Examples:
  archiver parse --url https://xww.bucea.edu.cn/zhxw/26536.htm saved-page.html
  archiver parse pages/*.html | jq '{file, family, title, published_date}'
  archiver parse --kind news --csv --fields file,title,published,department pages/*.html
"""
)
@db_option
@sites_dir_option
@click.option(
    "--url",
    metavar="URL",
    help="The address the pages were saved from; chooses the extractor. Without it, the "
    "page's own 'saved from' comment, canonical link or og:url is used.",
)
@click.option(
    "--kind",
    type=click.Choice(["news", "brief"]),
    help="Read the pages as news articles or as bureau pages (default: news for a page of a "
    "site with a profile, else a bureau page).",
)
@click.argument("files", nargs=-1, required=True, type=PathType(dir_okay=False, path_type=Path))
@output_options(_columns, default="nl")
def parse(
    db: Path,
    sites_dir: Path | None,
    url: str | None,
    kind: str | None,
    files: tuple[Path, ...],
    output: Output,
) -> None:
    """Print the record each saved page FILE gives, one JSON line per FILE.

    Runs the same extractors as a crawl, without a network or an archive: the way to check an
    extractor after a site changes its markup (the archive is not opened: --db only says
    where the profiles folder is). Each line also names the page family the page
    was read as ("family"; null: the generic extractor), and its provenance the rule that gave
    each field. The other formats of the output scheme give a row per FILE.
    """
    from archiver.cli.profiles import site_profiles

    profiles = site_profiles(db, sites_dir).values()
    override = cited_hosts_override()

    records = _records(files, url, kind, profiles, override)
    if output.fmt in ("nl", "json") and output.fields is None:
        # a JSON record holds its own kind's fields, as export's do; a table needs them all
        with destination(output) as out:
            if output.fmt == "nl":
                for record in records:
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                out.write(json.dumps(list(records), ensure_ascii=False, indent=1) + "\n")
        return
    emit(output, records, _columns({"kind": kind}), noun="records")


def _records(
    files: tuple[Path, ...], url: str | None, kind: str | None, profiles: Any, override: Any
) -> Iterator[dict[str, Any]]:
    """The record of each saved page, read as the crawl would read it."""
    from archiver.extract import AUTO, decode_html, extract_document, page_family
    from archiver.records import Kind
    from archiver.sites import profile_for_url

    for path in files:
        raw = read_page(path)
        page_url = url or page_url_from_bytes(raw)
        if not page_url:
            raise UserError(f"cannot tell which address {path} was saved from; give --url")
        if http_host(page_url) is None:
            raise UserError(f"{page_url!r} is not an http(s) address")
        site = profile_for_url(profiles, page_url)
        hosts = override if override is not None else site.cited_hosts if site else ()
        # a page of no news site is taken for a bureau page, unless --kind says otherwise
        as_kind: Kind = "news" if kind == "news" or (kind is None and site) else "brief"
        family = site.family if site else AUTO
        doc = extract_document(
            raw,
            page_url,
            kind=as_kind,
            cited_hosts=hosts,
            family=family,
            selectors=site.selectors if site else None,
        )
        text, _encoding = decode_html(raw)
        row = _doc_as_row(doc)
        row["sha256"] = hashlib.sha256(raw).hexdigest()
        record = export_record(row, fields_for(doc.kind))
        news = as_kind == "news"
        record["family"] = page_family(text, page_url, family if news else AUTO)
        record["file"] = str(path)
        yield record


def _doc_as_row(doc: Any) -> dict[str, Any]:
    from dataclasses import asdict

    row = asdict(doc)
    if "cites" in row:
        row["cites"] = [c["url"] for c in row["cites"]]
    row.setdefault("cited_by", [])
    row["kind"] = doc.kind
    return row
