"""Word 97–2003 (``.doc``, and WPS Office's ``.wps``, which is the same binary): the main text.

olefile (maintained, pure Python) opens the OLE2 container; the text is then found as
[MS-DOC] §2.4.1 "Retrieving Text" specifies: the File Information Block at the start of the
``WordDocument`` stream names the table stream (``0Table`` or ``1Table``) and where its piece
table (``Clx``) lies; each piece is a run of character positions stored either as UTF-16LE or
as 8-bit text (cp1252) at a file offset. The main document is character positions
``0 … ccpText``; footnotes, headers and text boxes follow it and are left out.

Why not antiword or catdoc: antiword refuses any document whose ``WordDocument`` stream is
under 4 kB ("the text stream of this file is too small"), and catdoc silently drops a table
that ends a document; both are unmaintained. This reader is short, bounded and exact on the
text runs; it does not read the formatting, so table cells are told from rows only by their
marks (a cell ends with U+0007, a row with a second one).

Field codes (``HYPERLINK "…"``, ``PAGE``) are dropped and their shown result kept.
"""

from __future__ import annotations

import struct

from archiver.extract.attachments.limits import LimitExceeded, Limits, TextBudget
from archiver.extract.attachments.meta import ole_meta
from archiver.extract.attachments.result import library, not_read, read_text
from archiver.records.attachments import AttachmentText

_FIB_MAGIC = 0xA5EC
_WORD97 = 101  # nFib of the first Word 97 file; older ones (Word 6/95) have another FIB
_FIELD_BEGIN, _FIELD_SEP, _FIELD_END = "\x13", "\x14", "\x15"
# Characters with a meaning in Word's text stream, as plain text.
_SPECIAL = str.maketrans(
    {
        "\r": "\n",  # paragraph end
        "\x0b": "\n",  # line break
        "\x0c": "\n",  # page or section break
        "\x0e": "\n",  # column break
        "\x1e": "-",  # non-breaking hyphen
        "\x1f": None,  # optional hyphen
        "\xa0": " ",
        "\x01": None,  # picture
        "\x02": None,  # footnote reference mark
        "\x03": None,  # separators of notes
        "\x04": None,
        "\x05": None,  # comment reference
        "\x08": None,  # drawn object
        "\x00": None,
    }
)


class Word97Error(ValueError):
    """A file that is not a Word 97 document, or a damaged one (the message says which)."""


def read_doc(data: bytes, limits: Limits) -> AttachmentText:
    """The main text, title and dates of a Word 97–2003 (or WPS) file."""
    import olefile

    method = f"{library('olefile')} + [MS-DOC] piece table"
    with olefile.OleFileIO(data) as ole:
        meta = ole_meta(ole)
        word = ole.openstream("WordDocument").read()
        fib = _Fib(word)
        if fib.n_fib < _WORD97:
            return not_read(
                "unsupported", "doc", f"a Word 6/95 file (nFib {fib.n_fib}): no reader", method
            )
        if fib.encrypted:
            return not_read("unreadable", "doc", "the document is encrypted", method)
        table_name = "1Table" if fib.which_table else "0Table"
        if not ole.exists(table_name):
            raise Word97Error(f"no {table_name} stream")
        table = ole.openstream(table_name).read()
    pieces = _pieces(table, fib.fc_clx, fib.lcb_clx)
    raw = _main_text(word, pieces, fib.ccp_text, limits)
    budget = TextBudget(limits.max_chars)
    for line in plain_text(raw).split("\n"):
        if not budget.add(line.rstrip("\t ")):
            break
    return read_text("doc", budget, meta, method)


