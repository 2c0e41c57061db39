"""Records and archives with known contents, for the tests that need a few of them.

``make_news`` / ``make_brief``: one news article and the brief it cites, with any field changed
by keyword. ``make_archive``: an archive file holding ``RECORDS`` (three articles, two briefs),
the one ``archiver serve`` and the browser test are checked against.
"""

from __future__ import annotations

from pathlib import Path

from archiver.records import Brief, Capture, Citation, Document, News
from archiver.store import Archive

# -- one article and the brief it cites ------------------------------------------------------

NEWS_URL = "https://xww.bucea.edu.cn/zhxw/26536.htm"
BRIEF_URL = "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html"


def make_news(**changes: object) -> News:
    news = News(
        url=NEWS_URL,
        site="xww.bucea.edu.cn",
        title="我校召开创先争优活动推进会",
        published="2011-04-11",
        body="第一段\n第二段",
        sections=["综合新闻"],
        cites=[Citation(BRIEF_URL, "text")],
        attachments=["https://xww.bucea.edu.cn/docs/a.doc"],
        provenance={"title": "h2.detail-title"},
        capture=Capture("2026-11-28T10:00:00Z", 200, "ab" * 32),
    )
    for name, value in changes.items():
        setattr(news, name, value)
    return news


def make_brief(status: str = "archived", **changes: object) -> Brief:
    brief = Brief(
        url=BRIEF_URL,
        site="kxfzg.bjedu.gov.cn",
        title="工作简报第12期",
        published="2011-04-11",
        body="简报正文",
        source="北京市教育工委",
        status=status,  # type: ignore[arg-type]
        archived_url=f"https://web.archive.org/web/20110412083000id_/{BRIEF_URL}",
        archived_at="2011-04-12T08:30:00Z",
        capture=Capture("2026-11-28T10:00:01Z", 200, "cd" * 32),
    )
    for name, value in changes.items():
        setattr(brief, name, value)
    return brief


# -- an archive with known records -----------------------------------------------------------

NEWS_2011 = "https://xww.bucea.edu.cn/zhxw/26536.htm"
NEWS_2012 = "https://xww.bucea.edu.cn/ttxw/28811.htm"
NEWS_ODD = "https://xww.bucea.edu.cn/zhxw/30000.htm"
BRIEF_ARCHIVED = "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html"
BRIEF_LIVE = "https://jw.beijing.gov.cn/xxgk/gzjb/t20120301.html"

RECORDS: list[Document] = [
    News(
        url=NEWS_2011, site="xww.bucea.edu.cn", title="我校召开创先争优活动推进会",
        published="2011-04-11", body="会议传达了市委教育工委工作简报精神。\n党委书记讲话。",
        sections=["综合新闻"], department="党委办公室",
        cites=[Citation(BRIEF_ARCHIVED, "text"), Citation(BRIEF_LIVE, "link")],
    ),
    News(
        url=NEWS_2012, site="xww.bucea.edu.cn", title="学校举行新年联欢会",
        published="2012-01-01T19:30+08:00", body="师生同台演出。",
        sections=["头条新闻", "综合新闻"], department="校工会",
    ),
    News(
        url=NEWS_ODD, site="xww.bucea.edu.cn", title="<b>简报</b> & “党”的声音",
        published="2013-05-04", body="标题里有尖括号。", sections=["综合新闻"],
    ),
    Brief(
        url=BRIEF_ARCHIVED, site="kxfzg.bjedu.gov.cn", title="工作简报第12期",
        published="2011-04-11", body="简报正文：深入开展创先争优活动。",
        source="北京市教育工委", status="archived",
        archived_url=f"https://web.archive.org/web/20110412083000id_/{BRIEF_ARCHIVED}",
        archived_at="2011-04-12T08:30:00Z",
    ),
    Brief(
        url=BRIEF_LIVE, site="jw.beijing.gov.cn", title="北京教育工作简报2012年第3期",
        published="2012-03-01", body="本期要目。", source="北京市教育委员会", status="live",
    ),
]  # fmt: skip


def make_archive(path: Path) -> Path:
    """A new archive at ``path`` holding ``RECORDS``."""
    with Archive.open(path, create=True) as archive:
        for record in RECORDS:
            archive.save_document(record)
    return path
