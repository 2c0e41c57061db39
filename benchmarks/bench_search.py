"""Full-text search against a plain substring scan over the same archive, in the same run.

    python -m benchmarks.bench_search [--records 100000] [--repeat 5] [--keep PATH]

Generates an archive of synthetic Chinese news (words drawn from a Zipf distribution, so a
few characters such as 的 and 党 are in most records and most terms are rare), loads it with
one ``executemany``, builds the index and the character counts through their migrations (m002,
m008: the backfill an existing archive gets; ``--keep PATH`` keeps the archive and a later run
reuses it, migrated to the current schema first), then, for each class of
query (one common character, one rare character, two characters, longer terms, phrases, ASCII,
AND/OR/NOT, title:), times ``archiver.search.search`` (limit 20, ranked, snippets included)
and the baseline alternately: a plain scan of the same rows with ``LIKE '%term%'`` over title
and body (the query's own AND/OR/NOT; LIKE folds ASCII case as the search does), which finds
the records but neither counts nor ranks them. Checks that both find the same records, and
prints the median of each and the ratio search / scan. Targets: no query slower than the scan
(≤ 1×), a common single character ≤ 0.5×.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from sqlite_utils import Database

from archiver.cli.options import pad
from archiver.search import INDEX, And, Node, Not, Term, parse_query, search
from archiver.search.count import count_hits
from archiver.store.schema import DOCUMENTS, migrations
from archiver.store.tables import CHAR_COUNTS

COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使"
    "点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明"
    "看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料"
    "象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
)
#: Words placed at a Zipf rank: the lower the rank, the more records hold them.
PLACED = {
    "党": 40, "党委": 150, "学院": 200, "党建": 400, "2011年": 800, "University": 600,
    "北京建筑大学": 1000, "简报": 1500, "推进会": 2000, "3+1": 2500, "点评": 3000,
    "创先争优": 3500, "工作简报": 4000, "第12期": 6000,
}  # fmt: skip
PUNCTUATION = "，。、：；“”（）《》！？"

QUERIES = [
    ("1 char, common", "的"),
    ("1 char, common", "党"),
    ("1 char, 1/4 of records", "农"),
    ("1 char, rare", ""),  # a rare character of the generated text, chosen at run time
    ("2 chars", "点评"),
    ("2 chars", "简报"),
    ("2 chars, common", "党委"),
    ("3 chars", "推进会"),
    ("4 chars", "工作简报"),
    ("4 chars", "创先争优"),
    ("phrase", '"北京建筑大学"'),
    ("mixed", "3+1"),
    ("mixed", "2011年"),
    ("ASCII", "university"),
    ("NOT", "简报 NOT 工作简报"),
    ("NOT, common", "的 NOT 党"),
    ("OR", "点评 OR 3+1"),
    ("OR, common", "党 OR 农"),
    ("AND", "党委 2011年"),
    ("AND, common", "的 党"),
    ("title:", "title:简报"),
    ("title:, common", "title:的"),
]


def vocabulary(rng: random.Random, size: int = 30_000) -> tuple[list[str], list[float]]:
    """Words of 1–4 characters (Zipf-distributed characters) and cumulative Zipf weights."""
    extra = [chr(c) for c in rng.sample(range(0x4E00, 0x9FA5), 2500) if chr(c) not in COMMON]
    chars = list(COMMON) + extra
    char_weights = list(itertools.accumulate(1 / (rank + 5) for rank in range(len(chars))))
    words: list[str] = []
    seen = set(PLACED)
    while len(words) < size:
        n = rng.choices((1, 2, 3, 4), (15, 60, 15, 10))[0]
        word = "".join(rng.choices(chars, cum_weights=char_weights, k=n))
        if word not in seen:
            seen.add(word)
            words.append(word)
    for word, rank in sorted(PLACED.items(), key=lambda item: item[1]):
        words.insert(rank, word)
    weights = list(itertools.accumulate(1 / (rank + 10) for rank in range(len(words))))
    return words, weights


def documents(n: int, seed: int = 1) -> Iterator[tuple[str, ...]]:
    """``n`` rows of (url, kind, site, title, published, body)."""
    rng = random.Random(seed)
    words, weights = vocabulary(rng)

    def text(n_words: int) -> str:
        chosen = rng.choices(words, cum_weights=weights, k=n_words)
        for i in range(6, len(chosen), 7):  # a punctuation mark every seven words
            chosen[i] += PUNCTUATION[i % len(PUNCTUATION)]
        return "".join(chosen)

    for i in range(n):
        published = f"20{rng.randint(10, 24):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        kind = "news" if i % 3 else "brief"
        yield (f"https://example.edu.cn/{i}.htm", kind, "example.edu.cn", text(rng.randint(4, 12)),
               published, text(rng.randint(40, 400)))  # fmt: skip


def table_bytes(db: Database, pattern: str) -> int:
    """Bytes of the tables and indexes whose name is like ``pattern`` (SQLite's dbstat)."""
    sql = "SELECT sum(pgsize) FROM dbstat WHERE name LIKE ?"
    return int(db.execute(sql, [pattern]).fetchone()[0])


def scan_condition(node: Node) -> tuple[str, list[str]]:
    """The query as a condition of ``LIKE '%term%'`` over each title and body."""
    if isinstance(node, Term):
        pattern = "%" + re.sub(r"([%_\\])", r"\\\1", node.text) + "%"
        fields = {"title": ["title"], "body": ["body"]}.get(node.field, ["title", "body"])
        sql = " OR ".join(f"{field} LIKE ? ESCAPE '\\'" for field in fields)
        return f"({sql})", [pattern] * len(fields)
    if isinstance(node, Not):
        sql, params = scan_condition(node.child)
        return f"NOT coalesce({sql}, 0)", params
    parts = [scan_condition(child) for child in node.children]
    joiner = " AND " if isinstance(node, And) else " OR "
    return f"({joiner.join(s for s, _ in parts)})", [p for _, ps in parts for p in ps]


def scan(db: Database, query: str) -> set[str]:
    """The baseline: every record read, the query checked with ``LIKE``."""
    condition, params = scan_condition(parse_query(query).root)
    sql = f"SELECT url FROM {DOCUMENTS} WHERE coalesce({condition}, 0)"
    return {url for (url,) in db.execute(sql, params)}


def rare_character(db: Database) -> str:
    """A character of the generated text in about 0.1–1% of the records."""
    chars = [chr(c) for c in random.Random(1).sample(range(0x4E00, 0x9FA5), 2500)]
    rows = db.execute(f"SELECT count(*) FROM {DOCUMENTS}").fetchone()[0]
    for char in chars[300::50]:
        if char not in COMMON and rows / 1000 <= count_hits(db, char) <= rows / 100:
            return char
    return chars[1000]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--keep", type=Path, metavar="PATH", help="build the archive here, kept")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "archive.db"
        if args.keep and path.exists():
            print(f"reusing {path}")
            db = Database(sqlite3.connect(path))
            started = time.perf_counter()
            migrations.apply(db)  # a kept archive of an older version: brought up to date
            print(f"migrated in {time.perf_counter() - started:.1f} s; {sizes(db)}\n")
            run(db, args.repeat)
            return
        db = Database(sqlite3.connect(path))
        migrations.apply(db, stop_before="m002_search_index")
        started = time.perf_counter()
        with db.conn:
            db.conn.executemany(
                f"INSERT INTO {DOCUMENTS} (url, kind, site, title, published, body) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                documents(args.records),
            )
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        migrations.apply(db)  # m002, m008: the index and the counts, filled from the records
        indexed = time.perf_counter() - started
        sql = f"SELECT avg(length(title) + length(body)) FROM {DOCUMENTS}"
        chars = db.execute(sql).fetchone()[0]
        print(f"{args.records:,} records of {chars:.0f} characters on average: generated and "
              f"loaded in {loaded:.1f} s, indexed in {indexed:.1f} s")  # fmt: skip
        print(f"{sizes(db)}\n")
        run(db, args.repeat)


def sizes(db: Database) -> str:
    """The sizes of the records' table, the search index and the character counts."""
    data, index = table_bytes(db, DOCUMENTS), table_bytes(db, f"{INDEX}%")
    counts = table_bytes(db, CHAR_COUNTS)
    return (f"documents table {data / 1e6:.1f} MB, search index {index / 1e6:.1f} MB "
            f"({index / data:.2f}× the table), character counts {counts / 1e6:.1f} MB "
            f"({counts / data:.2f}×)")  # fmt: skip


def run(db: Database, repeat: int) -> None:
    rare = rare_character(db)
    ratios: dict[str, float] = {}
    print(f"{'query':<22}{'class':<24}{'hits':>7}{'search ms':>11}{'scan ms':>9}{'ratio':>8}")
    for kind, query in QUERIES:
        query = query or rare
        every = {h.url for h in search(db, query, limit=None)}  # also warms the page cache
        if every != scan(db, query):
            raise SystemExit(f"{query!r}: the search and the scan disagree")
        runs: list[float] = []
        scans: list[float] = []
        for _ in range(repeat):  # alternately, so that a busy machine slows both alike
            runs.append(timed(partial(search, db, query, limit=20)))
            scans.append(timed(partial(scan, db, query)))
        search_ms, scan_ms = statistics.median(runs), statistics.median(scans)
        ratios[query] = search_ms / scan_ms
        print(f"{pad(query, 22)}{kind:<24}{len(every):>7}{search_ms:>11.1f}{scan_ms:>9.1f}"
              f"{search_ms / scan_ms:>7.2f}×")  # fmt: skip
    worst = max(ratios, key=ratios.__getitem__)
    print(f"\nslowest against the scan: {worst} at {ratios[worst]:.2f}× "
          f"(target ≤ 1× — {'met' if ratios[worst] <= 1 else 'NOT met'})")  # fmt: skip
    common = max(ratios[q] for k, q in QUERIES if k == "1 char, common")
    print(f"common single characters: at most {common:.2f}× the scan "
          f"(target ≤ 0.5× — {'met' if common <= 0.5 else 'NOT met'})")  # fmt: skip


if __name__ == "__main__":
    main()
