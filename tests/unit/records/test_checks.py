"""Whether a fetched record is a page at all, and whether it may replace a stored copy."""

from __future__ import annotations

import pytest

from archiver.records import Brief, Capture, News
from archiver.records.checks import lost_content, page_problem

URL = "https://xww.bucea.edu.cn/zhxw/26536.htm"


def news(content_type: str | None = "text/html; charset=utf-8", **fields: object) -> News:
    capture = Capture("2026-12-01T00:00:00Z", 200, "00" * 32, content_type)
    record = News(url=URL, site="xww.bucea.edu.cn", capture=capture)
    for name, value in fields.items():
        setattr(record, name, value)
    return record


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        (news(title="标题", published="2022-06-10", body="正文"), None),
        (news(title="标题", body="正文"), None),  # no date: pages without one exist
        (news(title="标题", published="2022-06-10"), None),  # a photo story: no text
        (news(None, title="标题", body="正文"), None),  # no Content-Type: the page decides
        (news("application/xhtml+xml", title="标题", body="正文"), None),
        (news(), "the page has no title, date or body"),
        (news(body="   \n"), "the page has no title, date or body"),
        (news(title="系统维护"), "the page has only a title, no article"),
        (news(body="%PDF-1.4 garbage"), "the page has only a body, no article"),
        (news("application/pdf", title="标题", body="正文"),
         "not an HTML page (Content-Type: application/pdf)"),
        (news("application/json; charset=utf-8", title="标题", body="正文"),
         "not an HTML page (Content-Type: application/json)"),
        (news(title="系统维护中", body="网站正在进行系统维护，请稍后访问。"),
         "a maintenance or error notice, not an article"),
        # a dated notice about maintenance is an article
        (news(title="关于校园网系统维护的通知", published="2022-06-10",
              body="因系统升级，校园网将于6月11日进行系统维护。"), None),
    ],
)  # fmt: skip
def test_what_is_no_page(record: News, problem: str | None) -> None:
    found = page_problem(record)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem), found


def test_a_record_of_a_failure_is_no_problem() -> None:
    lost = Brief(url="http://kxfzg.bjedu.gov.cn/gzjb/2611.html", site="kxfzg.bjedu.gov.cn",
                 status="unavailable", parse_warnings=["live site failed: HTTP 502"])  # fmt: skip
    assert page_problem(lost) is None


def test_a_copy_may_not_lose_the_stored_title_or_body() -> None:
    stored = {"title": "标题", "body": "正文"}
    assert lost_content({"title": "标题", "body": "新的正文"}, stored) is None
    assert lost_content({"title": "标题", "body": ""}, stored) == (
        "the new copy has no body; the stored copy is kept"
    )
    assert lost_content({"title": None, "body": "正文"}, stored) == (
        "the new copy has no title; the stored copy is kept"
    )
    assert lost_content({"title": "标题", "body": ""}, {"title": "标题", "body": None}) is None
