"""Every export format loads into pandas with the types an analysis needs: ``published_date``
parses exactly as a date (the local date printed on the page, never shifted to UTC), the
versions are integers; and the SQL fast path of CSV agrees with the Python one."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from archiver.records import Capture
from archiver.records.fields import BY_NAME, EXPORT_SQL, export_value, published_date
from archiver.store import Archive
from archiver.store.tables import DOCUMENTS
from tests.clirunner import run
from tests.factories import make_brief, make_news

EARLY = "https://xww.bucea.edu.cn/zhxw/early.htm"
UNDATED = "https://xww.bucea.edu.cn/zhxw/undated.htm"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pandas") / "archive.db"
    with Archive.open(path, create=True) as archive:
        archive.save_document(make_news())  # 2011-04-11, a date alone
        archive.save_document(make_news(body="第一段\n改了", capture=Capture(
            "2026-12-01T08:00:00Z", 200, "ee" * 32)))  # version 2  # fmt: skip
        archive.save_document(make_news(url=EARLY, published="2011-05-05T01:30+08:00"))
        archive.save_document(make_news(url=UNDATED, published=None))
        archive.save_document(make_brief())
    return path


def _load(db: Path, flag: str) -> pd.DataFrame:
    text = run("export", "--db", str(db), flag).stdout
    if flag in ("--csv", "--format=csv"):
        return pd.read_csv(io.StringIO(text))
    if flag == "--tsv":
        return pd.read_csv(io.StringIO(text), sep="\t")
    return pd.read_json(io.StringIO(text), lines=flag == "--nl")


@pytest.mark.parametrize("flag", ["--csv", "--format=csv", "--tsv", "--json", "--nl"])
def test_each_format_loads_with_dates_and_integer_versions(db: Path, flag: str) -> None:
    df = _load(db, flag).set_index("url")
    assert df["version"].dtype == "int64"
    assert df["extractor_version"].dtype == "int64"
    assert df.loc["https://xww.bucea.edu.cn/zhxw/26536.htm", "version"] == 2
    dates = pd.to_datetime(df["published_date"], format="%Y-%m-%d")  # exact: no guessing
    assert dates.dtype == "datetime64[ns]" or str(dates.dtype).startswith("datetime64")
    assert dates[EARLY] == pd.Timestamp("2011-05-05")  # 01:30 in Beijing is not the 4th
    assert pd.isna(dates[UNDATED])
    assert df.loc[EARLY, "published"] == "2011-05-05T01:30+08:00"  # the precise value beside it


def test_published_date_is_the_printed_date() -> None:
    assert published_date("2011-05-05T01:30+08:00") == "2011-05-05"
    assert published_date("2011-05-06") == "2011-05-06"
    assert published_date(None) is None
    assert published_date("") is None
    assert published_date("2011-05") is None  # no day on the page: none invented
    assert published_date("２０１１-05-06") is None
    assert BY_NAME["published_date"].source == "computed"
    assert not BY_NAME["published_date"].stored


@pytest.mark.parametrize(
    "published", ["2011-05-05T01:30+08:00", "2011-05-06", None, "2011-05", "abcdefghijkl"]
)
@pytest.mark.parametrize("extractor_version", ["1", "12", "1.2", None])
def test_the_sql_of_the_fast_path_is_the_python_value(
    tmp_path: Path, published: str | None, extractor_version: str | None
) -> None:
    news = make_news(published=published)
    news.extractor_version = extractor_version  # type: ignore[assignment]
    row: dict[str, object] = {"published": published, "extractor_version": extractor_version}
    with Archive.open(tmp_path / "a.db", create=True) as archive:
        archive.save_document(news)
        for name, sql in EXPORT_SQL.items():
            (got,) = archive.db.execute(f"SELECT {sql} FROM {DOCUMENTS} d").fetchone()
            assert got == export_value(name, row), name
