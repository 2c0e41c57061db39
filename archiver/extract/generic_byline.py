"""The byline of a page of no known template: the lines between the heading and the body
(and the body's own lines before its first paragraph), and the date and source they print.

A date is read only from these lines: never from the URL, a footer, a "today" widget or a
sidebar, which are all elsewhere on the page."""

from __future__ import annotations

import re
from collections.abc import Sequence

from archiver.extract.dates import find_date_match, to_iso_datetime
from archiver.extract.labels import first_value, has_label, split_labelled
from archiver.extract.text import MARK, Element, normalise_space, text_lines, text_of

#: Labels of the publication date.
DATE_LABELS = (
    "发布时间", "发布日期", "发表时间", "发表日期", "发稿时间", "发文日期", "成文日期",
    "上传时间", "录入时间", "添加时间", "时间", "日期",
)  # fmt: skip
#: Dates of other things than the publication: read as labels (so that no value runs into
#: them) but never as the date.
OTHER_DATE_LABELS = (
    "更新时间", "更新日期", "修改时间", "浏览时间", "截止时间", "活动时间", "会议时间",
    "报名时间",
)  # fmt: skip
#: Byline labels, in the order a value is preferred (SITES.md §6: 来源 names the
#: department on university sites, the outlet elsewhere).
SOURCE_LABELS = (
    "稿件来源", "信息来源", "文章来源", "新闻来源", "来源", "供稿单位", "供稿", "发布单位",
    "发布部门", "发布者", "发布人", "作者",
)  # fmt: skip
#: Publication-date labels that name nothing else (the bare 时间/日期 may be an event's).
STRONG_DATE_LABELS = tuple(label for label in DATE_LABELS if label not in ("时间", "日期"))
_BYLINE_ONLY = (
    "责任编辑", "责编", "编辑", "审核", "审稿", "选稿", "校对", "监制", "摄影", "撰稿",
    "通讯员", "记者", "点击数", "点击", "浏览次数", "浏览量", "浏览", "阅读次数", "阅读量",
    "阅读", "访问量", "访问次数", "字号", "字体", "打印", "分享到", "分享",
)  # fmt: skip
#: Every label a byline may hold, so that no value swallows the next label.
LINE_LABELS = DATE_LABELS + OTHER_DATE_LABELS + SOURCE_LABELS + _BYLINE_ONLY
#: Labels that mark a line as a byline (and not, say, a notice's 时间：/地点：).
BYLINE_LABELS = STRONG_DATE_LABELS + SOURCE_LABELS + _BYLINE_ONLY

# A "today" widget: "今天是2024年5月20日 星期一". (A weekday alone is no sign: bylines
# print one too; a widget without these words sits in the page header, never read.)
_TODAY = re.compile(r"今天是|今日是|今天：|今日：|当前时间|现在时间|现在是")
# A date split over elements: "05" then "2024.03" (a day badge), or the other way round.
_DAY_THEN_MONTH = re.compile(r"^(\d{1,2})\s*[/|]?\s*((?:19|20)\d\d)\s*[-./年]\s*(\d{1,2})\s*月?$")
_MONTH_THEN_DAY = re.compile(r"^((?:19|20)\d\d)\s*[-./年]\s*(\d{1,2})\s*月?\s*[/|]?\s*(\d{1,2})$")
_PROSE = re.compile(r"[，。；！？]")
_LABEL_END = re.compile(r"[:：]")
_META_LINE_MAX = 120
# An unlabelled date is read from a line holding little else ("2024-05-20 10:30 手机版").
_DATE_LINE_REST = 16
_SOURCE_MAX = 40
# A byline sits within a few lines after the heading, or at the top of the body.
_BYLINE_LINES = 8
_BODY_LEAD_LINES = 5
_AFTER_BODY_LINES = 4
_FIRST_PARAGRAPH = 40


def byline_lines(heading: Element | None, heading_text: str, body: Element | None) -> list[str]:
    """The lines where a byline is printed, nearest the heading first: those after the
    heading up to the body, then the two just before the heading (a date badge); without
    a heading, the last lines before the body. Only that stretch of the page is walked."""
    if body is None:
        return []
    if heading is None:
        return _lines_before(body, 4) or _lines_before(body.getparent(), 4)
    if _inside(heading, body):
        return []
    lines = _lines_after_heading(heading, heading_text, body)[:_BYLINE_LINES]
    return [*lines, *_lines_before(heading, 2)]


def lead_lines(body: Element, heading: Element | None) -> list[str]:
    """The body's own byline lines before its first paragraph: when the body holds the
    heading, the lines after it; else lines with a byline label, or a date and little
    else (a notice that opens with "时间：…  地点：…" gives none)."""
    inside = heading is not None and _inside(heading, body)
    own = text_lines(body, mark=heading) if inside else text_lines(body)
    if inside and MARK in own:
        own = own[own.index(MARK) + 1 :]
    lines = []
    for line in own[:_BODY_LEAD_LINES]:
        if _PROSE.search(line) and len(line) > _FIRST_PARAGRAPH:
            break
        if inside or is_byline(line) or date_only(line, unlabelled=True):
            lines.append(line)
    return lines


