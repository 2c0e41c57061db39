"""CSV export time and peak memory against the `sqlite3` command-line tool, side by side.

    python -m benchmarks.bench_export [--records 100000] [--repeat 5] [--keep DIR]

Builds archives of generated records (a fifth of ``--records``, then all of them; kept in
``--keep DIR`` and reused by the next run), then at each size runs ``archiver export --csv -o
FILE`` and ``sqlite3 -csv`` over the same query and rows, alternately ``--repeat`` times each
(so a busy machine slows both alike), and prints the median seconds, rows per second, CPU
seconds (which a busy machine does not stretch), each process's peak memory and the ratio.
``archiver`` runs with its compiled modules, as installed (a first run writes them). Target:
at most 1.5× ``sqlite3``'s time at both sizes (at 20,000 rows Python's start-up counts:
``archiver export --csv`` imports neither sqlite-utils nor what other commands need); peak
memory that does not grow with the archive.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlite_utils import Database

from archiver.records.fields import EXPORT_SQL
from archiver.store.schema import APPLICATION_ID, DOCUMENTS, SECTIONS, migrations
from archiver.store.selects import AGGREGATES, ORDER
from benchmarks.bench_search import documents

#: The columns and joins of `archiver export --format csv` (sections, cites and cited_by
#: come from their tables as JSON arrays, by the export's own sub-selects), for sqlite3 to
#: produce the same rows with the same SQL work.
SAME_ROWS_SQL = f"""
SELECT d.url, d.kind, d.site, d.title, d.published, {EXPORT_SQL["published_date"]}, d.body,
  d.fetched_at, d.http_status, d.sha256, {EXPORT_SQL["extractor_version"]}, d.version,
  d.withdrawn_at, d.parse_warnings, d.provenance, {AGGREGATES["sections"]},
  d.department, d.contributor, d.reviewer, {AGGREGATES["cites"]},
  d.attachments, d.images, d.status, d.archived_url, d.archived_at, d.source,
  {AGGREGATES["cited_by"]}
