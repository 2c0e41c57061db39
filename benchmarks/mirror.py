"""A fast local mirror for crawl benchmarks: the mock web's pages, served by an asyncio proxy
in a process of its own.

    python -m benchmarks.mirror --articles 10000 [--hosts 20] [--latency 0.2]

The pages are those of :func:`tests.mockweb.world.build_world` (the news site's lists and
articles, rendered from facts), made without cited briefs or attachments so that a crawl of
the mirror fetches list and article pages only. The server is an HTTP proxy for plain
``http://`` URLs (absolute-form requests, keep-alive, conditional requests answered with 304
as the mock web does): one asyncio loop, so many clients at once cost it little, and it
answers each request after ``--latency`` seconds without holding up the others (``--log``
notes the time of each answer). With
``--hosts N`` the same site is served under ``site01.mirror.test`` … as well as under its own
name (its links are relative, so a crawl of one host stays on it).

The first line printed on stdout is the proxy's URL. :class:`Mirror` starts and stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from types import TracebackType
from typing import IO
from urllib.parse import urlsplit

from tests.mockweb import World
from tests.mockweb.facts import ArticleFact, Para
from tests.mockweb.messages import Page, build_reply
from tests.mockweb.site import NEWS_HOST, NEWS_ROOT
from tests.mockweb.world import build_world

PER_PAGE = 20
REPO = Path(__file__).resolve().parents[1]


def host_name(i: int) -> str:
    """The name of the ``i``-th extra host (from 1) that serves the same site."""
    return f"site{i:02d}.mirror.test"


def article(i: int) -> ArticleFact:
    """Article ``i`` of the mirror: newest first, a few a day, about 2 KB of body text."""
    hex_id = hashlib.md5(f"article-{i}".encode()).hexdigest()
    day = date(2022, 6, 30) - timedelta(days=i // 3)
    return ArticleFact(
        url=f"{NEWS_ROOT}/ttxw/{hex_id}.htm",
        title=f"学校举行第{i + 1}次专题活动",
        published=day.isoformat(),
        column="头条新闻",
        department="宣传部" if i % 2 else None,
        blocks=(
            Para((f"{day.month}月{day.day}日，学校举行第{i + 1}次专题活动，师生踊跃参加。",)),
            Para(("活动内容丰富，形式多样，取得了良好效果。" * 12,)),
            Para((f"本次活动是学校第{i + 1}次专题活动，共有{100 + i % 400}名师生参加。" * 4,)),
        ),
    )


def mirror_world(n_articles: int) -> World:
    """The news site with ``n_articles`` articles over two paged sections (every third
    article listed twice), no briefs."""
    articles = [article(i) for i in range(n_articles)]
    ttxw = [a.url for a in articles]
    zhxw = [a.url for i, a in enumerate(articles) if i % 3 == 0]
    sections = (("ttxw", "头条新闻", _chunks(ttxw)), ("zhxw", "综合新闻", _chunks(zhxw)))
    return build_world(articles, sections, ())


def _chunks(urls: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(urls[i : i + PER_PAGE]) for i in range(0, len(urls), PER_PAGE))


def start_urls(host: str = NEWS_HOST) -> list[str]:
    """The mirror's section lists on ``host``, over plain HTTP."""
    return [f"http://{host}/ttxw/index.htm", f"http://{host}/zhxw/index.htm"]


def page_count(n_articles: int) -> int:
    """Pages a crawl of the mirror fetches on one host: lists, articles and robots.txt."""
    listed_twice = (n_articles + 2) // 3  # every third article, from the first
    lists = _pages(n_articles) + _pages(listed_twice)
    return n_articles + lists + 1


def _pages(items: int) -> int:
    return max(1, (items + PER_PAGE - 1) // PER_PAGE)


class _Server:
    def __init__(self, world: World, hosts: int, latency: float, log: IO[str] | None):
        self.world = world
        self.aliases = {host_name(i): NEWS_HOST for i in range(1, hosts + 1)}
        self.latency = latency
        self.log = log

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _version = lines[0].split(" ", 2)
                headers = dict(
                    line.split(": ", 1) for line in lines[1:] if ": " in line
                )  # fmt: skip
                if self.latency:
                    await asyncio.sleep(self.latency)
                writer.write(self.answer(method, target, headers))
                if self.log is not None:
                    print(f"{time.time():.3f} {target}", file=self.log, flush=True)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    def answer(self, method: str, target: str, headers: dict[str, str]) -> bytes:
        parts = urlsplit(target)
        host = (parts.hostname or headers.get("Host", "")).lower()
        page = self.world.page(self.aliases.get(host, host), parts.path or "/")
        reply = build_reply(page or Page(b"not found", "text/plain", 404), method, headers)
        lines = [f"HTTP/1.1 {reply.status} X"] + [f"{n}: {v}" for n, v in reply.headers]
        if reply.status == 304:
            lines.append("Content-Length: 0")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + reply.body


async def _serve(world: World, hosts: int, latency: float, log: IO[str] | None) -> None:
    server = _Server(world, hosts, latency, log)
    listening = await asyncio.start_server(server.handle, "127.0.0.1", 0, backlog=1024)
    port = listening.sockets[0].getsockname()[1]
    print(f"http://127.0.0.1:{port}", flush=True)
    async with listening:
        await listening.serve_forever()


class Mirror:
    """The mirror server in a child process; a context manager. ``env()`` routes a crawl to it."""

    def __init__(
        self, articles: int, *, hosts: int = 0, latency: float = 0.0, log: Path | None = None
    ):
        self.args = ["--articles", str(articles), "--hosts", str(hosts), "--latency", str(latency)]
        self.args += ["--log", str(log)] if log else []
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""
        self.log = log or Path(os.devnull)

    def __enter__(self) -> Mirror:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.mirror", *self.args],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url:
            sys.exit("the mirror server did not start")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def env(self) -> dict[str, str]:
        """The environment of a crawl through the mirror."""
        names = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")
        env = {**os.environ} | dict.fromkeys(names, self.url)
        env.update(no_proxy="", NO_PROXY="")
        env.pop("ARCHIVER_DB", None)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--log", type=Path, help="append a line per answer: time, URL")
    args = parser.parse_args()
    world = mirror_world(args.articles)
    log = args.log.open("a", encoding="utf-8") if args.log else None
    try:
        asyncio.run(_serve(world, args.hosts, args.latency, log))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
