"""Dates as the pages write them, to ISO 8601.

Pages give ``2011-04-11``, ``2011/4/11``, ``2011.4.11`` or ``2011年4月11日``, sometimes with
``HH:MM[:SS]``. All of these sites are in China, so a time of day is +08:00.
"""

from __future__ import annotations

import re
from datetime import date

BEIJING_OFFSET = "+08:00"

# A date touching an undecodable byte (U+FFFD, a NUL as lxml reads it) is not read: the byte
# may have been one of its digits ("2026-03-2\ufffd6" is no 2 March).
_DATE_TIME = re.compile(
    r"(?<![\d\ufffd])(?P<y>(?:19|20)\d\d)\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*"
    r"(?P<d>\d{1,2})(?![\d\ufffd])(?:\s*日)?"
    # The time must follow the date directly (space, T, or nothing after 日): a lone
    # "10:30" elsewhere on the line belongs to something else.
    r"(?:(?:\s*T\s*|\s+|(?<=日))"
    r"(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2})(?:\s*[:：分]\s*(?P<S>\d{2}))?)?"
)


# The usual meta-line value, "2022-06-10" or "2022-06-10 10:30[:45]" (ASCII digits, a year
# _DATE_TIME accepts): where it matches the whole value, _DATE_TIME's first match is the
# same, and reading it from this simpler pattern costs less.
_PLAIN_DATE_TIME = re.compile(
    r"((?:19|20)[0-9]{2})-([0-9]{2})-([0-9]{2})(?: ([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?"
)


# The usual list date, "2022-06-10" (ASCII digits, a year _DATE_TIME accepts): when valid,
# _DATE_TIME's first match is the whole of it, and _date_part() gives it back unchanged.
_PLAIN_DATE = re.compile(r"(?:19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}")


def _is_date(text: str) -> bool:
    try:
        date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError:
        return False
    return True


def find_date_match(text: str) -> re.Match[str] | None:
    """The first valid calendar date (with any time right after it) in ``text``."""
    for match in _DATE_TIME.finditer(text):
        if _valid(match):
            return match
    return None


def to_iso_date(text: str | None) -> str | None:
    """The first date in ``text`` as ``YYYY-MM-DD``; None when there is none.

    >>> to_iso_date("发布时间:2011年4月11日 10:30")
    '2011-04-11'
    """
    if not text:
        return None
    if len(text) == 10 and _PLAIN_DATE.fullmatch(text) is not None and _is_date(text):
        return text  # a list's usual "2022-06-10": what the general path gives, sooner
    match = find_date_match(text)
    if match is None:
        return None
    return _date_part(match)


def to_iso_datetime(text: str | None) -> str | None:
    """The first date in ``text``, with its time when one follows it.

    ``2011-04-11`` stays a date; ``2011-04-11 10:30`` becomes ``2011-04-11T10:30+08:00`` and
    seconds are kept when given. None when ``text`` holds no valid date.
    """
    if not text:
        return None
    plain = _PLAIN_DATE_TIME.fullmatch(text)
    if plain is not None:
        year, month, day_of_month, hour, minute, second = plain.groups()
        try:
            date(int(year), int(month), int(day_of_month))
        except ValueError:
            pass  # _DATE_TIME may find a valid date further on: the general path decides
        else:
            return _with_time(f"{year}-{month}-{day_of_month}", hour, minute, second)
    match = find_date_match(text)
    if match is None:
        return None
    return _with_time(_date_part(match), *match.group("H", "M", "S"))


def _with_time(day: str, hour: str | None, minute: str | None, second: str | None) -> str:
    if hour is None or minute is None or int(hour) > 23 or int(minute) > 59:
        return day
    clock = f"{int(hour):02d}:{minute}"
    if second is not None and int(second) <= 59:
        clock += f":{second}"
    return f"{day}T{clock}{BEIJING_OFFSET}"


def _valid(match: re.Match[str]) -> bool:
    year, month, day = match.group("y", "m", "d")
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def _date_part(match: re.Match[str]) -> str:
    year, month, day = match.group("y", "m", "d")
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
