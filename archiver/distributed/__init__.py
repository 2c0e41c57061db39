"""One crawl on many machines, on Redis: a leased frontier, records back to one writer.

Built on scrapy-redis (its scheduler, queue and duplicate filter, extended where they fall
short) and a Redis server:

- :mod:`.frontier`: the shared frontier; a request taken is leased, not popped, and goes back
  when its lease expires (a worker killed with ``kill -9`` loses nothing);
- :mod:`.scheduler`: every process's scheduler over it, acknowledging a request once its
  outcome is handed on, with Scrapy's own request fingerprints for the shared duplicate filter;
- :mod:`.transport`: records to the writer through a Redis stream, acknowledged once committed;
- :mod:`.writer`: the one process that writes the archive, resumes after a crash, and ends the
  crawl when nothing is left;
- :mod:`.known`: what the archive held at the start, for workers that have no archive;
- :mod:`.politeness`: per-site concurrency and delay held in Redis, for all workers together;
- :mod:`.capture`: WARC files named after their worker;
- :mod:`.spider` and :mod:`.run`: the crawl's spider made distributed, and running a process.
"""
