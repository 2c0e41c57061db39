"""The web archive: its holdings and the three APIs a crawler uses (SITES.md §3).

- ``archive.org/wayback/available?url=…[&timestamp=…]``: the closest capture, as JSON.
- ``web.archive.org/cdx/search/cdx?url=…&output=json``: every capture, header row first.
- ``web.archive.org/web/<ts>id_/<url>``: the original bytes; ``/web/<ts>/<url>``: a rewritten
  replay with the archive's toolbar (junk for an archiver); a timestamp that is not exact
  redirects to the nearest capture, keeping the ``id_`` flag.

The availability API and CDX are separate indexes in reality, and the availability API
misses captures CDX has. ``Capture.in_availability`` simulates that.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from dataclasses import dataclass
from email.utils import format_datetime
from urllib.parse import parse_qs, unquote, urlsplit

from tests.mockweb.facts import timestamp_to_datetime
from tests.mockweb.messages import Page, Request

AVAILABILITY_HOST = "archive.org"
WAYBACK_HOST = "web.archive.org"
CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
ROBOTS_TXT = b"User-agent: *\nAllow: /wayback/\nAllow: /cdx/\nAllow: /web/\nDisallow: /\n"

_REPLAY = re.compile(r"^/web/(?P<ts>\d{1,14})(?P<flag>[a-z]{2}_)?/(?P<url>.+)$")
_JSON = "application/json"


@dataclass(frozen=True)
class Capture:
    """One capture of one URL: the bytes the original server sent, and how."""

    url: str  # the original URL as captured
    timestamp: str  # YYYYMMDDhhmmss
    body: bytes
    content_type: str = "text/html"  # the original server's header, passed through on replay
    status: int = 200
    in_availability: bool = True

    @property
    def mimetype(self) -> str:
        """The media type without parameters, as CDX lists it."""
        return self.content_type.split(";", 1)[0].strip()

    def cdx_row(self) -> dict[str, str]:
        """The capture as a CDX record."""
        sha1 = hashlib.sha1(self.body).digest()
        return {
            "urlkey": surt(self.url),
            "timestamp": self.timestamp,
            "original": self.url,
            "mimetype": self.mimetype,
            "statuscode": str(self.status),
            "digest": base64.b32encode(sha1).decode("ascii"),
            "length": str(len(self.body)),
        }


def surt(url: str) -> str:
    """The archive's canonical key: scheme-less, ``www.`` dropped, host reversed.

    >>> surt("http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html")
    'cn,gov,bjedu,kxfzg)/gzjb/2011-04-11/2448.html'
    """
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(unquote(url))
    host = (parts.hostname or "").removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return ",".join(reversed(host.split("."))) + ")" + (parts.path or "/").lower() + query.lower()


class Archive:
    """A mutable, thread-safe set of captures, served as the archive's APIs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._captures: dict[str, list[Capture]] = {}

    def add(self, capture: Capture) -> None:
        """Hold ``capture`` (replacing one of the same URL and timestamp)."""
        key = surt(capture.url)
        with self._lock:
            kept = [c for c in self._captures.get(key, []) if c.timestamp != capture.timestamp]
            self._captures[key] = sorted([*kept, capture], key=lambda c: c.timestamp)

    def remove(self, url: str) -> None:
        """Forget every capture of ``url``."""
        with self._lock:
            self._captures.pop(surt(url), None)

    def captures(self, url: str) -> list[Capture]:
        """Captures of ``url``, oldest first."""
        with self._lock:
            return list(self._captures.get(surt(url), []))

    def closest(
        self, url: str, timestamp: str | None = None, *, indexed: bool = False
    ) -> Capture | None:
        """The capture nearest ``timestamp`` (the newest without one).

        ``indexed`` restricts to what the availability API knows about.
        """
        found = [c for c in self.captures(url) if c.in_availability or not indexed]
        if not found:
            return None
        if timestamp is None:
            return found[-1]
        target = timestamp_to_datetime(timestamp)
        return min(found, key=lambda c: abs(timestamp_to_datetime(c.timestamp) - target))

    # -- the APIs --------------------------------------------------------------------------

    def serve_availability(self, request: Request) -> Page | None:
        """``archive.org``: ``/wayback/available``."""
        if request.path != "/wayback/available":
            return None
        params = _params(request.query)
        url = params.get("url", "")
        timestamp = params.get("timestamp") or None
        try:
            capture = self.closest(url, timestamp, indexed=True) if url else None
        except ValueError:  # a malformed timestamp
            capture = None
        answer: dict[str, object] = {"url": url, "archived_snapshots": {}}
        if capture is not None and capture.status == 200:
            answer["archived_snapshots"] = {
                "closest": {
                    "status": str(capture.status),
                    "available": True,
                    "url": f"http://{WAYBACK_HOST}/web/{capture.timestamp}/{capture.url}",
                    "timestamp": capture.timestamp,
                }
            }
        if timestamp:
            answer["timestamp"] = timestamp
        return Page(json.dumps(answer).encode(), content_type=_JSON)

    def serve_wayback(self, request: Request) -> Page | None:
        """``web.archive.org``: CDX and replay."""
        if request.path == "/cdx/search/cdx":
            return self._cdx(request)
        match = _REPLAY.match(request.path)
        if match is None:
            return None
        url = _embedded_url(match["url"], request.query)
        return self._replay(request, match["ts"], match["flag"] or "", url)

    def _cdx(self, request: Request) -> Page:
        params = _params(request.query)
        if not params.get("url"):
            return Page(b"Missing url parameter\n", content_type="text/plain", status=400)
        rows = [c.cdx_row() for c in self.captures(params["url"])]
        rows = _cdx_select(rows, params)
        fields = [f for f in params.get("fl", "").split(",") if f] or list(CDX_FIELDS)
        table = [[row.get(f, "-") for f in fields] for row in rows]
        if params.get("output") == "json":
            if not table:
                return Page(b"[]", content_type=_JSON)
            body = "[" + ",\n".join(json.dumps(r) for r in [fields, *table]) + "]\n"
            return Page(body.encode(), content_type=_JSON)
        text = "".join(" ".join(r) + "\n" for r in table)
        return Page(text.encode(), content_type="text/plain")

    def _replay(self, request: Request, ts: str, flag: str, url: str) -> Page:
        try:
            capture = self.closest(url, ts)
        except ValueError:
            capture = None
        if capture is None:
            return Page(_NOT_ARCHIVED, status=404)
        if capture.timestamp != ts:
            # Not exact: send the client to the nearest capture, as Wayback does.
            location = (
                f"{request.scheme}://{request.host}/web/{capture.timestamp}{flag}/{capture.url}"
            )
            return Page(b"", content_type="text/plain", status=302, headers={"Location": location})
        when = timestamp_to_datetime(capture.timestamp)
        headers = {
            "Memento-Datetime": format_datetime(when, usegmt=True),
            "Link": f'<{capture.url}>; rel="original"',
        }
        body = (
            capture.body
            if flag == "id_"
            else rewrite(capture, f"{request.scheme}://{request.host}")
        )
        return Page(body, content_type=capture.content_type, status=capture.status, headers=headers)


