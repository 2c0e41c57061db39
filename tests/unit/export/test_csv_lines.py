"""The CSV writer's fast path writes exactly what the csv module writes."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archiver.export import write_safe_csv_tuples
from archiver.export.writers import spreadsheet_safe, utf8_text_stream, write_csv_utf8

_TEXT = st.text(alphabet=st.sampled_from("ab党,\"\t\r\n ;'=+-@\x00\u2028"), max_size=12)
_CELL = st.one_of(st.none(), _TEXT, st.integers(), st.floats(allow_nan=False))


def written_by_csv(rows: list[tuple[object, ...]], fields: tuple[str, ...], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", delimiter=delimiter)
    writer.writerow(fields)
    writer.writerows(rows)
    return out.getvalue()


@given(
    width=st.integers(1, 4),
    cells=st.lists(_CELL, max_size=40),
    delimiter=st.sampled_from([",", "\t"]),
)
def test_the_same_text_as_the_csv_module(width: int, cells: list[object], delimiter: str) -> None:
    rows = [tuple(cells[i : i + width]) for i in range(0, len(cells) - width + 1, width)]
    fields = tuple(f"f{i}" for i in range(width))
    out = io.StringIO()
    count = write_safe_csv_tuples(rows, out, fields, delimiter=delimiter)
    assert count == len(rows)
    assert out.getvalue() == written_by_csv(rows, fields, delimiter)


def test_a_row_of_one_empty_cell_is_quoted_as_the_csv_module_does() -> None:
    out = io.StringIO()
    write_safe_csv_tuples([("",), (None,), ("a",)], out, ("title",))
    assert out.getvalue() == 'title\r\n""\r\n""\r\na\r\n'


@pytest.mark.parametrize("n", [0, 1, 63, 64, 65, 128, 129])
def test_every_row_once_whatever_the_count(n: int) -> None:
    # the lines are written in blocks: none lost or doubled at a block's edge
    rows = [(f"url {i}", i, None, "a,b" if i % 2 else 'say "hi"') for i in range(n)]
    fields = ("url", "n", "none", "text")
    out = io.StringIO()
    assert write_safe_csv_tuples(rows, out, fields) == n
    assert out.getvalue() == written_by_csv(rows, fields, ",")


def _utf8(cell: object) -> object:
    return cell.encode() if isinstance(cell, str) else cell


@given(
    width=st.integers(1, 4),
    cells=st.lists(_CELL, max_size=40),
    delimiter=st.sampled_from([",", "\t"]),
    bom=st.booleans(),
)
def test_utf8_bytes_give_the_same_file_as_the_csv_module(
    width: int, cells: list[object], delimiter: str, bom: bool
) -> None:
    # rows as read with text_factory = bytes, made spreadsheet-safe and written to the file's
    # binary buffer
    rows = [tuple(cells[i : i + width]) for i in range(0, len(cells) - width + 1, width)]
    fields = tuple(f"f{i}" for i in range(width))
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8-sig" if bom else "utf-8", newline="")
    assert utf8_text_stream(out)
    utf8_rows = [tuple(map(_utf8, row)) for row in rows]
    assert write_csv_utf8(utf8_rows, out, fields, delimiter=delimiter) == len(rows)
    out.flush()
    safe = [tuple(map(spreadsheet_safe, row)) for row in rows]
    expected = written_by_csv(safe, fields, delimiter).encode()
    assert raw.getvalue() == (b"\xef\xbb\xbf" if bom else b"") + expected


def test_only_a_utf8_file_takes_bytes() -> None:
    assert not utf8_text_stream(io.StringIO())
    assert not utf8_text_stream(io.TextIOWrapper(io.BytesIO(), encoding="gb18030"))


@pytest.mark.parametrize("n", [127, 128, 129, 300])
def test_utf8_columns_checked_a_block_at_a_time_give_the_csv_modules_file(n: int) -> None:
    # A column is written as it is only when none of its cells in the block needs quoting,
    # an apostrophe or a number's text: one cell that does, at any row of any block, and
    # that column of that block is written cell by cell. Long cells (a body) are checked
    # for a formula's start by each cell, short ones in one scan.
    body = "党" * 200

    def row(i: int) -> tuple[object, ...]:
        return (
            f"https://example.edu.cn/{i}.htm",  # clean everywhere
            ("=1+1" if i == n - 1 else f"标题 {i}"),  # a formula in the last row only
            (None if i % 3 else f"dept {i}"),  # Nones among texts
            None,  # the other kind's field: empty in every row
            i,  # a number
            (body + ("\n第二段" if i == 129 else "")),  # a line break in the second block
            ("-" + body if i == 200 else body),  # a long cell that starts a formula
            ("" if i % 2 else "a"),  # empty texts
            ('{"a": 1}' if i == 0 else "[]"),  # quotes in the first row only
        )

    rows = [row(i) for i in range(n)]
    fields = tuple(f"f{i}" for i in range(len(rows[0])))
    for delimiter in (",", "\t"):
        raw = io.BytesIO()
        out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        assert write_csv_utf8([tuple(map(_utf8, r)) for r in rows], out, fields,
                              delimiter=delimiter) == n  # fmt: skip
        out.flush()
        safe = [tuple(map(spreadsheet_safe, r)) for r in rows]
        assert raw.getvalue() == written_by_csv(safe, fields, delimiter).encode()
