"""A profile drafted from a site's own pages, and a profile checked against them.

``archiver sites add`` probes a list page: the family is recognised from the page (markers, not
the host), the list named, the first article read; what a crawl would record is shown with the
rule that gave each field. ``archiver sites check`` reads pages again with a profile and says
which fields differ from what the archive holds: how an archivist learns a site changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import tomli_w

from archiver.extract import (
    decode_html,
    detect_family,
    extract_document,
    extract_list,
    is_challenge_page,
    page_family,
)
from archiver.records import Brief, ListPage, News
from archiver.sites import ADHOC_CITED_HOSTS, AUTO, SiteProfile, StartList, profile_name

#: The fields of a news record a probe shows, in the export's order.
SHOWN = ("title", "published", "department", "contributor", "reviewer", "body", "sections",
         "cites", "attachments", "images")  # fmt: skip


class ProbeError(ValueError):
    """A probed page that cannot make a profile; the message is one line."""


@dataclass
class ListReport:
    """What a list page says: its family, label, items and next page."""

    url: str
    family: str | None
    page: ListPage


@dataclass
class Draft:
    """A drafted profile, and what its pages gave."""

    profile: SiteProfile
    listing: ListReport
    article: News | None
    article_family: str | None
    warnings: list[str] = field(default_factory=list)


def read_list(url: str, body: bytes, content_type: str | None) -> ListReport:
    """The family, label, items and next page of the list page at ``url``."""
    text, _encoding = decode_html(body, content_type)
    if is_challenge_page(text):
        raise ProbeError(f"{url} answered an anti-bot challenge page, not a list")
    family = detect_family(text, url)
    page = extract_list(text, url, family)
    if not page.items:
        raise ProbeError(f"{url} lists no articles the archiver can find")
    return ListReport(url, family, page)


def read_article(
    url: str, body: bytes, content_type: str | None, profile: SiteProfile
) -> tuple[News, str | None]:
    """The news record a crawl with ``profile`` makes of the page at ``url`` (the very same
    extraction), and the family it was read as."""
    text, _encoding = decode_html(body, content_type)
    news = extract_document(
        body,
        url,
        content_type,
        kind="news",
        cited_hosts=profile.cited_hosts,
        family=profile.family,
        selectors=profile.selectors,
    )
    assert isinstance(news, News)
    return news, page_family(text, url, profile.family)


def read_bureau_page(url: str, body: bytes, content_type: str | None) -> Brief:
    """The brief a crawl makes of a cited bureau page."""
    brief = extract_document(body, url, content_type, kind="brief")
    assert isinstance(brief, Brief)
    return brief


def draft_profile(
    listing: ListReport,
    article: tuple[str, bytes, str | None] | None,
    *,
    name: str | None = None,
    title: str | None = None,
) -> Draft:
    """A profile for the site of ``listing``; ``article`` is its first article (url, bytes,
    content type), read with the drafted profile to show what a crawl would record."""
    host = (urlsplit(listing.url).hostname or "").lower()
    profile = SiteProfile(
        name=name or profile_name(host),
        title=title or host,
        family=listing.family or AUTO,
        hosts=(host,),
        lists=(StartList(listing.url, listing.page.section),),
        cited_hosts=ADHOC_CITED_HOSTS,
    )
    draft = Draft(profile, listing, None, None, list(listing.page.parse_warnings))
    if article is not None:
        news, family = read_article(*article, profile)
        draft.article, draft.article_family = news, family
        if listing.family and family != listing.family:
            draft.warnings.append(
                f"the list is {listing.family} but its article is {family or 'of no family'}"
            )
    return draft


def profile_toml(profile: SiteProfile) -> str:
    """The profile as the TOML file that :func:`archiver.sites.load_profile` reads back."""
    data: dict[str, Any] = {
        "name": profile.name,
        "title": profile.title,
        "family": profile.family,
        "hosts": list(profile.hosts),
        "cited_hosts": list(profile.cited_hosts),
    }
    if profile.home:
        data["home"] = profile.home
    if profile.selectors:
        data["selectors"] = dict(profile.selectors)
    politeness = {
        k: v for k, v in (("delay", profile.delay), ("concurrency", profile.concurrency)) if v
    }
    if politeness:
        data["politeness"] = politeness
    data["lists"] = [
        {"url": lst.url, **({"label": lst.label} if lst.label else {})} for lst in profile.lists
    ]
    header = f"# {profile.title}: written by `archiver sites add`; edit freely.\n"
    return header + tomli_w.dumps(data)


def record_fields(record: News | Brief) -> dict[str, Any]:
    """The fields a probe or a check compares, as plain values."""
    values: dict[str, Any] = {}
    for name in SHOWN:
        value = getattr(record, name, None)
        if name == "cites" and value is not None:
            value = [c.url for c in value]
        values[name] = value
    return values


def changed_fields(
    stored: Mapping[str, Any], record: News | Brief
) -> dict[str, tuple[Any, Any]]:
    """field -> (stored value, value read now), for each field that differs."""
    now = record_fields(record)
    changed = {}
    for name, value in now.items():
        if name == "sections":  # the lists an article was found on, not what the page says
            continue
        old = stored.get(name)
        if (old or None) != (value or None):
            changed[name] = (old, value)
    return changed
