"""``archiver parse``: the record a saved page gives, without network or archive."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from archiver.export import BRIEF_FIELDS, COMMON_FIELDS, NEWS_FIELDS
from tests.clirunner import run
from tests.fixtures import PAGES

NEWS = PAGES / "news_2011_zhxw_26536.htm"
BRIEF = PAGES / "brief_kxfzg_2448_gb2312.html"



def test_one_json_line_per_file_with_the_extractor_chosen_by_url() -> None:
    result = run("parse", "--url", "https://xww.bucea.edu.cn/zhxw/26536.htm", str(NEWS), str(NEWS))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    record = json.loads(lines[0])
    assert list(record) == [*COMMON_FIELDS, *NEWS_FIELDS, "family", "file"]
    assert record["family"] == "bucea"  # the first site's profile names its template
    assert record["title"] == "学校召开深入开展创先争优活动推进会"
    assert record["published"] == "2011-04-11"
    assert record["department"] is None
    assert record["sha256"] == hashlib.sha256(NEWS.read_bytes()).hexdigest()
    assert record["file"] == str(NEWS)


def test_a_bureau_url_chooses_the_brief_extractor() -> None:
    url = "http://kxfzg.bjedu.gov.cn/gzjb/2011-04-11/2448.html"
    record = json.loads(run("parse", "--url", url, str(BRIEF)).stdout)
    assert list(record) == [*COMMON_FIELDS, *BRIEF_FIELDS, "family", "file"]
    assert record["kind"] == "brief"
    assert record["source"] and record["title"]


def test_saved_from_comment_names_the_address(tmp_path: Path) -> None:
    saved = tmp_path / "page.html"
    saved.write_bytes(
        b"<!-- saved from url=(0039)https://xww.bucea.edu.cn/zhxw/26536.htm -->\n"
        + NEWS.read_bytes()
    )
    record = json.loads(run("parse", str(saved)).stdout)
    assert record["url"] == "https://xww.bucea.edu.cn/zhxw/26536.htm"
    assert record["kind"] == "news"


def test_errors_are_one_line(tmp_path: Path) -> None:
    plain = tmp_path / "plain.html"
    plain.write_text("<html><body>no address here</body></html>")
    for args, fragment in (
        ([str(plain)], "cannot tell which address"),
        (["--url", "https://xww.bucea.edu.cn/a.htm", str(tmp_path / "missing.html")],
         "cannot read"),
    ):  # fmt: skip
        result = run("parse", *args)
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and fragment in result.stderr
