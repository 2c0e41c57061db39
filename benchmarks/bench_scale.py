"""Scale of the archive: an incremental crawl of one small site against an archive of
1,000,000 records from many sites, and against an archive holding only that site.

    python -m benchmarks.bench_scale [--records 1000000] [--articles 200]

Builds two archives: both get a first crawl of a mirror of the news site (``--articles``
articles, served by :mod:`benchmarks.mirror`); one of them also holds ``--records`` records of
other sites (1,000 sites), loaded with direct inserts into the migrated archive (every tenth
with an attachment never archived, every twentieth citing a brief with no record: the work an
incremental crawl looks for at start; every fiftieth page failing when last tried, a failure
not yet resolved, which a crawl resolves when it fetches the page; the filler records are left
out of the search index, which the crawl never reads for them). Then crawls the site again,
incrementally, into each, and prints for each crawl its start-up (from the command's start to
its first request, as the mirror logged it), its whole time and its peak memory (resident set,
``os.wait4``), and the ratios. Target: memory and start-up in proportion to the site, not the
archive (ratios ≈ 1).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archiver.store import Archive
from archiver.store.tables import CITATIONS, DOCUMENTS, FAILURES
from benchmarks.mirror import Mirror, start_urls

SITES = 1000
BATCH = 20_000


def fill(db: Path, records: int) -> None:
    """Add ``records`` news records of :data:`SITES` other sites with direct inserts."""
    Archive.open(db, create=True).close()
    conn = sqlite3.connect(db)
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", [DOCUMENTS]
    ).fetchall()
    for name, _sql in triggers:  # the search index is left out: see the module's docstring
        conn.execute(f"DROP TRIGGER {name}")
    body = "学校举行专题活动，师生踊跃参加。活动内容丰富，形式多样，取得了良好效果。" * 8
    for start in range(0, records, BATCH):
        rows, cites, failed = [], [], []
        for i in range(start, min(start + BATCH, records)):
            host = f"site{i % SITES:04d}.example.edu.cn"
            url = f"https://{host}/news/{i}.htm"
            files = f'["https://{host}/files/{i}.doc"]' if i % 10 == 0 else "[]"
            rows.append((url, host, f"第{i}次专题活动", "2020-01-01", body, files, "[]"))
            if i % 20 == 0:
                cites.append((url, f"https://jw.beijing.gov.cn/jb/{i}.html", "link", 0))
            if i % 50 == 25:
                failed.append((f"https://{host}/news/{i}-dead.htm",))
        conn.executemany(
            f"INSERT INTO {DOCUMENTS} (url, kind, site, title, published, body, attachments, "
            "images, first_seen_at, changed_at, version) "
            "VALUES (?, 'news', ?, ?, ?, ?, ?, ?, '2020-01-01T00:00:00Z', "
            "'2020-01-01T00:00:00Z', 1)",
            rows,
        )
        conn.executemany(
            f"INSERT INTO {CITATIONS} (news_url, brief_url, how, position) VALUES (?, ?, ?, ?)",
            cites,
        )
        conn.executemany(
            f"INSERT INTO {FAILURES} (url, kind, reason, reason_kind, run_id, first_run_id, "
            "attempts, first_seen, last_seen) VALUES (?, 'news', 'HTTP 404', 'HTTP 4xx', 0, 0, "
            "1, '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z')",
            failed,
        )
        conn.commit()
    for _name, sql in triggers:
        conn.execute(sql)
    conn.commit()
    conn.close()


def crawl(mirror: Mirror, db: Path) -> tuple[float, float, int]:
    """An ``archiver crawl`` of the mirror into ``db``: (start-up s, whole s, peak RSS bytes)."""
    mirror.log.write_text("")
    command = [sys.executable, "-m", "archiver", "crawl", "--db", str(db)]
    command += [arg for url in start_urls() for arg in ("--start-url", url)]
    for item in ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False"):
        command += ["--set", item]
    with tempfile.TemporaryFile("w+") as err:
        started = time.time()
        proc = subprocess.Popen(
            command, env=mirror.env(), cwd=db.parent, stdout=subprocess.DEVNULL, stderr=err
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        ended = time.time()
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            sys.exit(f"archiver crawl failed: {err.read()[-3000:]}")
    first = min(float(line.split()[0]) for line in mirror.log.read_text().splitlines())
    return first - started, ended - started, usage.ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "small" / "archive.db", Path(tmp) / "large" / "archive.db"
        small.parent.mkdir(), large.parent.mkdir()
        began = time.perf_counter()
        fill(large, args.records)
        print(f"filled {args.records:,} records in {time.perf_counter() - began:.0f} s",
              file=sys.stderr)  # fmt: skip
        log = Path(tmp) / "answers.log"
        with Mirror(args.articles, log=log) as mirror:
            for db in (small, large):
                crawl(mirror, db)  # the first crawl of the site
            archives = (("site only", small), (f"{args.records:,} more", large))
            results = {name: crawl(mirror, db) for name, db in archives}
    print(f"incremental crawl of a {args.articles}-article site")
    print(f"{'archive':<18}{'start-up s':>12}{'whole s':>10}{'peak RSS MB':>13}")
    for name, (startup, whole, rss) in results.items():
        print(f"{name:<18}{startup:>12.2f}{whole:>10.2f}{rss / 2**20:>13.0f}")
    (s0, w0, r0), (s1, w1, r1) = results.values()
    print(f"{'ratio':<18}{s1 / s0:>11.2f}×{w1 / w0:>9.2f}×{r1 / r0:>12.2f}×")
    print("target: start-up and memory in proportion to the site (ratios ≈ 1)")


if __name__ == "__main__":
    main()
