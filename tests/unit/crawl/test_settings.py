"""The crawl is polite by default, and its retries back off."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scrapy.http import Request, Response
from scrapy.utils.conf import build_component_list

from archiver import __version__
from archiver.crawl.retry import BackoffRetryMiddleware
from archiver.crawl.run import crawl_settings


def test_polite_defaults(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path / "a.db", {"ARCHIVER_BUREAU_HOSTS": ["*.bjedu.gov.cn"]})
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings["USER_AGENT"].startswith(f"edu-news-archiver/{__version__} (+https://")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert settings.getfloat("DOWNLOAD_DELAY") >= 0.5
    assert settings.getint("RETRY_TIMES") == 3
    assert settings.getfloat("RETRY_BACKOFF_BASE") == 2.0
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert "archiver.crawl.retry.BackoffRetryMiddleware" in middlewares
    assert "archiver.crawl.capture.WarcCaptureMiddleware" in middlewares
    assert settings["ARCHIVER_DB"] == str((tmp_path / "a.db").resolve())
    assert settings.getlist("ARCHIVER_BUREAU_HOSTS") == ["*.bjedu.gov.cn"]


def test_overrides_win(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path / "a.db", {"DOWNLOAD_DELAY": "3"})
    assert settings.getfloat("DOWNLOAD_DELAY") == 3


def retry(tries: int) -> Request:
    return Request("https://xww.bucea.edu.cn/", meta={"retry_times": tries})


def test_back_off_doubles_and_is_capped(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path / "a.db")
    middleware = BackoffRetryMiddleware(settings, base=2.0, cap=60.0)
    assert [middleware.delay(retry(n)) for n in (1, 2, 3, 4, 7)] == [2, 4, 8, 16, 60]


def test_retry_after_is_honoured_up_to_the_cap(tmp_path: Path) -> None:
    middleware = BackoffRetryMiddleware(crawl_settings(tmp_path / "a.db"), base=1, cap=30)
    url = "https://xww.bucea.edu.cn/"
    assert (
        middleware.delay(retry(1), Response(url, status=503, headers={"Retry-After": "12"})) == 12
    )
    assert (
        middleware.delay(retry(1), Response(url, status=429, headers={"Retry-After": "999"})) == 30
    )
    # an HTTP-date Retry-After is not a number of seconds: the back-off stands
    dated = Response(url, status=503, headers={"Retry-After": "Fri, 31 Dec 1999 23:59:59 GMT"})
    assert middleware.delay(retry(2), dated) == 2


def test_components_fall_back_on_the_one_default() -> None:
    """A component outside the archiver's settings (a plain Scrapy project) gets the defaults
    of archiver/crawl/settings.py, not literals of its own."""
    from scrapy.utils.test import get_crawler

    from archiver.crawl import settings as default

    middleware = BackoffRetryMiddleware.from_crawler(get_crawler())
    assert (
        (middleware.base, middleware.cap)
        == (
            default.RETRY_BACKOFF_BASE,
            default.RETRY_BACKOFF_MAX,
        )
        == (2.0, 60.0)
    )


def test_a_profiles_politeness_becomes_download_slots_of_its_hosts() -> None:
    from archiver.crawl.run import politeness_settings
    from archiver.sites import SiteProfile

    polite = SiteProfile(
        name="slow", title="slow", family="auto", hosts=("news.slow.edu.cn", "*.slow.edu.cn"),
        delay=3.0, concurrency=1,
    )  # fmt: skip
    plain = SiteProfile(name="plain", title="plain", family="auto", hosts=("news.a.edu.cn",))
    assert politeness_settings([polite, plain]) == {
        "DOWNLOAD_SLOTS": {"news.slow.edu.cn": {"delay": 3.0, "concurrency": 1}}
    }
    assert politeness_settings([plain]) == {}


def test_no_way_into_a_running_crawl_and_no_idle_middlewares(tmp_path: Path) -> None:
    # what Scrapy builds from the settings: its remote control (an HTTP server running the
    # code it is sent, on by default since Scrapy 2.19) and the telnet console are not among
    # the extensions; middlewares that do nothing for these spiders are not among theirs
    settings = crawl_settings(tmp_path / "a.db", {})
    extensions = build_component_list(settings.getwithbase("EXTENSIONS"))
    assert "scrapy.extensions.remote_control.RemoteControl" not in extensions
    assert not settings.getbool("REMOTE_CONTROL_ENABLED")
    assert not settings.getbool("TELNETCONSOLE_ENABLED")
    downloader = build_component_list(settings.getwithbase("DOWNLOADER_MIDDLEWARES"))
    assert "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware" not in downloader
    assert "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware" not in downloader
    assert "archiver.crawl.scope.ScopeMiddleware" in downloader
    spider = build_component_list(settings.getwithbase("SPIDER_MIDDLEWARES"))
    assert "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware" not in spider
    assert "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware" in spider


def test_the_crawls_settings_load_no_remote_control(tmp_path: Path) -> None:
    # a fresh interpreter: resolving the extensions as Scrapy does imports neither the remote
    # control's module nor the aiohttp it serves with (a fifth of a second of every start)
    code = (
        "import sys; from pathlib import Path; from archiver.crawl.run import crawl_settings; "
        f"s = crawl_settings(Path({str(tmp_path / 'a.db')!r}), {{}}); "
        "from scrapy.utils.conf import build_component_list; "
        "build_component_list(s.getwithbase('EXTENSIONS')); "
        "print(sorted(m for m in sys.modules "
        "            if m.startswith(('aiohttp', 'scrapy.extensions.remote_control'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
