"""Log hygiene: a site that cannot be reached is a one-line warning, not a traceback."""

from __future__ import annotations

import logging

#: Loggers that print a whole traceback for an unreachable host (robots.txt fetches).
NOISY_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt",)
_NETWORK_ERRORS = (
    "DNSLookupError", "CannotResolveHostError", "ConnectionRefusedError", "ConnectError",
    "TCPTimedOutError", "TimeoutError", "TunnelError", "ConnectionLost", "ResponseNeverReceived",
    "ResponseFailed", "DownloadTimeoutError", "DownloadConnectionRefusedError",
)  # fmt: skip


class NetworkErrorsAsWarnings(logging.Filter):
    """Turns a logged network failure into a one-line warning (its message is kept)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and type(exc).__name__ in _NETWORK_ERRORS:
            record.msg = f"{record.getMessage()}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class ExceptionsAsOneLine(logging.Filter):
    """Any logged exception becomes its one-line summary after the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None:
            summary = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
            record.msg = f"{record.getMessage()} ({summary})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


#: Loggers whose expected failures need no traceback. tldextract (Scrapy's cookie middleware
#: asks it whether a cookie's domain is public) tries to download the public suffix list and,
#: offline or refused, uses the copy it ships: a fact worth one line, not a traceback.
ONE_LINE_LOGGERS = ("tldextract",)


#: Scrapy's loggers of a line per response and per item ("Crawled", "Scraped from"), at DEBUG.
PER_PAGE_LOGGERS = ("scrapy.core.engine", "scrapy.core.scraper")


def quiet_network_tracebacks(level: int | str | None = None) -> None:
    """Install the filters on the noisy loggers (idempotent).

    Given the crawl's ``LOG_LEVEL``, Scrapy's per-page loggers are set to it: a level the
    handlers would drop is then not made into a record at all (two records a page, else).
    """
    for name, kind in [
        *((n, NetworkErrorsAsWarnings) for n in NOISY_LOGGERS),
        *((n, ExceptionsAsOneLine) for n in ONE_LINE_LOGGERS),
    ]:
        logger = logging.getLogger(name)
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())
    if level is not None:
        for name in PER_PAGE_LOGGERS:
            logging.getLogger(name).setLevel(level)


#: The level of a run's start and finish lines: above WARNING, so that the default log (and a
#: ``--log-file``) has them, and named for what they are.
NOTICE = logging.WARNING + 1


def log_run_line(logger: logging.Logger, message: str, *args: object) -> None:
    """Log one of a run's start and finish lines (at :data:`NOTICE`)."""
    if logging.getLevelName(NOTICE) != "NOTICE":
        logging.addLevelName(NOTICE, "NOTICE")
    logger.log(NOTICE, message, *args)
