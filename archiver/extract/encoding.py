"""Bytes to text for the pages of Chinese sites, where the declared charset often lies.

Order of trust: a byte-order mark, then the declared charset (HTTP header, else ``<meta>``)
*checked against the bytes*, then UTF-8, then GB18030. ``gb2312`` and ``gbk`` are always
decoded as ``gb18030``, their superset: pages declaring ``gb2312`` routinely hold GBK-only
characters.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass

# How far into the bytes to look for a <meta> charset. Wayback replays insert a few KB of
# scripts before the page's own <head> content, so look further than the usual 1 KB.
_SNIFF_BYTES = 16384

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([^\s;\"']+)", re.IGNORECASE)
# Both <meta charset="x"> and <meta http-equiv=... content="text/html; charset=x">; anchored
# to <meta so that <script charset="utf-8"> (the Wayback toolbar has those) never counts.
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([\w:.-]+)", re.IGNORECASE)
_XML_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([\w.-]+)", re.IGNORECASE)

_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "hz-gb-2312"})

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class DecodedHtml:
    """The outcome of :func:`decode_bytes`.

    ``declared`` is the charset the header or page claimed (normalised codec name), if any;
    ``replaced`` is true when undecodable bytes were replaced by U+FFFD.
    """

    text: str
    encoding: str
    declared: str | None = None
    replaced: bool = False


def decode_html(raw: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML page; return ``(text, encoding actually used)``.

    See :func:`decode_bytes` for the rules; use it when you need to know whether bytes had
    to be replaced.
    """
    decoded = decode_bytes(raw, content_type)
    return decoded.text, decoded.encoding


def decode_bytes(raw: bytes, content_type: str | None = None) -> DecodedHtml:
    """Decode an HTML page, checking any declared charset against the bytes.

    1. A UTF-8 or UTF-16 byte-order mark wins.
    2. The charset of ``content_type`` (else of ``<meta>``) is used when the bytes agree:
       a GB-family declaration over bytes that are valid UTF-8 with non-ASCII is UTF-8; a
       UTF-8 declaration over bytes that are not UTF-8 but are GB18030 is GB18030.
    3. Nothing usable declared: UTF-8, then GB18030.
    4. Last resort: UTF-8 with replacement characters (``replaced=True``).
    """
    if type(raw) is bytes and len(raw) <= _CACHED_BYTES:
        return _recently_decoded(raw, content_type)
    return _decode(raw, content_type)


def _decode(raw: bytes, content_type: str | None) -> DecodedHtml:
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return _decode_or_replace(raw[len(bom) :], name, declared=None)

    declared = _declared_charset(raw, content_type)
    if declared in ("utf-16-le", "utf-16-be", "utf-16", "utf-32"):
        # UTF-16 without a BOM: the bytes cannot be sniffed as ASCII, so trust the header.
        return _decode_or_replace(raw, declared, declared=declared)

    # A declared charset is only a hint. Valid UTF-8 with non-ASCII bytes is practically
    # never anything else, while a page of GBK bytes almost never passes as UTF-8.
    utf8 = _try_decode(raw, "utf-8")
    if utf8 is not None and (declared in (None, "utf-8") or not raw.isascii()):
        return DecodedHtml(utf8, "utf-8", declared)

    if declared is not None and declared not in ("utf-8", "gb18030"):
        text = _try_decode(raw, declared)
        if text is not None:
            return DecodedHtml(text, declared, declared)

    gb = _try_decode(raw, "gb18030")
    if gb is not None:
        return DecodedHtml(gb, "gb18030", declared)

    # Neither decodes cleanly: keep the declared family when it was GB, else UTF-8.
    fallback = "gb18030" if declared == "gb18030" else "utf-8"
    return _decode_or_replace(raw, fallback, declared=declared)


# A crawl decodes each page twice (is it a challenge page? then its record), and a bytes
# object keeps its hash: the second decoding is a look-up. The answer is immutable. Pages
# only: a large text attachment, decoded once, is neither hashed nor kept.
_recently_decoded = functools.lru_cache(maxsize=4)(_decode)
_CACHED_BYTES = 2 * 1024 * 1024


def normalise_charset(name: str | None) -> str | None:
    """A codec name Python knows for ``name``; GB2312/GBK map to ``gb18030``; else None."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    if label in ("x-gbk", "cp936", "gb_2312-80", "csgb2312", "euc-cn", "x-euc-cn"):
        return "gb18030"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    if codec in _GB_FAMILY:
        return "gb18030"
    return codec


def _declared_charset(raw: bytes, content_type: str | None) -> str | None:
    if content_type:
        header = _HEADER_CHARSET.search(content_type)
        if header and normalise_charset(header.group(1)):
            return normalise_charset(header.group(1))
    head = raw[:_SNIFF_BYTES]
    meta = _XML_DECL_ENCODING.search(head) or _META_CHARSET.search(head)
    if meta:
        return normalise_charset(meta.group(1).decode("ascii", "replace"))
    return None


def _try_decode(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode_or_replace(raw: bytes, encoding: str, declared: str | None) -> DecodedHtml:
    text = _try_decode(raw, encoding)
    if text is not None:
        return DecodedHtml(text, encoding, declared)
    return DecodedHtml(raw.decode(encoding, "replace"), encoding, declared, replaced=True)
