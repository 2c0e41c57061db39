"""Date helpers: the ways these pages write dates, to ISO 8601."""

from __future__ import annotations

import pytest

from archiver.extract.dates import to_iso_date, to_iso_datetime


@pytest.mark.parametrize(
    ("text", "date", "datetime"),
    [
        ("2011-04-11", "2011-04-11", "2011-04-11"),
        ("发布时间:2011-04-11 阅读次数:", "2011-04-11", "2011-04-11"),
        ("2011/4/11", "2011-04-11", "2011-04-11"),
        ("2011.4.1", "2011-04-01", "2011-04-01"),
        ("2011年4月11日", "2011-04-11", "2011-04-11"),
        ("日期：2011 年 4 月 11 日", "2011-04-11", "2011-04-11"),
        ("2022-06-10 10:30", "2022-06-10", "2022-06-10T10:30+08:00"),
        ("2012-05-08 09:15:30", "2012-05-08", "2012-05-08T09:15:30+08:00"),
        ("2019-09-18 6:23", "2019-09-18", "2019-09-18T06:23+08:00"),
        ("2012-06-04T09:20:26", "2012-06-04", "2012-06-04T09:20:26+08:00"),
        ("2011年4月11日10:30", "2011-04-11", "2011-04-11T10:30+08:00"),
        ("2011年4月11日 10时30分", "2011-04-11", "2011-04-11T10:30+08:00"),
        ("2022-06-10：10:30", "2022-06-10", "2022-06-10"),  # not a time right after the date
        ("2022-06-10 阅读次数: 10:30", "2022-06-10", "2022-06-10"),
        ("2022-06-10 25:30", "2022-06-10", "2022-06-10"),  # no such hour
        ("2022-06-10 10:30:61", "2022-06-10", "2022-06-10T10:30+08:00"),
        ("2011-02-30 见 2011-03-01", "2011-03-01", "2011-03-01"),  # first *valid* date
        ("12011-04-11", None, None),
        ("2011-04-111", None, None),
        ("阅读次数:", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_dates(text: str | None, date: str | None, datetime: str | None) -> None:
    assert to_iso_date(text) == date
    assert to_iso_datetime(text) == datetime


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2024-02-29", "2024-02-29"),
        ("1999-12-31", "1999-12-31"),
        ("2023-02-29", None),  # no such day
        ("2022-13-01", None),
        ("2022-00-10", None),
        ("2022-06-00", None),
        ("1899-06-10", None),  # a year no page writes
        ("2100-06-10", None),
        ("２022-06-10", None),  # full-width digits are no date
    ],
)
def test_plain_list_dates(text: str, date: str | None) -> None:
    # a list's usual YYYY-MM-DD, read the quick way, as the general search reads it
    assert to_iso_date(text) == date
    assert to_iso_date(f"日期：{text}") == date