class _Fib:
    """The fields of the File Information Block that finding the text needs."""

    def __init__(self, word: bytes):
        if len(word) < 0x1AA:
            raise Word97Error("the WordDocument stream is too short for a FIB")
        ident, self.n_fib = struct.unpack_from("<HH", word, 0)
        if ident != _FIB_MAGIC:
            raise Word97Error(f"not a Word document (FIB magic {ident:#06x})")
        flags = struct.unpack_from("<H", word, 0x0A)[0]
        self.encrypted = bool(flags & 0x0100)
        self.which_table = bool(flags & 0x0200)
        # FibBase (32 bytes), then csw and FibRgW, cslw and FibRgLw, cbRgFcLcb and FibRgFcLcb
        at = 32
        csw = struct.unpack_from("<H", word, at)[0]
        at += 2 + 2 * csw
        cslw = struct.unpack_from("<H", word, at)[0]
        rg_lw = at + 2
        self.ccp_text = struct.unpack_from("<i", word, rg_lw + 12)[0]
        at = rg_lw + 4 * cslw
        cb_rg_fc_lcb = struct.unpack_from("<H", word, at)[0]
        rg_fc_lcb = at + 2
        if cb_rg_fc_lcb < 34 or len(word) < rg_fc_lcb + 34 * 8:
            raise Word97Error("the FIB has no piece table entry")
        self.fc_clx, self.lcb_clx = struct.unpack_from("<II", word, rg_fc_lcb + 33 * 8)


def _pieces(table: bytes, fc_clx: int, lcb_clx: int) -> list[tuple[int, int, int, bool]]:
    """The piece table: (first CP, last CP, file offset, 8-bit?) of each piece, in order."""
    clx = table[fc_clx : fc_clx + lcb_clx]
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: property modifiers, skipped
        at += 3 + struct.unpack_from("<H", clx, at + 1)[0]
    if at + 5 > len(clx) or clx[at] != 0x02:
        raise Word97Error("no piece table in the Clx")
    lcb = struct.unpack_from("<I", clx, at + 1)[0]
    plc = clx[at + 5 : at + 5 + lcb]
    count = (len(plc) - 4) // 12
    if count <= 0 or len(plc) != lcb:
        raise Word97Error("a damaged piece table")
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    pieces = []
    for i in range(count):
        fc = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * i + 2)[0]
        compressed = bool(fc & 0x40000000)
        offset = (fc & 0x3FFFFFFF) // 2 if compressed else fc & 0x3FFFFFFF
        pieces.append((cps[i], cps[i + 1], offset, compressed))
    return pieces


def _main_text(
    word: bytes, pieces: list[tuple[int, int, int, bool]], ccp_text: int, limits: Limits
) -> str:
    """Character positions ``0 … ccp_text`` of the document, decoded piece by piece."""
    parts: list[str] = []
    size = 0
    for first, last, offset, compressed in pieces:
        if first >= ccp_text:
            break
        count = min(last, ccp_text) - first
        if count <= 0:
            continue
        width = 1 if compressed else 2
        chunk = word[offset : offset + count * width]
        if len(chunk) < count * width:
            raise Word97Error("a text piece lies outside the WordDocument stream")
        parts.append(chunk.decode("cp1252" if compressed else "utf-16-le", errors="replace"))
        size += count
        if size > 4 * limits.max_chars:
            raise LimitExceeded(f"the text runs past {4 * limits.max_chars:,} characters")
    return "".join(parts)


def plain_text(raw: str) -> str:
    """Word's text stream as plain text: fields resolved, marks turned to tabs and newlines."""
    text = _resolve_fields(raw)
    text = text.replace("\x07\x07", "\t\n").replace("\x07", "\t")  # cell end, row end
    return text.translate(_SPECIAL)


def _resolve_fields(raw: str) -> str:
    """Keep each field's result (after U+0014), drop its code (after U+0013); nests."""
    if _FIELD_BEGIN not in raw:
        return raw
    out: list[str] = []
    stack: list[bool] = []  # per open field: whether its result part has begun
    for ch in raw:
        if ch == _FIELD_BEGIN:
            stack.append(False)
        elif ch == _FIELD_SEP and stack:
            stack[-1] = True
        elif ch == _FIELD_END and stack:
            stack.pop()
        elif all(stack):
            out.append(ch)
    return "".join(out)
