"""The web archive's replies, read by pure functions (shapes per SITES.md §3)."""

from __future__ import annotations

import json

import pytest

from archiver.webarchive import wayback

URL = "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html"


def availability(closest: dict[str, object] | None) -> bytes:
    snapshots = {"closest": closest} if closest is not None else {}
    return json.dumps({"url": URL, "archived_snapshots": snapshots}).encode()


@pytest.mark.parametrize(
    ("body", "timestamp"),
    [
        (availability({"available": True, "url": "x", "timestamp": "20110412083000",
                       "status": "200"}), "20110412083000"),
        (availability(None), None),
        (availability({"available": False, "timestamp": "20110412083000"}), None),
        (availability({"available": True, "timestamp": "20110412083000", "status": "404"}), None),
        (availability({"available": True, "timestamp": "2011"}), None),
        (b"<html>rate limited</html>", None),
        (b"", None),
    ],
)  # fmt: skip
def test_parse_availability(body: bytes, timestamp: str | None) -> None:
    snapshot = wayback.parse_availability(body, URL)
    assert (snapshot.timestamp if snapshot else None) == timestamp


HEADER = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


@pytest.mark.parametrize(
    ("rows", "timestamp"),
    [
        ([HEADER, ["k", "20110412083000", URL, "text/html", "200", "D1", "10"],
          ["k", "20120101000000", URL, "text/html", "200", "D2", "10"],
          ["k", "20130101000000", URL, "text/html", "404", "D3", "10"]], "20120101000000"),
        ([], None),
        ([HEADER], None),
        ([HEADER, ["k", "20130101000000", URL, "text/html", "302", "D", "1"]], None),
        ({"error": "x"}, None),
    ],
)  # fmt: skip
def test_parse_cdx_takes_the_newest_good_capture(rows: object, timestamp: str | None) -> None:
    snapshot = wayback.parse_cdx(json.dumps(rows).encode(), URL)
    assert (snapshot.timestamp if snapshot else None) == timestamp


def test_raw_capture_is_the_id_replay_never_the_rewritten_one() -> None:
    snapshot = wayback.Snapshot(URL, "20110412083000")
    assert snapshot.raw_url == f"https://web.archive.org/web/20110412083000id_/{URL}"
    assert snapshot.captured_at == "2011-04-12T08:30:00Z"


def test_query_urls() -> None:
    assert wayback.availability_url(URL) == (
        "https://archive.org/wayback/available?url=http%3A%2F%2Fkxfzg.bjedu.gov.cn"
        "%2Fgzjb%2F2011-04-11%2F2448.html"
    )
    assert wayback.cdx_url(URL).startswith("https://web.archive.org/cdx/search/cdx?url=")
    assert "output=json" in wayback.cdx_url(URL)


@pytest.mark.parametrize(
    ("replay", "memento", "expected"),
    [
        (f"https://web.archive.org/web/20110412083000id_/{URL}", "Tue, 12 Apr 2011 08:30:00 GMT",
         "2011-04-12T08:30:00Z"),
        (f"https://web.archive.org/web/20110412083000id_/{URL}", None, "2011-04-12T08:30:00Z"),
        (f"https://web.archive.org/web/20110412083000id_/{URL}", "garbage",
         "2011-04-12T08:30:00Z"),
        ("https://example.org/", None, None),
    ],
)  # fmt: skip
def test_capture_time(replay: str, memento: str | None, expected: str | None) -> None:
    assert wayback.capture_time(replay, memento) == expected
