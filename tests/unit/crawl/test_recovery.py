"""The web-archive recovery chain as spider callbacks, fed real responses: no network."""

from __future__ import annotations

import json

from scrapy.http import HtmlResponse, Request, TextResponse
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from archiver.crawl.recovery import WebArchiveRecovery, unavailable_brief
from archiver.records import Brief

BRIEF = "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html"
RAW = f"https://web.archive.org/web/20110412083000id_/{BRIEF}"
KWARGS = {"brief_url": BRIEF, "live_error": "DNSLookupError: no such host"}
PAGE = """<html><head><meta name="ArticleTitle" content="工作简报第12期">
<meta name="PubDate" content="2011-04-11 09:30"></head>
<body><div class="TRS_Editor"><p>深入开展创先争优活动。</p></div></body></html>"""


class Recovering(WebArchiveRecovery):
    """The mixin on its own, as a spider would carry it."""


def reply(request: Request, body: bytes | str, **headers: str) -> TextResponse:
    data = body.encode() if isinstance(body, str) else body
    return TextResponse(
        request.url, body=data, request=request, headers=headers, encoding="utf-8"
    )


def failed(request: Request, exc: Exception) -> Failure:
    failure = Failure(exc)
    failure.request = request  # type: ignore[attr-defined]  # as Scrapy sets it for errbacks
    return failure


def test_the_chain_asks_availability_then_fetches_the_id_capture() -> None:
    spider = Recovering()
    first = spider.recover(BRIEF, KWARGS["live_error"])
    assert first.url.startswith("https://archive.org/wayback/available?url=")
    assert first.cb_kwargs == KWARGS
    answer = {"archived_snapshots": {"closest": {"available": True, "status": "200",
              "timestamp": "20110412083000", "url": RAW}}}  # fmt: skip
    capture_request = spider.parse_availability(reply(first, json.dumps(answer)), **KWARGS)
    assert capture_request.url == RAW
    response = HtmlResponse(
        RAW, body=PAGE.encode(), encoding="utf-8", request=capture_request,
        headers={"Memento-Datetime": "Tue, 12 Apr 2011 08:30:00 GMT"},
    )  # fmt: skip
    (brief,) = spider.parse_capture(response, **capture_request.cb_kwargs)
    assert isinstance(brief, Brief)
    assert brief.url == BRIEF and brief.status == "archived"
    assert brief.archived_url == RAW and brief.archived_at == "2011-04-12T08:30:00Z"
    assert brief.provenance["archived_at"] == "Memento-Datetime"
    assert brief.parse_warnings[0] == "live site failed: DNSLookupError: no such host"
    assert "创先争优" in brief.body
    assert brief.capture is not None and brief.capture.http_status == 200


def test_no_availability_answer_asks_cdx_and_none_there_is_unavailable() -> None:
    spider = Recovering()
    first = spider.recover(BRIEF, KWARGS["live_error"])
    cdx = spider.parse_availability(reply(first, '{"archived_snapshots": {}}'), **KWARGS)
    assert cdx.url.startswith("https://web.archive.org/cdx/search/cdx?url=")
    (result,) = spider.parse_cdx(reply(cdx, "[]"), **KWARGS)
    assert isinstance(result, Brief)
    assert result.status == "unavailable"
    assert result.parse_warnings == [
        "live site failed: DNSLookupError: no such host",
        "no capture in the web archive",
    ]


def test_a_cdx_capture_is_fetched_and_failures_fall_through() -> None:
    spider = Recovering()
    first = spider.recover(BRIEF, KWARGS["live_error"])
    cdx = spider.availability_failed(failed(first, DNSLookupError("archive.org")))
    assert cdx.url.startswith("https://web.archive.org/cdx/")
    rows = [["urlkey", "timestamp", "original", "statuscode"],
            ["x", "20110412083000", BRIEF, "200"], ["x", "20110501000000", BRIEF, "404"]]
    (capture,) = spider.parse_cdx(reply(cdx, json.dumps(rows)), **KWARGS)
    assert isinstance(capture, Request) and capture.url == RAW
    lost = spider.archive_failed(failed(capture, DNSLookupError("web.archive.org")))
    assert lost.status == "unavailable"
    assert lost.parse_warnings[1].startswith("web archive failed: DNSLookupError")


def test_an_unavailable_brief_has_its_host_and_no_invented_value() -> None:
    brief = unavailable_brief(BRIEF, "HTTP 404", "no capture in the web archive")
    assert brief.site == "kxfzg.bjedu.gov.cn"
    assert brief.title is None and brief.published is None and brief.body == ""
    assert brief.capture is None