def after_body_lines(body: Element) -> list[str]:
    """The first lines after the body in its parent (a byline printed below the text)."""
    lines: list[str] = []
    for sibling in body.itersiblings():
        lines.extend(_own_lines(sibling))
        lines.extend(_tail(sibling))
        if len(lines) >= _AFTER_BODY_LINES:
            break
    return [*_tail(body), *lines][:_AFTER_BODY_LINES]


def is_byline(line: str) -> bool:
    """True for a line holding a byline label (来源：, 发布时间：, 浏览次数：…)."""
    return has_label(line, BYLINE_LABELS)


def date_only(line: str, *, unlabelled: bool = False) -> bool:
    """True for a line that is a date and little else ("2024-05-20 10:30", "[2011年5月4日]",
    "原创：某网 2024-04-23"); ``unlabelled``: and under no label at all (inside a body, a
    notice's "时间：2024年5月28日 14:30" is the event's)."""
    match = find_date_match(line)
    if match is None or _PROSE.search(line):
        return False
    if unlabelled and _LABEL_END.search(line, 0, match.start()):
        return False
    return len(line) - (match.end() - match.start()) <= _DATE_LINE_REST


def _inside(el: Element, ancestor: Element) -> bool:
    return any(a is ancestor for a in el.iterancestors())


def _lines_after_heading(heading: Element, heading_text: str, body: Element) -> list[str]:
    # The heading block's own lines after the title (a block may hold the byline too),
    # then what follows it in document order up to the body: up from the heading to the
    # ancestor it shares with the body, then down to the body.
    lines = _after_title(text_lines(heading, mark=body), heading_text)
    if _inside(body, heading):  # (unclosed heading tags: the body inside the heading)
        return lines
    on_path = {body, *body.iterancestors()}
    node: Element | None = heading
    while node is not None and node not in on_path:
        lines.extend(_tail(node))
        for sibling in node.itersiblings():
            if sibling in on_path:
                lines.extend(_lines_down_to(sibling, body, on_path))
                return lines
            lines.extend(_own_lines(sibling))
            lines.extend(_tail(sibling))
            if len(lines) >= _BYLINE_LINES:
                return lines
        node = node.getparent()
    return lines


def _lines_down_to(top: Element, body: Element, on_path: set[Element]) -> list[str]:
    # The lines of ``top`` before the body, which it holds (``on_path``: the body and its
    # ancestors).
    lines: list[str] = []
    node = top
    while node is not body:
        text = normalise_space(node.text or "")
        if text:
            lines.append(text)
        for child in node:
            if child in on_path:
                node = child
                break
            lines.extend(_own_lines(child))
            lines.extend(_tail(child))
        else:
            break
    return lines


def _after_title(lines: list[str], heading_text: str) -> list[str]:
    lines = _until_mark(lines)
    at = _last_index(lines, heading_text)
    return lines[at + 1 :] if at >= 0 else []


def _lines_before(el: Element | None, count: int) -> list[str]:
    # The last ``count`` lines of the elements just before ``el`` in its parent.
    lines: list[str] = []
    if el is None:
        return lines
    for sibling in el.itersiblings(preceding=True):
        lines[:0] = _own_lines(sibling) + _tail(sibling)
        if len(lines) >= count:
            break
    return lines[-count:]


def _own_lines(el: Element) -> list[str]:
    # The lines of ``el`` without a list of dated headlines ("学校召开教学工作会议
    # 2024-04-08": links with a date beside each, a column of other articles).
    lines = text_lines(el)
    headlines = {_squash(text_of(a)) for a in el.iter("a")} if len(lines) else set()
    if not headlines:
        return lines
    dated = [_dated_headline(line, headlines) for line in lines]
    if sum(dated) < 2:  # one is a byline with its source linked: "2024-05-10 新浪财经"
        return lines
    return [line for line, headline in zip(lines, dated, strict=True) if not headline]


def _dated_headline(line: str, headlines: set[str]) -> bool:
    date = find_date_match(line)
    if date is None:
        return False
    rest = _squash(line[: date.start()] + line[date.end() :]).strip("[]()（）【】|·-")
    return bool(rest) and rest in headlines


def _squash(text: str) -> str:
    return "".join(text.split())


def _tail(el: Element) -> list[str]:
    tail = normalise_space(el.tail or "")
    return [tail] if tail else []


def _until_mark(lines: list[str]) -> list[str]:
    return lines[: lines.index(MARK)] if MARK in lines else lines


