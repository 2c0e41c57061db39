"""``archiver sites``: the site profiles — list, show, add (probe a list page), check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from archiver import config
from archiver.cli.errors import EXIT_PARTIAL, UserError, fail
from archiver.cli.options import (
    PathType,
    check_output,
    db_option,
    http_host,
    open_archive,
    page_url_from_bytes,
    read_page,
    sites_dir_option,
    url_problem,
    utf8_stdout,
    writing,
)
from archiver.cli.output import Output, emit, output_options
from archiver.cli.profiles import site_profiles
from archiver.cli.terminal import terminal_text
from archiver.export import atomic_output
from archiver.records import News
from archiver.sites import (
    SiteProfile,
    is_profile_name,
    profile_name,
    shipped_profile_text,
)
from archiver.sites.draft import (
    Draft,
    ProbeError,
    changed_fields,
    draft_profile,
    profile_toml,
    read_article,
    read_list,
    record_fields,
)


@click.group()
def sites() -> None:
    """Site profiles: what the crawl knows of each news site (list, show, add, check)."""


SITE_FIELDS = ("name", "family", "hosts", "lists", "title", "file")


@sites.command("list", epilog="""\b
Examples:
  archiver sites list
  archiver sites list --csv --fields name,hosts,file
  archiver sites list --nl | jq -r .name