FROM {DOCUMENTS} d ORDER BY {ORDER}
"""


#: Where each value of a generated record came from, as an extractor writes it: JSON text
#: with quotes, which every row's CSV cell quotes.
PROVENANCE = json.dumps(
    {"site": "url", "title": "h1.arti_title", "published": "meta-line:发布时间",
     "body": "div.v_news_content"}, ensure_ascii=False)  # fmt: skip


def paragraphs(row: tuple[str, ...]) -> tuple[str, ...]:
    """A generated record whose body is in paragraphs, a line break after every full stop, as
    an extractor joins the lines of a page (so every body's CSV cell is quoted)."""
    *head, body = row
    return (*head, body.replace("。", "。\n"))


def build(path: Path, n: int) -> None:
    """An archive of ``n`` generated records as the crawl stores them: bodies in paragraphs,
    provenance, sections and JSON list columns."""
    db = Database(sqlite3.connect(path))
    migrations.apply(db)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    with db.conn:
        db.conn.executemany(
            f"INSERT INTO {DOCUMENTS} (url, kind, site, title, published, body, attachments, "
            "images, parse_warnings, provenance, version) "
            "VALUES (?, ?, ?, ?, ?, ?, '[]', '[]', '[]', ?, 1)",
            ((*paragraphs(row), PROVENANCE) for row in documents(n)),
        )
        db.conn.execute(
            f"INSERT INTO {SECTIONS} (url, section) SELECT url, '综合新闻' FROM {DOCUMENTS} "
            "WHERE kind = 'news'"
        )
    db.close()


def _high_water_kb(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def measure(
    command: list[str], stdout: Path | None = None, env: dict[str, str] | None = None
) -> tuple[float, float, int]:
    """Run ``command``; return (seconds, CPU seconds, peak resident memory in MB).

    The CPU seconds (user and system, from ``wait4``) are the process's own work, which other
    processes on a busy machine do not stretch as they stretch the seconds. The peak is the
    process's own high-water mark (``VmHWM``), sampled while it runs: ``ru_maxrss`` would
    count the memory of this Python process copied by the fork.
    """
    started = time.perf_counter()
    peak_kb = 0
    with open(stdout or os.devnull, "wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, env=env)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak_kb = max(peak_kb, _high_water_kb(proc.pid) or 0)
            time.sleep(0.005)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{command[0]} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return seconds, usage.ru_utime + usage.ru_stime, peak_kb // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each side at each size")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build the archives here, kept")
    args = parser.parse_args()
    sqlite3_cli = shutil.which("sqlite3")
    if not sqlite3_cli:
        sys.exit("needs the sqlite3 command-line tool (Debian: apt-get install sqlite3)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        ratios = [compare(folder, n, args.repeat, sqlite3_cli, Path(tmp))
                  for n in (args.records // 5, args.records)]  # fmt: skip
    verdict = "met" if max(ratios) <= 1.5 else "NOT met"
    print(f"target: at most 1.5× sqlite3's time at both sizes — {verdict} "
          f"({', '.join(f'{r:.2f}×' for r in ratios)})")  # fmt: skip
    print("peak memory should be the same at both sizes (it does not grow with the archive)")


def compare(folder: Path, n: int, repeat: int, sqlite3_cli: str, tmp: Path) -> float:
    """Both exports of an ``n``-record archive, alternately; print them; return the ratio."""
    db = folder / f"archive-{n}-v2.db"  # v2: bodies in paragraphs, provenance
    if not db.exists():
        build(db, n)
    ours_csv, base_csv = tmp / "ours.csv", tmp / "sqlite3.csv"
    ours_cmd = [sys.executable, "-m", "archiver", "export", "--db", str(db), "--csv",
                "-o", str(ours_csv)]  # fmt: skip
    base_cmd = [sqlite3_cli, "-csv", "-header", str(db), SAME_ROWS_SQL]
    measure(base_cmd, stdout=base_csv)  # warms the page cache for both
    # Python's compiled modules, as an installed package has them (pip compiles them; a shell
    # with PYTHONDONTWRITEBYTECODE set would make every run compile archiver from source)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    measure(ours_cmd, env=env)  # writes them
    ours: list[tuple[float, float, int]] = []
    base: list[tuple[float, float, int]] = []
    for _ in range(repeat):
        ours.append(measure(ours_cmd, env=env))
        base.append(measure(base_cmd, stdout=base_csv))
    print(f"{n:>9,} records {'seconds':>9}{'rows/s':>10}{'CPU s':>8}{'peak MB':>9}"
          f"   (median of {repeat})")  # fmt: skip
    medians, cpus = {}, {}
    for name, runs in (("archiver", ours), ("sqlite3", base)):
        seconds = statistics.median(s for s, _, _ in runs)
        medians[name] = seconds
        cpus[name] = statistics.median(c for _, c, _ in runs)
        peak = max(p for _, _, p in runs)
        print(f"{'':>9} {name:<8}{seconds:>9.2f}{n / seconds:>10,.0f}{cpus[name]:>8.2f}{peak:>9}")
    ratio = medians["archiver"] / medians["sqlite3"]
    print(f"{'':>9} ratio: archiver takes {ratio:.2f}× sqlite3's time (target ≤ 1.5×), "
          f"{cpus['archiver'] / cpus['sqlite3']:.2f}× its CPU time; output "
          f"{ours_csv.stat().st_size / 1e6:.1f} MB against {base_csv.stat().st_size / 1e6:.1f} MB"
          f"; seconds archiver {_spread(ours)}, sqlite3 {_spread(base)}\n")  # fmt: skip
    return ratio


def _spread(runs: list[tuple[float, float, int]]) -> str:
    seconds = sorted(s for s, _, _ in runs)
    return f"{seconds[0]:.2f}–{seconds[-1]:.2f}"


if __name__ == "__main__":
    main()