_NOT_ARCHIVED = (
    b"<!DOCTYPE html><html><head><title>Wayback Machine</title></head><body>"
    b"<p>Hrm.</p><p>The Wayback Machine has not archived that URL.</p></body></html>\n"
)


def _params(query: str) -> dict[str, str]:
    """Query parameters, first value of each."""
    return {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}


def _embedded_url(raw: str, query: str) -> str:
    """The original URL inside a replay path; the client's query string belongs to it."""
    url = raw + (f"?{query}" if query else "")
    # Clients and proxies collapse "//" in paths: http:/host → http://host.
    url = re.sub(r"^(https?):/+", r"\1://", url)
    return url if "://" in url else "http://" + url


def _cdx_select(rows: list[dict[str, str]], params: dict[str, str]) -> list[dict[str, str]]:
    """Apply ``from``, ``to``, ``filter`` (``[!]field:regex``) and ``limit``."""
    low, high = params.get("from", ""), params.get("to", "")
    rows = [r for r in rows if r["timestamp"][: len(low)] >= low]
    rows = [r for r in rows if not high or r["timestamp"][: len(high)] <= high]
    spec = params.get("filter", "")
    if ":" in spec:
        negate = spec.startswith("!")
        name, pattern = spec.lstrip("!").split(":", 1)
        rows = [r for r in rows if bool(re.fullmatch(pattern, r.get(name, ""))) != negate]
    limit = params.get("limit", "")
    if limit.lstrip("-").isdigit():
        n = int(limit)
        rows = rows[:n] if n >= 0 else rows[n:]
    return rows


