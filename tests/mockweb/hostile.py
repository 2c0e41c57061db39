"""Worlds that attack the crawler, and worlds that fail it (issue 10), beside the default one.

- :func:`hostile_world`: the default world plus an article (:data:`A_TRAP`, first on 头条新闻)
  whose attachments and images point at this machine, the cloud metadata address, private
  networks, IP addresses in every spelling, a ``user@host`` address and a foreign host; a
  same-site attachment that redirects to the metadata address; a cited brief that redirects
  there; a cited brief whose robots.txt redirects to ``127.0.0.1``; a dead brief whose web-archive
  capture redirects into a private network. Every trap address is served (:data:`TRAP_HOSTS`),
  so a crawler that fetched one would show it in the log, its WARC files and its records.
- :func:`faulty_world`: the default world plus a list (:data:`FAULTY_LIST`) of articles that
  fail in every way a page can fail a crawl (a redirect loop, a response over the size limit,
  a gzip bomb, a PDF, JSON, an empty and a maintenance page, a redirect onto a page already
  fetched) and a good article citing briefs that fail likewise; a list that is a maintenance
  page (:data:`MAINTENANCE_LIST`); and a list whose pages loop (:data:`LOOPING_LIST`).

Nothing here changes what :func:`~tests.mockweb.world.default_world` serves.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import replace
from functools import cache

from tests.mockweb import catalog
from tests.mockweb.archive import WAYBACK_HOST
from tests.mockweb.bureau import JW_HOST, KXFZG_HOST
from tests.mockweb.facts import ArticleFact, BriefFact, Figure, Link, Para, TextUrl
from tests.mockweb.site import NEWS_HOST, NEWS_ROOT, ListEntry, render_article, render_list_page
from tests.mockweb.world import World, build_world, default_world

MOE_HOST = "www.moe.gov.cn"
METADATA = "http://169.254.169.254/latest/meta-data/"

# -- the hostile world --------------------------------------------------------------------------

#: Attachment links that must never be fetched: (URL, what it is).
TRAP_ATTACHMENTS = (
    ("http://127.0.0.1:8080/secret.pdf", "loopback"),
    ("http://169.254.169.254/latest/meta-data/iam.doc", "cloud metadata"),
    ("http://[::1]/secret.pdf", "IPv6 loopback"),
    ("http://2130706433/secret.pdf", "127.0.0.1 as one number"),
    ("http://0x7f.1/secret.pdf", "127.0.0.1 in hex, shortened"),
    ("http://10.0.0.5/secret.pdf", "a private network"),
    ("http://[::ffff:127.0.0.1]/secret.pdf", "IPv4-mapped loopback"),
    ("http://xww.bucea.edu.cn@127.0.0.1/secret.pdf", "the site's name as a user name"),
    ("http://localhost/secret.pdf", "this machine by name"),
    ("https://files.evil.example/secret.pdf", "a foreign host"),
)
#: A same-site attachment that redirects to the metadata address.
TRAP_REDIRECT_FILE = f"{NEWS_ROOT}/__local/T/meta.doc"
#: Images (archived with ``--images``) on the metadata address and a private network.
TRAP_IMAGES = (f"{METADATA}photo.jpg", "http://192.168.1.1/photo.jpg")

#: A live bureau brief that redirects to the metadata address: recorded unavailable.
BRIEF_TRAP_REDIRECT = BriefFact(
    url=f"https://{JW_HOST}/jyzx/jyxw/202207/t20220701_2800001.html", status="unavailable"
)
#: A live bureau brief whose page is a meta refresh to the metadata address: unavailable.
BRIEF_TRAP_REFRESH = BriefFact(
    url=f"https://{JW_HOST}/jyzx/jyxw/202207/t20220702_2800002.html", status="unavailable"
)
#: A brief on a cited host whose robots.txt redirects to 127.0.0.1: still read live.
BRIEF_MOE = BriefFact(
    url=f"http://{MOE_HOST}/jyb_xwfb/s5147/202207/t20220705_643210.html",
    status="live",
    title="教育部召开高校党建工作推进会",
    published="2022-07-05T10:00+08:00",
    source="教育部",
    column="工作动态",
    paragraphs=("7月5日，教育部召开高校党建工作推进会。", "会议部署了下一阶段重点任务。"),
)
#: A dead-site brief whose web-archive capture redirects into a private network.
BRIEF_TRAP_CAPTURE = BriefFact(
    url=f"http://{KXFZG_HOST}/gzjb/2011-07-01/2700.html",
    status="unavailable",
    live_status=502,
    capture_ts="20110705000000",
    in_availability=True,
    title="一份被截获的简报",
    paragraphs=("不应出现在档案里。",),
)
TRAP_BRIEFS = (BRIEF_TRAP_REDIRECT, BRIEF_TRAP_REFRESH, BRIEF_MOE, BRIEF_TRAP_CAPTURE)

A_TRAP = ArticleFact(
    url=f"{NEWS_ROOT}/ttxw/7e57ab1e0c0ffee0000000000000000a.htm",
    title="学校召开2022年网络安全工作会议",
    published="2022-07-06",
    column="头条新闻",
    department="网络信息中心",
    blocks=(
        Para(("7月6日，学校召开2022年网络安全工作会议。",)),
        *(Para((Link(url, f"附件：{what}", "attachment"),)) for url, what in TRAP_ATTACHMENTS),
        Para((Link(TRAP_REDIRECT_FILE, "附件：会议材料.doc", "attachment"),)),
        *(Figure(src, "会议现场") for src in TRAP_IMAGES),
        Para(("相关报道见（", Link(BRIEF_TRAP_REDIRECT.url, "北京市教委", "cite"), "）。")),
        Para(("另见（", Link(BRIEF_TRAP_REFRESH.url, "北京市教委", "cite"), "）。")),
        Para(("教育部报道见（", Link(BRIEF_MOE.url, "教育部", "cite"), "）。")),
        Para(("简报网址：", TextUrl(BRIEF_TRAP_CAPTURE.url))),
    ),
)

#: Every host a trap points at; a crawler must never ask the mock web for any of them.
TRAP_HOSTS = frozenset(
    {"127.0.0.1", "169.254.169.254", "::1", "2130706433", "0x7f.1", "10.0.0.5",
     "::ffff:127.0.0.1", "localhost", "files.evil.example", "192.168.1.1"}
)  # fmt: skip
_SECRET = b"%PDF-1.4 SECRET: this must never be archived\n"


def hostile_world() -> World:
    """A fresh default world plus :data:`A_TRAP`, its traps, and the trap addresses served."""
    ttxw, *others = catalog.SECTIONS
    path, label, (first, *rest) = ttxw
    sections = ((path, label, ((A_TRAP.url, *first), *rest)), *others)
    world = build_world((*catalog.ARTICLES, A_TRAP), sections, (*catalog.BRIEFS, *TRAP_BRIEFS))
    for host in TRAP_HOSTS:  # served, so that a leak would show
        for leaked in ("/secret.pdf", "/latest/meta-data/", "/latest/meta-data/iam.doc",
                       "/photo.jpg", "/robots.txt", "/brief.html"):  # fmt: skip
            world.set_page(host, leaked, _SECRET, "application/pdf")
    world.set_page(
        NEWS_HOST, "/__local/T/meta.doc", b"", status=302, headers={"Location": METADATA}
    )
    world.set_page(
        JW_HOST, _path(BRIEF_TRAP_REDIRECT.url), b"", status=302, headers={"Location": METADATA}
    )
    refresh = f'<html><head><meta http-equiv="refresh" content="0;url={METADATA}"></head></html>'
    world.set_page(JW_HOST, _path(BRIEF_TRAP_REFRESH.url), refresh.encode())
    world.set_page(
        MOE_HOST, "/robots.txt", b"", status=302,
        headers={"Location": "http://127.0.0.1/robots.txt"},
    )  # fmt: skip
    replay = f"/web/{BRIEF_TRAP_CAPTURE.capture_ts}id_/{BRIEF_TRAP_CAPTURE.url}"
    world.set_page(
        WAYBACK_HOST, replay, b"", status=302, headers={"Location": "http://10.0.0.5/brief.html"}
    )
    return world


# -- the faulty world ---------------------------------------------------------------------------

FAULTY_LIST = f"{NEWS_ROOT}/gzdt/index.htm"
MAINTENANCE_LIST = f"{NEWS_ROOT}/xxyw/index.htm"
#: A list whose second page's next page is its first: it never ends.
LOOPING_LIST = f"{NEWS_ROOT}/xsgz/index.htm"
MAINTENANCE_HTML = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>系统维护</title></head>'
    "<body><h1>系统维护中</h1><p>网站正在进行系统维护，请稍后访问。</p></body></html>\n"
).encode()

#: Pages of the faulty list that can only fail: (URL, what the failure line must say).
FAILING_ARTICLES = (
    (f"{NEWS_ROOT}/gzdt/loop.htm", "a redirect loop"),
    (f"{NEWS_ROOT}/gzdt/huge.htm", "the response is larger than 4 MiB, the limit"),
    (f"{NEWS_ROOT}/gzdt/bomb.htm", "the response decompresses to more than 4 MiB, the limit"),
    (f"{NEWS_ROOT}/gzdt/report.htm", "not an HTML page (Content-Type: application/pdf)"),
    (f"{NEWS_ROOT}/gzdt/data.htm", "not an HTML page (Content-Type: application/json)"),
    (f"{NEWS_ROOT}/gzdt/empty.htm", "the page has no title, date or body"),
    (f"{NEWS_ROOT}/gzdt/maintenance.htm", "the page has no title, date or body"),
)
#: An article that redirects to an article of another list, fetched already.
MOVED_ARTICLE = f"{NEWS_ROOT}/gzdt/moved.htm"
MOVED_TO = catalog.A_TEACHERS

#: Briefs of the good article: one redirecting to a brief fetched already, one a gzip bomb,
#: one a redirect loop.
BRIEF_MOVED = BriefFact(
    url=f"https://{JW_HOST}/jyzx/jyxw/202206/t20220610_moved.html",
    status="live",
    title=catalog.BRIEF_JW_LIVE.title,
    published=catalog.BRIEF_JW_LIVE.published,
    source=catalog.BRIEF_JW_LIVE.source,
)
BRIEF_BOMB = BriefFact(url=f"https://{JW_HOST}/jyzx/jyxw/202207/t20220702_bomb.html",
                       status="unavailable")  # fmt: skip
BRIEF_LOOP = BriefFact(url=f"https://{JW_HOST}/jyzx/jyxw/202207/t20220703_loop.html",
                       status="unavailable")  # fmt: skip
#: An attachment that is a gzip bomb far over the attachment limit.
FILE_BOMB = f"{NEWS_ROOT}/__local/G/bomb.doc"

A_GOOD = ArticleFact(
    url=f"{NEWS_ROOT}/gzdt/good.htm",
    title="学校召开2022年暑期工作部署会",
    published="2022-07-08",
    column="工作动态",
    department="党政办公室",
    blocks=(
        Para(("7月8日，学校召开2022年暑期工作部署会。",)),
        Para(("会议精神见（", Link(BRIEF_MOVED.url, "北京市教委", "cite"), "）。")),
        Para(("另见（", Link(BRIEF_BOMB.url, "北京市教委", "cite"), "）。")),
        Para(("又见（", Link(BRIEF_LOOP.url, "北京市教委", "cite"), "）。")),
        Para((Link(FILE_BOMB, "附件：暑期安排.doc", "attachment"),)),
    ),
)


@cache
def gzip_bomb(mib: int = 900) -> bytes:
    """A gzip stream of ``mib`` MiB of zeros in about 1 KB per MiB (900 MiB → 0.9 MB).

    Built from one full-flushed deflate block repeated: each decodes to 1 MiB on its own.
    """
    zeros = b"\0" * (1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    end = deflate.flush()
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (mib << 20) & 0xFFFFFFFF)
    return header + first + block * (mib - 1) + end + trailer


def faulty_world() -> World:
    """A fresh default world plus :data:`FAULTY_LIST`, its pages and briefs, and
    :data:`MAINTENANCE_LIST`."""
    world = default_world()
    entries = [ListEntry(url, f"工作动态 {i}", "2022-07-01") for i, (url, _) in
               enumerate(FAILING_ARTICLES)]  # fmt: skip
    entries += [ListEntry(MOVED_ARTICLE, "迁移的文章", "2022-07-01"),
                ListEntry(A_GOOD.url, A_GOOD.title, A_GOOD.published)]  # fmt: skip
    listing = render_list_page("工作动态", entries, "index.htm", None)
    world.set_page(NEWS_HOST, "/gzdt/index.htm", listing.encode())
    world.set_page(NEWS_HOST, "/xxyw/index.htm", MAINTENANCE_HTML)
    for name, article, next_name in (("index.htm", catalog.A_INTEGRITY, "2.htm"),
                                     ("2.htm", catalog.A_CONTEST, "index.htm")):  # fmt: skip
        entry = ListEntry(article.url, article.title, article.published)
        page = render_list_page("学生工作", [entry], next_name, None)
        world.set_page(NEWS_HOST, f"/xsgz/{name}", page.encode())
    good = replace(A_GOOD, sections=("工作动态",))
    world.set_page(NEWS_HOST, "/gzdt/good.htm", render_article(good, ()).encode())
    _add_failing(world)
    bomb = {"Content-Encoding": "gzip"}
    world.set_page(NEWS_HOST, _path(FILE_BOMB), gzip_bomb(), "application/msword", headers=bomb)
    world.set_page(JW_HOST, _path(BRIEF_BOMB.url), gzip_bomb(), headers=bomb)
    world.set_page(JW_HOST, _path(BRIEF_LOOP.url), b"", status=302,
                   headers={"Location": BRIEF_LOOP.url})  # fmt: skip
    world.set_page(JW_HOST, _path(BRIEF_MOVED.url), b"", status=301,
                   headers={"Location": catalog.BRIEF_JW_LIVE.url})  # fmt: skip
    return world


def _add_failing(world: World) -> None:
    loop, huge, bomb, pdf, data, empty, maintenance = (_path(url) for url, _ in FAILING_ARTICLES)
    world.set_page(NEWS_HOST, loop, b"", status=302, headers={"Location": loop})
    article = render_article(replace(catalog.A_TEACHING, url=f"{NEWS_ROOT}{huge}"), ())
    filler = "<p>" + "很长的正文。" * 300_000 + "</p>"  # 5.4 MB of UTF-8
    world.set_page(NEWS_HOST, huge, article.replace("</body>", filler + "</body>").encode())
    world.set_page(NEWS_HOST, bomb, gzip_bomb(), headers={"Content-Encoding": "gzip"})
    world.set_page(NEWS_HOST, pdf, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n",
                   "application/pdf")  # fmt: skip
    world.set_page(NEWS_HOST, data, b'{"code": 500, "msg": "error"}', "application/json")
    world.set_page(NEWS_HOST, empty, b"")
    world.set_page(NEWS_HOST, maintenance, MAINTENANCE_HTML)
    world.set_page(NEWS_HOST, _path(MOVED_ARTICLE), b"", status=301,
                   headers={"Location": MOVED_TO.url})  # fmt: skip


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]
