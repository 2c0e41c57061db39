"""What the archive holds, published into a real redis-server for workers that have no
archive: the answers are the archive's own (:class:`ArchivedPages`), one URL at a time."""

from __future__ import annotations

from pathlib import Path

import redis

from archiver.distributed.keys import Keys
from archiver.distributed.known import RedisIndex, publish
from archiver.store import Archive, utc_now
from archiver.store.known import ArchivedPages
from tests.factories import BRIEF_URL, NEWS_URL, make_brief, make_news
from tests.redisserver import redis_server


def test_the_published_facts_answer_as_the_archive_does(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with Archive.open(db, create=True) as archive:
        archive.save_document(make_news())
        archive.save_document(make_brief(url=BRIEF_URL, status="archived"))
        archive.mark_list_walked("https://xww.bucea.edu.cn/zhxw/index.htm", utc_now())
    asked = [NEWS_URL, BRIEF_URL, "https://xww.bucea.edu.cn/zhxw/9.htm"]
    lists = ["https://xww.bucea.edu.cn/zhxw/index.htm", "https://xww.bucea.edu.cn/ttxw/index.htm"]
    with redis_server(tmp_path / "redis") as url:
        server = redis.Redis.from_url(url)
        assert publish(server, Keys("t"), db) == 2
        shared = RedisIndex(server, Keys("t"))
        with ArchivedPages(db, snapshot=True) as own:
            for page_url in asked:
                assert shared.page(page_url) == own.page(page_url)
                assert shared.citations(page_url) == own.citations(page_url)
                assert shared.has_file(page_url) == own.has_file(page_url)
            for list_url in lists:
                assert shared.list_walked(list_url) == own.list_walked(list_url)
        found = shared.page(NEWS_URL)
        assert found is not None and found.kind == "news"
        assert shared.citations(NEWS_URL) == [BRIEF_URL]
        assert shared.list_walked(lists[0]) and not shared.list_walked(lists[1])