# -- the rewritten replay -----------------------------------------------------------------

_HEAD_INSERT = (
    b'<script src="//archive.org/includes/athena.js" type="text/javascript"></script>\n'
    b'<script type="text/javascript" src="/_static/js/bundle-playback.js" charset="utf-8">'
    b"</script>\n"
    b'<script type="text/javascript">__wm.init("https://web.archive.org/web");</script>\n'
    b'<link rel="stylesheet" type="text/css" href="/_static/css/banner-styles.css" />\n'
    b"<!-- End Wayback Rewrite JS Include -->\n"
)
_ATTR = re.compile(rb'(?P<attr>href|src)="(?P<url>[^"]*)"', re.IGNORECASE)


def rewrite(capture: Capture, archive_root: str) -> bytes:
    """The capture as Wayback replays it: scripts, toolbar, links pointing into the archive.

    Only ASCII is inserted, so the original encoding (e.g. gb2312) stays intact.
    """
    prefix = f"{archive_root}/web/{capture.timestamp}/".encode()
    parts = urlsplit(capture.url)
    origin = f"{parts.scheme}://{parts.netloc}".encode()

    def link(m: re.Match[bytes]) -> bytes:
        url = m["url"]
        if url.startswith(b"/") and not url.startswith(b"//"):
            url = prefix + origin + url
        elif url.lower().startswith((b"http://", b"https://")):
            url = prefix + url
        return m["attr"] + b'="' + url + b'"'

    body = _ATTR.sub(link, capture.body)
    body = re.sub(
        rb"(<head[^>]*>)", lambda m: m[1] + b"\n" + _HEAD_INSERT, body, count=1, flags=re.IGNORECASE
    )
    body = re.sub(
        rb"(<body[^>]*>)", lambda m: m[1] + _toolbar(capture), body, count=1, flags=re.IGNORECASE
    )
    return body + _trailer(capture)


def _toolbar(capture: Capture) -> bytes:
    when = timestamp_to_datetime(capture.timestamp).strftime("%b %d, %Y")
    return (
        "\n<!-- BEGIN WAYBACK TOOLBAR INSERT -->\n"
        '<div id="wm-ipp-base" lang="en" style="display:none;direction:ltr;">'
        '<div id="wm-ipp" style="position:fixed;left:0;top:0;right:0;">'
        '<a href="/web/" title="Wayback Machine home page">The Wayback Machine</a> - '
        f'<span id="wm-ipp-url">{capture.url}</span> '
        f'<span class="wm-capinfo">1 capture {when}</span> '
        '<a href="/web/*/' + capture.url + '">captures</a> '
        '<span id="wm-ipp-print">About this capture</span></div></div>\n'
        "<!-- END WAYBACK TOOLBAR INSERT -->\n"
    ).encode("ascii")


def _trailer(capture: Capture) -> bytes:
    when = timestamp_to_datetime(capture.timestamp).strftime("%H:%M:%S %b %d, %Y")
    return (
        f"<!--\n     FILE ARCHIVED ON {when} AND RETRIEVED FROM THE\n"
        "     INTERNET ARCHIVE. JAVASCRIPT APPENDED BY WAYBACK MACHINE.\n-->\n"
    ).encode("ascii")
