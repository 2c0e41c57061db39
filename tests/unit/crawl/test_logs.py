"""Log hygiene: expected network failures are one line, never a traceback."""

from __future__ import annotations

import logging

import pytest

from archiver.crawl.logs import quiet_network_tracebacks


def test_a_failed_public_suffix_download_is_one_line(caplog: pytest.LogCaptureFixture) -> None:
    quiet_network_tracebacks()
    quiet_network_tracebacks()  # idempotent
    logger = logging.getLogger("tldextract")
    assert len(logger.filters) == 1
    try:
        raise ConnectionError("502 Bad Gateway\nmore lines")
    except ConnectionError:
        logger.warning("Exception reading Public Suffix List url %s", "https://x/", exc_info=True)
    (record,) = caplog.records
    assert record.exc_info is None
    assert record.getMessage() == (
        "Exception reading Public Suffix List url https://x/ (ConnectionError: 502 Bad Gateway)"
    )
