"""Site profiles: what is known of a news site, as data (TOML), never as code.

A profile names the site, its hosts, the page family its templates belong to (which
extractors read it; ``auto``: recognised on each page), the section lists a crawl starts from
and their labels, the hosts of the bureau sites its articles cite, and optionally selectors of
its own per field and politeness limits of its own. The profiles that ship with the package live in
``profiles/``; an archivist's own live in a folder of their own, and a profile there replaces a
shipped one of the same name.

Loading validates every value; a bad file raises :class:`ProfileError` with one line naming
the file and what is wrong.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archiver.config import host_matches
from archiver.extract import AUTO, FAMILIES
from archiver.extract.overrides import FIELDS as SELECTOR_FIELDS
from archiver.extract.overrides import SelectorProblem, compile_selector

__all__ = [
    "AUTO",
    "ProfileError",
    "SiteProfile",
    "StartList",
    "adhoc_profile",
    "bundled_profiles",
    "is_host_pattern",
    "is_profile_name",
    "load_profile",
    "load_profiles",
    "profile_for_url",
    "profile_name",
    "shipped_profile_text",
]

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
_LABEL = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?"
_HOST_PATTERN = re.compile(rf"(\*\.)?{_LABEL}(\.{_LABEL})*")
_KEYS = {
    "name", "title", "home", "family", "hosts", "cited_hosts", "lists", "selectors", "politeness",
}  # fmt: skip
#: What the cited hosts of a site with no profile are: education bureaus and government sites.
ADHOC_CITED_HOSTS = ("*.gov.cn",)
_MAX_PROFILE_BYTES = 256 * 1024  # a profile is a few hundred bytes
_POLITENESS_KEYS = {"delay": float, "concurrency": int}
_LIST_KEYS = {"url", "label"}


class ProfileError(ValueError):
    """A profile file that cannot be used; the message is one line."""


@dataclass(frozen=True)
class StartList:
    """A section list a crawl starts from: its first page and the label the site shows."""

    url: str
    label: str | None = None


@dataclass(frozen=True)
class SiteProfile:
    """What the crawl knows of one news site."""

    name: str
    title: str
    family: str
    hosts: tuple[str, ...]
    lists: tuple[StartList, ...] = ()
    cited_hosts: tuple[str, ...] = ()
    home: str | None = None
    #: field -> CSS selector read instead of the family's rule (title, published, department, body)
    selectors: Mapping[str, str] = field(default_factory=dict)
    #: seconds between requests and requests at a time, per host, replacing the crawl's
    delay: float | None = None
    concurrency: int | None = None

    def owns(self, url: str) -> bool:
        """True when ``url`` is a page of this site (its host is one of the site's)."""
        host = _host(url)
        return host is not None and host_matches(host, self.hosts)

    def label_of(self, list_url: str) -> str | None:
        """The configured label of a start list, or None for a list the profile does not name."""
        return next((lst.label for lst in self.lists if lst.url == list_url), None)

    @property
    def start_urls(self) -> list[str]:
        """The first pages of the profile's section lists."""
        return [lst.url for lst in self.lists]


def load_profile(path: Path) -> SiteProfile:
    """Read and validate the profile at ``path``."""
    try:
        if not path.is_file():  # a link to /dev/zero would be read for ever
            raise ProfileError(f"{path}: not a file")
        with path.open("rb") as f:
            raw = f.read(_MAX_PROFILE_BYTES + 1)
        if len(raw) > _MAX_PROFILE_BYTES:
            raise ProfileError(f"{path}: larger than {_MAX_PROFILE_BYTES // 1024} KiB")
        data = tomllib.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ProfileError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from None
    try:
        profile = profile_from_dict(data)
    except ProfileError as exc:
        raise ProfileError(f"{path}: {exc}") from None
    if profile.name != path.stem:
        raise ProfileError(f"{path}: name {profile.name!r} differs from the file's name")
    return profile


def profile_from_dict(data: Mapping[str, Any]) -> SiteProfile:
    """A profile from its parsed TOML; raises :class:`ProfileError` for a bad value."""
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ProfileError(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    name = _text(data, "name")
    if not is_profile_name(name):
        raise ProfileError(f"name {name!r}: use lowercase letters, digits, '-' and '_'")
    family = _text(data, "family")
    if family != AUTO and family not in FAMILIES:
        known = ", ".join([AUTO, *sorted(FAMILIES)])
        raise ProfileError(f"family {family!r} is not one of: {known}")
    hosts = _hosts(data, "hosts", required=True)
    profile = SiteProfile(
        name=name,
        title=_text(data, "title", default=name),
        family=family,
        hosts=hosts,
        lists=tuple(_start_list(item, i) for i, item in enumerate(_list(data, "lists"), 1)),
        cited_hosts=_hosts(data, "cited_hosts", required=False),
        home=_url(data["home"], "home") if "home" in data else None,
        selectors=_selectors(data.get("selectors", {})),
        **_politeness(data.get("politeness", {})),
    )
    if not profile.lists:
        raise ProfileError("names no section list: add at least one [[lists]] url = \"…\"")
    for lst in profile.lists:
        if not profile.owns(lst.url):
            raise ProfileError(f"list {lst.url} is not on the site's hosts ({', '.join(hosts)})")
    return profile


def bundled_profiles() -> dict[str, SiteProfile]:
    """The profiles that ship with the package, by name."""
    folder = resources.files(__name__) / "profiles"
    found: dict[str, SiteProfile] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            with resources.as_file(entry) as path:
                profile = load_profile(path)
            found[profile.name] = profile
    return found


def shipped_profile_text(name: str) -> str:
    """The TOML text of the shipped profile ``name`` (KeyError when none ships)."""
    entry = resources.files(__name__) / "profiles" / f"{name}.toml"
    if not entry.is_file():
        raise KeyError(name)
    return entry.read_text(encoding="utf-8")


def load_profiles(folder: Path | None = None) -> dict[str, SiteProfile]:
    """The shipped profiles, then those of ``folder`` (``*.toml``), which replace them by name.

    A missing folder holds no profiles; a bad file in it raises :class:`ProfileError`.
    """
    profiles = bundled_profiles()
    if folder is not None and folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            profile = load_profile(path)
            profiles[profile.name] = profile
    return profiles


def adhoc_profile(url: str) -> SiteProfile:
    """A profile for the site of ``url`` when it has none: its host, family recognised per
    page, the list ``url`` with no label of its own, and the usual bureau hosts as cited."""
    host = _host(url)
    if host is None:
        raise ProfileError(f"{url!r} is not an http(s) address")
    return SiteProfile(
        name=profile_name(host),
        title=host,
        family=AUTO,
        hosts=(host,),
        lists=(StartList(url),),
        cited_hosts=ADHOC_CITED_HOSTS,
    )


def is_profile_name(name: str) -> bool:
    """Whether ``name`` may name a profile (and its file): lowercase letters, digits, - and _."""
    return _NAME.fullmatch(name) is not None


def is_host_pattern(pattern: str) -> bool:
    """Whether ``pattern`` is a host name (lowercase, ASCII: punycode for IDN) or ``*.domain``."""
    return _HOST_PATTERN.fullmatch(pattern) is not None


def profile_name(host: str) -> str:
    """A profile name from a host: ``news.whu.edu.cn`` → ``news-whu-edu-cn``."""
    return re.sub(r"[^a-z0-9_-]+", "-", host.lower()).strip("-")[:63] or "site"


def profile_for_url(profiles: Iterable[SiteProfile], url: str) -> SiteProfile | None:
    """The profile of the site ``url`` belongs to, or None."""
    return next((p for p in profiles if p.owns(url)), None)


# -- validation ---------------------------------------------------------------------------------


def _host(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises for a port out of range or not a number
    except ValueError:
        return None
    return host if parts.scheme in ("http", "https") and host else None


def _text(data: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if value is None:
        raise ProfileError(f"missing {key!r}")
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(f"{key!r} must be a non-empty string")
    return value.strip()


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ProfileError(f"{key!r} must be a list")
    return value


def _hosts(data: Mapping[str, Any], key: str, *, required: bool) -> tuple[str, ...]:
    values = _list(data, key)
    if required and not values:
        raise ProfileError(f"{key!r} must name at least one host")
    hosts = []
    for value in values:
        if not isinstance(value, str) or not is_host_pattern(value.strip().lower()):
            raise ProfileError(f"{key!r}: {value!r} is not a host name or '*.domain' pattern")
        hosts.append(value.strip().lower())
    return tuple(hosts)


def _url(value: Any, what: str) -> str:
    if not isinstance(value, str) or _host(value) is None:
        raise ProfileError(f"{what}: {value!r} is not an http(s) address")
    return value


def _selectors(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ProfileError("'selectors' must be a table of field = \"CSS selector\"")
    for name, css in value.items():
        if name not in SELECTOR_FIELDS:
            raise ProfileError(
                f"selectors: unknown field {name!r} (known: {', '.join(SELECTOR_FIELDS)})"
            )
        if not isinstance(css, str) or not css.strip():
            raise ProfileError(f"selectors: {name} must be a CSS selector")
        try:
            compile_selector(css.strip())
        except SelectorProblem as exc:
            raise ProfileError(f"selectors: {name}: {exc}") from None
    return {name: css.strip() for name, css in value.items()}


def _politeness(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProfileError("'politeness' must be a table (delay, concurrency)")
    found: dict[str, Any] = {}
    for name, raw in value.items():
        kind = _POLITENESS_KEYS.get(name)
        if kind is None:
            raise ProfileError(f"politeness: unknown key {name!r} (known: delay, concurrency)")
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not 0 <= raw < 1e6:
            raise ProfileError(f"politeness: {name} must be a number from 0 to 1,000,000")
        if kind is int and (raw != int(raw) or raw < 1):
            raise ProfileError("politeness: concurrency must be a whole number of at least 1")
        found[name] = kind(raw)
    return found


def _start_list(item: Any, number: int) -> StartList:
    if not isinstance(item, dict):
        raise ProfileError(f"lists #{number} must be a table with url and label")
    unknown = sorted(set(item) - _LIST_KEYS)
    if unknown:
        raise ProfileError(f"lists #{number}: unknown key {unknown[0]!r}")
    label = item.get("label")
    if label is not None and (not isinstance(label, str) or not label.strip()):
        raise ProfileError(f"lists #{number}: label must be a non-empty string")
    url = _url(item.get("url"), f"lists #{number} url")
    return StartList(url, label.strip() if label else None)