def _last_index(lines: list[str], text: str) -> int:
    squashed = "".join(text.split())
    for i in range(len(lines) - 1, -1, -1):
        line = "".join(lines[i].split())
        if line and (squashed in line or (len(line) >= 4 and line in squashed)):
            return i
    return -1


def date_from_lines(
    lines: Sequence[str], labels: Sequence[str] = DATE_LABELS, *, unlabelled: bool = True
) -> tuple[str, str] | None:
    """``(ISO date, rule)`` from byline lines: a date under one of ``labels`` first, then
    (``unlabelled``) a short line that is only a date, or a date beside byline labels."""
    usable = [line for line in lines if _usable(line)]
    for line in usable:
        for label, value in split_labelled(line, LINE_LABELS):
            if label in labels:
                iso = to_iso_datetime(value)
                if iso:
                    return iso, f"generic:meta-line:{label}"
    if not unlabelled:
        return None
    for i, line in enumerate(usable):
        if "\t" in line or _labelled_other(line) or (i and _names_other_date(usable[i - 1])):
            continue  # a table row, or the value of some other date ("批准时间 / 2023年…")
        match = find_date_match(line)
        if match is not None:
            if has_label(line, LINE_LABELS) or date_only(line):
                iso = to_iso_datetime(line[match.start() :])
                if iso:
                    return iso, "generic:meta-line"
        split = _split_date(line, usable[i + 1] if i + 1 < len(usable) else "")
        if split:
            return split, "generic:meta-line:split"
    return None


_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0}
_CN_DATE = re.compile(
    r"^([〇零○O一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月"
    r"([一二三四五六七八九十]{1,3})日$"
)


def document_date(lines: Sequence[str]) -> str | None:
    """The date a document is signed with, alone on one of ``lines`` (the last first):
    ``2007年7月20日`` or ``二〇〇七年七月二十日``."""
    for line in reversed(lines):
        line = "".join(line.split())
        match = _CN_DATE.match(line)
        if match:
            year = "".join(str(_CN_DIGITS[c]) for c in match.group(1))
            month, day = _cn_number(match.group(2)), _cn_number(match.group(3))
            return to_iso_datetime(f"{year}-{month:02d}-{day:02d}")
        found = find_date_match(line)
        if found is not None and found.group(0) == line:
            return to_iso_datetime(line)
    return None


def _cn_number(text: str) -> int:
    # 一 … 九, 十, 十二, 二十, 二十一, 三十一
    if "十" not in text:
        return _CN_DIGITS.get(text, 0)
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def _names_other_date(line: str) -> bool:
    name = line.rstrip(":： ")
    return len(name) <= 8 and name.endswith(("时间", "日期")) and name not in DATE_LABELS


def _usable(line: str) -> bool:
    return len(line) <= _META_LINE_MAX and not _TODAY.search(line)


def _labelled_other(line: str) -> bool:
    # A line whose only date is under 更新时间 (or another non-publication label).
    pairs = split_labelled(line, LINE_LABELS)
    return (
        bool(pairs)
        and all(label in OTHER_DATE_LABELS for label, value in pairs if to_iso_datetime(value))
        and any(to_iso_datetime(value) for _, value in pairs)
    )


def _split_date(line: str, following: str) -> str | None:
    for text in (line, f"{line} {following}".strip()):
        match = _DAY_THEN_MONTH.match(text)
        if match:
            day, year, month = match.groups()
            return to_iso_datetime(f"{year}-{int(month):02d}-{int(day):02d}")
        match = _MONTH_THEN_DAY.match(text)
        if match:
            year, month, day = match.groups()
            return to_iso_datetime(f"{year}-{int(month):02d}-{int(day):02d}")
    return None


def source_from_lines(lines: Sequence[str]) -> tuple[str, str] | None:
    """``(value, label)`` of the preferred byline label present in ``lines``."""
    pairs: list[tuple[str, str]] = []
    for line in lines:
        if len(line) <= _META_LINE_MAX:
            pairs.extend(split_labelled(line, LINE_LABELS))
    for label in SOURCE_LABELS:
        found = first_value(pairs, (label,))
        if found and len(found[1]) <= _SOURCE_MAX and not _PROSE.search(found[1]):
            value = _source_value(found[1])
            if value:
                return value, label
    return None


def _source_value(value: str) -> str:
    # "人民日报2024-05-13 08:49" → "人民日报"; "中国新闻网 王帆" → "中国新闻网": the value
    # ends at a date, and at a space after a Chinese name.
    date = find_date_match(value)
    if date is not None:
        value = value[: date.start()]
    value = value.strip("（）()[]【】|｜ ")
    first, _, rest = value.partition(" ")
    if rest and not first.isascii():
        value = first
    return value.strip("（）()[]【】|｜ ")