""")  # fmt: skip
@db_option
@sites_dir_option
@output_options(SITE_FIELDS)
def list_sites(db: Path, sites_dir: Path | None, output: Output) -> None:
    """The profiles, shipped and your own: name, family, hosts (a list), number of lists,
    title and file (or "shipped"), as a table unless another format is named."""
    folder = config.sites_dir(db, sites_dir)
    rows = []
    for name, profile in sorted(site_profiles(db, sites_dir).items()):
        own = folder / f"{name}.toml"
        rows.append({
            "name": name, "family": profile.family, "hosts": list(profile.hosts),
            "lists": len(profile.lists), "title": profile.title,
            "file": str(own) if own.is_file() else "shipped",
        })  # fmt: skip
    emit(output, rows, SITE_FIELDS, noun="profiles")


@sites.command("show")
@db_option
@sites_dir_option
@click.argument("name")
def show_site(db: Path, sites_dir: Path | None, name: str) -> None:
    """Print the profile NAME as TOML (the file it came from, or the shipped one)."""
    _profile(db, sites_dir, name)  # an unknown name or a bad folder is one line
    own = config.sites_dir(db, sites_dir) / f"{name}.toml"
    text = own.read_text(encoding="utf-8") if own.is_file() else shipped_profile_text(name)
    utf8_stdout().write(terminal_text(text))


@sites.command("add")
@db_option
@sites_dir_option
@click.argument("url")
@click.option("--name", help="The profile's name (default: from the host, e.g. news-whu-edu-cn).")
@click.option("--title", help="The site's name, e.g. 武汉大学新闻网 (default: the host).")
@click.option("--force", is_flag=True, help="Replace a profile of the same name in the folder.")
def add_site(
    db: Path, sites_dir: Path | None, url: str, name: str | None, title: str | None, force: bool
) -> None:
    """Probe the list page URL and write a profile for its site.

    Fetches the page (politely, as a crawl does: robots.txt, the archiver's User-Agent) and its
    first article; recognises the family from the pages; prints what a crawl would record, with
    the rule that gave each field; then writes NAME.toml to the profiles folder. Nothing is
    archived.
    """
    host = http_host(url)
    if host is None:
        raise UserError(f"{url!r} is not an http(s) address{url_problem(url)}")
    if name is not None and not is_profile_name(name):
        raise UserError(f"--name {name!r}: use lowercase letters, digits, '-' and '_'")
    name = name or profile_name(host)
    folder = config.sites_dir(db, sites_dir)
    target = folder / f"{name}.toml"
    if target.exists() and not force:
        raise UserError(f"{target} exists (--force replaces it)")
    check_output(target, db, "--sites-dir", folder_made=True)
    site_profiles(db, sites_dir)  # a bad profile in the folder fails here, before a fetch
    fetched = _probe(db, [url])
    listing = fetched[0] if fetched else None
    if listing is None or listing.status != 200:
        reason = (listing.error if listing else None) or f"HTTP {listing and listing.status}"
        raise UserError(f"cannot fetch {url}: {reason}")
    try:
        report = read_list(url, listing.body, listing.content_type)
    except ProbeError as exc:
        raise UserError(str(exc)) from None
    first = next((f for f in fetched[1:] if f.status == 200), None)
    draft = draft_profile(
        report,
        (first.url, first.body, first.content_type) if first else None,
        name=name,
        title=title,
    )
    click.echo(terminal_text(_draft_report(draft)))
    text = profile_toml(draft.profile)
    with writing(target):
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_output(target) as f:
            f.write(text)
    click.echo(f"wrote {target}", err=True)


@sites.command("check")
@db_option
@sites_dir_option
@click.argument("name")
@click.argument("files", nargs=-1, type=PathType(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per page and line.")
def check_site(
    db: Path, sites_dir: Path | None, name: str, files: tuple[Path, ...], as_json: bool
) -> None:
    """Read pages again with profile NAME and say which fields differ from the archive.

    With FILEs, the saved pages (their address from the page's 'saved from' comment, canonical
    link or og:url); without, the first article of each of the profile's lists, fetched live.
    Exit status 0 when every field matches, 3 when some field changed, or a page gives no
    title, date or body any more.
    """
    profile = _profile(db, sites_dir, name)
    pages: list[tuple[str, bytes, str | None]] = []
    for path in files:
        raw = read_page(path)
        url = page_url_from_bytes(raw)
        if not url:
            raise UserError(f"cannot tell which address {path} was saved from")
        if not profile.owns(url):
            raise UserError(f"{path} was saved from {url}, not a page of {name}")
        pages.append((url, raw, None))
    if not files:
        fetched = _probe(db, profile.start_urls)
        pages = [(f.url, f.body, f.content_type) for f in fetched if f.url not in
                 profile.start_urls and f.status == 200]  # fmt: skip
        if not pages:
            raise UserError(f"no article of {name} could be fetched")
    stored: dict[str, Any] = {}
    if db.exists():  # with no archive yet, saved pages are still checked for what they lack
        with open_archive(db, read_only=True) as archive:
            stored = {url: archive.record(url) for url, _body, _type in pages}
    differs = False
    out = utf8_stdout()
    for url, body, content_type in pages:
        news, family = read_article(url, body, content_type, profile)
        old = stored.get(url)
        changed = changed_fields(old, news) if old else {}
        # a page whose title, date or body the profile no longer reads needs a look too
        missing = [name for name in ("title", "published", "body") if not getattr(news, name)]
        problem = f"the profile reads no {', '.join(missing)} on it" if missing else None
        differs = differs or bool(changed) or problem is not None
        if as_json:
            row = {
                "url": url,
                "family": family,
                "archived": old is not None,
                "problem": problem,
                "changed": {k: {"archived": a, "now": b} for k, (a, b) in changed.items()},
                "provenance": news.provenance,
                "parse_warnings": news.parse_warnings,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            continue
        lines = [url, f"  family      {family or 'none (generic)'}"]
        if problem is not None:
            lines.append(f"  problem     {problem}")
        if old is None:
            lines.append("  not in the archive: nothing to compare")
        for field, (was, now) in changed.items():
            lines.append(f"  changed     {field}: {_short(was)} → {_short(now)}")
        if old is not None and not changed:
            lines.append("  unchanged   every field as archived")
        lines += [f"  warning     {warning}" for warning in news.parse_warnings]
        out.write(terminal_text("\n".join(lines)) + "\n")
    if differs:
        fail(f"{name}: some pages need a look: fields differ or are missing (see above)",
             EXIT_PARTIAL)  # fmt: skip


def _profile(db: Path, sites_dir: Path | None, name: str) -> SiteProfile:
    profiles = site_profiles(db, sites_dir)
    if name not in profiles:
        raise UserError(f"no site profile named {name!r} (known: {', '.join(sorted(profiles))})")
    return profiles[name]


def _probe(db: Path, urls: list[str]) -> list[Any]:
    from archiver.crawl.run import run_probe
    from spiders.probe import ProbeSpider

    spider = run_probe(ProbeSpider, db, urls)
    assert isinstance(spider, ProbeSpider)
    return spider.pages()


def _draft_report(draft: Draft) -> str:
    """What a crawl would record with the drafted profile, and which rule gave each field."""
    profile, page = draft.profile, draft.listing.page
    lines = [
        f"site        {profile.name} ({', '.join(profile.hosts)})",
        f"family      {draft.listing.family or 'none: the generic extractors will read it'}",
        f"list        {draft.listing.url}",
        f"  label     {page.section or '(none on the page)'}",
        f"  items     {len(page.items)} on this page",
        f"  next      {page.next_url or '(last page)'}",
    ]
    if draft.article is None:
        lines.append("article     (none could be fetched)")
    else:
        lines += _article_lines(draft.article, draft.article_family)
    lines += [f"warning     {w}" for w in draft.warnings]
    return "\n".join(lines)


def _article_lines(news: News, family: str | None) -> list[str]:
    lines = [f"article     {news.url}", f"  family    {family or 'none (generic)'}"]
    for name, value in record_fields(news).items():
        if name == "sections":
            continue
        rule = news.provenance.get(name, "")
        lines.append(f"  {name:<12}{_short(value) or '(empty)'}" + (f"   ← {rule}" if rule else ""))
    lines += [f"  warning   {w}" for w in news.parse_warnings]
    return lines


def _short(value: Any, width: int = 60) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"
