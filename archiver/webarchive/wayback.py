"""The web archive's APIs, as pure functions: build the request URLs, read the replies.

A dead brief comes back in two steps: find a capture (the availability API, then CDX), then
fetch the capture's original bytes with the ``id_`` flag, never the rewritten replay.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urlencode

AVAILABILITY_API = "https://archive.org/wayback/available"
CDX_API = "https://web.archive.org/cdx/search/cdx"
REPLAY_ROOT = "https://web.archive.org/web/"
#: The hosts the APIs and the replay live on: what a crawl asking the archive may fetch from.
HOSTS = ("archive.org", "web.archive.org")

_TIMESTAMP = re.compile(r"^\d{14}$")
_REPLAY = re.compile(r"^https?://web\.archive\.org/web/(\d{1,14})(?:[a-z]{2}_)?/(.+)$")


@dataclass(frozen=True)
class Snapshot:
    """One capture of ``original`` in the archive, at ``timestamp`` (YYYYMMDDhhmmss)."""

    original: str
    timestamp: str

    @property
    def raw_url(self) -> str:
        """The capture's original bytes: the ``id_`` replay."""
        return raw_capture_url(self.timestamp, self.original)

    @property
    def captured_at(self) -> str:
        """The capture time as ISO 8601 UTC."""
        return timestamp_to_iso(self.timestamp)


def availability_url(url: str, timestamp: str | None = None) -> str:
    """The availability API query for ``url``."""
    params = {"url": url}
    if timestamp:
        params["timestamp"] = timestamp
    return f"{AVAILABILITY_API}?{urlencode(params)}"


def cdx_url(url: str) -> str:
    """The CDX query listing the captures of ``url`` that answered 200."""
    params = {"url": url, "output": "json", "filter": "statuscode:200"}
    return f"{CDX_API}?{urlencode(params)}"


def raw_capture_url(timestamp: str, url: str) -> str:
    """``https://web.archive.org/web/<timestamp>id_/<url>``: the bytes as captured."""
    return f"{REPLAY_ROOT}{timestamp}id_/{quote(url, safe=':/?&=%#+,;@~!$*()')}"


def parse_availability(body: bytes, original: str) -> Snapshot | None:
    """The closest available capture from an availability API reply, or None."""
    try:
        data = json.loads(body)
        closest = data["archived_snapshots"]["closest"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(closest, dict) or not closest.get("available"):
        return None
    status = str(closest.get("status", "200"))
    timestamp = str(closest.get("timestamp", ""))
    if not status.startswith("2") or not _TIMESTAMP.match(timestamp):
        return None
    return Snapshot(original=original, timestamp=timestamp)


def parse_cdx(body: bytes, original: str) -> Snapshot | None:
    """The newest capture with status 200 from a CDX JSON reply, or None."""
    try:
        rows = json.loads(body)
    except ValueError:
        return None
    if not isinstance(rows, list) or len(rows) < 2 or not isinstance(rows[0], list):
        return None
    header = rows[0]
    try:
        i_ts, i_status = header.index("timestamp"), header.index("statuscode")
    except ValueError:
        return None
    good = [
        str(r[i_ts])
        for r in rows[1:]
        if isinstance(r, list) and len(r) > max(i_ts, i_status)
        and str(r[i_status]) == "200" and _TIMESTAMP.match(str(r[i_ts]))
    ]
    return Snapshot(original=original, timestamp=max(good)) if good else None


def timestamp_to_iso(timestamp: str) -> str:
    """``20110412083000`` → ``2011-04-12T08:30:00Z``."""
    moment = datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def capture_time(replay_url: str, memento_datetime: str | None) -> str | None:
    """When the fetched capture was made: ``Memento-Datetime``, else the replay URL's stamp."""
    if memento_datetime:
        try:
            moment = parsedate_to_datetime(memento_datetime)
            return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (TypeError, ValueError):
            pass
    match = _REPLAY.match(replay_url)
    if match and len(match.group(1)) == 14:
        return timestamp_to_iso(match.group(1))
    return None
