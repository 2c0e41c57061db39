"""``archiver crawl --redis`` and ``archiver worker`` on bad input: one line, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clirunner import run
from tests.redisserver import redis_server


def test_a_redis_url_that_is_none_is_one_line(tmp_path: Path) -> None:
    result = run("crawl", "--db", str(tmp_path / "a.db"), "--redis", "localhost:6379")
    assert result.exit_code == 2
    assert "is no Redis URL" in result.output
    assert not (tmp_path / "a.db").exists()


def test_a_redis_that_does_not_answer_is_one_line(tmp_path: Path) -> None:
    url = f"unix://{tmp_path / 'nobody.sock'}"
    result = run("crawl", "--db", str(tmp_path / "a.db"), "--redis", url)
    assert result.exit_code == 1
    assert result.output.startswith("archiver: error: unix://")
    assert "Traceback" not in result.output
    result = run("worker", "--redis", url, "--wait", "0")
    assert result.exit_code == 1 and "Traceback" not in result.output


@pytest.mark.parametrize("name", ["../x", "a b", "", "-x"])
def test_a_worker_name_is_a_file_name_part(name: str) -> None:
    result = run("worker", "--redis", "redis://localhost:6379/0", "--name", name)
    assert result.exit_code == 2
    assert "--name" in result.output


def test_a_worker_with_no_crawl_to_join_gives_up_after_wait(tmp_path: Path) -> None:
    with redis_server(tmp_path / "redis") as url:
        result = run("worker", "--redis", url, "--wait", "0")
    assert result.exit_code == 1
    assert "no crawl is running" in result.output
