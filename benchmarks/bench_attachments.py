"""Attachment text extraction time per MB of each format, beside the raw read of the same file.

    python -m benchmarks.bench_attachments [--scale 1.0] [--repeat 3]

Writes one document of each format with the libraries that write it (python-docx, LibreOffice
for ``.doc`` where ``soffice`` is installed, reportlab, openpyxl, xlwt; GB18030 plain text), each
a few hundred kilobytes to a few megabytes of Chinese text and tables, then times
:func:`archiver.extract.attachments.extract_attachment` on it (in process; best of
``--repeat``) against the baseline: the least any reader of that container must do, in the
same run: inflate every zip member (``.docx``, ``.xlsx``), read every OLE stream (``.doc``,
``.xls``), inflate every PDF stream, decode the text. Prints ms per file, ms per MB and the
ratio to the baseline, and, once, the worker process's cost per file (start-up and transfer)
through :class:`~archiver.extract.attachments.BoundedExtractor`.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import time
import zipfile
import zlib
from collections.abc import Callable

from archiver.extract.attachments import BoundedExtractor, extract_attachment
from tests import attachment_files as files

# Text drawn at random from common characters compresses about as real Chinese text does
# (a repeated sentence would compress a hundredfold and flatter the per-MB figures).
COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使"
    "点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明"
    "看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料"
)


def sentences(count: int, rng: random.Random) -> tuple[str, ...]:
    """``count`` sentences of 20–60 random common characters, each ending in 。"""
    return tuple("".join(rng.choices(COMMON, k=rng.randint(20, 60))) + "。" for _ in range(count))


def documents(scale: float) -> dict[str, tuple[str, bytes]]:
    """One generated file per format: name -> (format, bytes)."""
    rng = random.Random(12)
    paragraphs = sentences(int(3000 * scale), rng)
    names = sentences(int(20000 * scale), rng)
    table = tuple((str(i), names[i][:3], names[i][3:12], "一等奖") for i in range(int(600 * scale)))
    rows = [(i, names[i][:3], names[i][3:12], 2022, names[i][12:20]) for i in range(len(names))]
    pages = [paragraphs[p * 30 : p * 30 + 30] for p in range(len(paragraphs) // 30)]
    out = {
        "docx": ("docx", files.docx_bytes(paragraphs, table, title="基准文件")),
        "pdf": ("pdf", files.pdf_bytes([tuple(s[:38] for s in page) for page in pages])),
        "xlsx": (
            "xlsx",
            files.xlsx_bytes((("名单", [("序号", "姓名", "学院", "年度", "奖项")] + rows),)),
        ),
        "xls": ("xls", files.xls_bytes([("序号", "姓名", "学院", "年度", "奖项"), *rows])),
        "txt": ("text", "\n".join(paragraphs).encode("gb18030")),
    }
    if files.have_soffice():
        out["doc"] = ("doc", files.doc_bytes(paragraphs))
    return out


def baseline(fmt: str, data: bytes) -> None:
    """The raw read: what any reader of the container must do before it reads a word."""
    if fmt in ("docx", "xlsx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                archive.read(name)
    elif fmt in ("doc", "xls"):
        import olefile

        with olefile.OleFileIO(data) as ole:
            for stream in ole.listdir():
                ole.openstream(stream).read()
    elif fmt == "pdf":
        for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
            try:
                zlib.decompress(match.group(1))
            except zlib.error:
                pass
    else:
        data.decode("gb18030")


def best(fn: Callable[[], object], repeat: int) -> float:
    """The best of ``repeat`` runs of ``fn``, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="size of the files (1.0)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    docs = documents(args.scale)
    print(f"{'format':<7}{'size MB':>9}{'ours ms':>10}{'ms/MB':>9}{'raw ms':>9}{'raw ms/MB':>11}"
          f"{'ratio':>8}  status, chars")  # fmt: skip
    for name, (fmt, data) in docs.items():
        mb = len(data) / 1_000_000
        result = extract_attachment(data, f"bench.{name}")
        assert result is not None
        ours = best(lambda d=data, n=name: extract_attachment(d, f"bench.{n}"), args.repeat)
        raw = best(lambda f=fmt, d=data: baseline(f, d), args.repeat)
        print(
            f"{name:<7}{mb:>9.2f}{ours:>10.1f}{ours / mb:>9.1f}{raw:>9.1f}{raw / mb:>11.1f}"
            f"{ours / raw:>7.0f}×  {result.status}, {len(result.text):,}"
        )
    small = files.docx_bytes()
    with BoundedExtractor() as worker:
        worker.extract(small, "warm.docx")  # the worker's start-up, once per crawl
        start = time.perf_counter()
        worker.extract(small, "small.docx")
        through_worker = (time.perf_counter() - start) * 1000
    in_process = best(lambda: extract_attachment(small, "small.docx"), args.repeat)
    print(
        f"worker: a {len(small) / 1000:.0f} kB .docx in {through_worker:.1f} ms through the "
        f"worker process against {in_process:.1f} ms in process"
    )


if __name__ == "__main__":
    main()
