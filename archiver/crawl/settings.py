"""Scrapy settings of the archiver, used by ``archiver crawl`` and by ``scrapy crawl`` (scrapy.cfg).

Every setting's default is here and nowhere else. A component reads a setting with this
module's value as its fallback (``settings.getint("ARCHIVER_KNOWN_RUN",
default.ARCHIVER_KNOWN_RUN)``), so it also works in a Scrapy project of its own.

Polite by default: robots.txt obeyed, an own User-Agent, AutoThrottle, two requests at a time
per site, retries with back-off. ``http_proxy``/``https_proxy`` are honoured by Scrapy's
HttpProxyMiddleware, which is on by default.
"""

from pathlib import Path

from scrapy.settings import BaseSettings
from scrapy.settings import default_settings as scrapy_defaults

from archiver import config
from archiver.extract.attachments.limits import Limits

_attachment_limits = Limits()

BOT_NAME = "edu-news-archiver"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
# `scrapy crawl news -a site=NAME`, or `scrapy crawl NAME` for any site profile (bucea, …)
SPIDER_LOADER_CLASS = "spiders.loader.ProfileSpiderLoader"

USER_AGENT = config.USER_AGENT
ROBOTSTXT_OBEY = True

# Two requests at a time per site; many sites are crawled side by side, each within its own
# limits: the global cap only bounds the whole, and the scheduler hands the downloader the
# requests of the sites least busy (else one site's queued requests, waiting out its delay,
# fill the downloader and the others wait).
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubled for each next one
RETRY_BACKOFF_MAX = 60.0
# A dead bureau site is expected (its briefs come from the web archive): not an error line.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"

DOWNLOADER_MIDDLEWARES = {
    # before robots.txt (100): nothing out of the crawl's scope is asked for, robots.txt included
    "archiver.crawl.scope.ScopeMiddleware": 40,
    "archiver.crawl.limits.SizeLimitMiddleware": 45,
    # a profile's own delay is kept from AutoThrottle
    "archiver.crawl.politeness.SlotDelayMiddleware": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "archiver.crawl.retry.BackoffRetryMiddleware": 550,
    # Scrapy's, with the environment's no_proxy asked once a host, not once a request
    "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware": None,
    "archiver.crawl.proxy.CachedProxyMiddleware": 750,
    # above every built-in middleware: sees each raw exchange before retries, redirects and
    # decompression act on it
    "archiver.crawl.capture.WarcCaptureMiddleware": 950,
    # no-ops here, which each cost a call on every request: no spider sets allowed_domains
    # (the scope middleware decides what is fetched) or HTTP credentials
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
}
# Scrapy's warning, for spider authors, of internal meta keys copied into a new request: every
# yielded request and record passes through it; the spiders' tests are where it would matter.
SPIDER_MIDDLEWARES = {"scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None}
# What the crawl never fetches: hosts outside its sites, their cited hosts and the web archive;
# IP addresses; names of this machine; and, after name resolution, loopback, link-local,
# private and reserved addresses (ARCHIVER_ALLOWED_NETWORKS lists CIDR networks allowed anyway,
# e.g. a campus intranet's). Only http and https.
ARCHIVER_ALLOWED_NETWORKS: list[str] = []
TWISTED_DNS_RESOLVER = "archiver.crawl.resolver.ScopedResolver"
DOWNLOAD_HANDLERS = {"file": None, "data": None, "s3": None, "ftp": None}
# A redirect onto a page already fetched is still followed (a loop ends as a failed page).
DUPEFILTER_CLASS = "archiver.crawl.dupefilter.RedirectAwareDupeFilter"
# Size limits, on the bytes received and on what they decompress to: pages, then attachments.
ARCHIVER_PAGE_MAXSIZE = config.PAGE_MAX_BYTES
ARCHIVER_PAGE_WARNSIZE = 1 * 2**20
DOWNLOAD_MAXSIZE = config.FILE_MAX_BYTES
DOWNLOAD_WARNSIZE = 32 * 2**20
# Raw captures: WARC 1.1 files, gzip per record, rotated by size.
ARCHIVER_WARC_ENABLED = True
ARCHIVER_WARC_DIR = None  # default: warc/ beside ARCHIVER_DB
ARCHIVER_WARC_MAX_BYTES = 1_000_000_000
# True: written in a process of their own, beside the crawl, on another core.
ARCHIVER_WARC_PROCESS = True
# With the process off, True: written on a thread of this process (no gain measured on 2
# cores); False: on the reactor's thread, one exchange at a time.
ARCHIVER_WARC_THREAD = False
ITEM_PIPELINES = {
    # reads each attached document's text (in a worker process) before the file is stored
    "archiver.crawl.attachments.AttachmentTextPipeline": 250,
    "archiver.crawl.pipeline.ArchivePipeline": 300,
}
# The text of attached documents (README, "Attachment texts"): on, and the bounds of one file.
ARCHIVER_ATTACHMENT_TEXT = True
# The limits' defaults are the attachment reader's own (archiver/extract/attachments/limits.py,
# which reparse uses too): one value each, named here as settings.
ARCHIVER_ATTACHMENT_TIMEOUT = _attachment_limits.timeout  # seconds
ARCHIVER_ATTACHMENT_MAX_BYTES = _attachment_limits.max_bytes
ARCHIVER_ATTACHMENT_MAX_UNZIPPED = _attachment_limits.max_unzipped  # a .docx/.xlsx's members
ARCHIVER_ATTACHMENT_MAX_PAGES = _attachment_limits.max_pages  # PDF pages read (then partial)
# `archiver crawl` adds archiver.crawl.progress.ProgressLine when stderr is a terminal.

# The archive file; `archiver crawl` sets it from --db / $ARCHIVER_DB, `scrapy crawl` from
# -s ARCHIVER_DB=... or $ARCHIVER_DB (read by db_path() below).
ARCHIVER_DB = None
# Site profiles: the shipped ones and, replacing them by name, those of this folder
# (default: sites/ beside ARCHIVER_DB, or $ARCHIVER_SITES_DIR).
ARCHIVER_SITES_DIR = None
# Cited-host patterns replacing every profile's own (`--bureau-host`, $ARCHIVER_BUREAU_HOSTS).
ARCHIVER_BUREAU_HOSTS = None
# Incremental crawls: stop walking a list after this many already-archived items in a row;
# ARCHIVER_FULL walks every list to its end and re-checks every known page.
ARCHIVER_KNOWN_RUN = 10
ARCHIVER_FULL = False
# Archive body images too (attachments always are).
ARCHIVER_IMAGES = False
# A distributed crawl (`archiver crawl --redis URL`, `archiver worker`; archiver/distributed/):
# the Redis server, the prefix of the crawl's keys, how long a worker holds a request it took
# without renewing the lease (seconds), and this process's name (in its WARC files' names).
ARCHIVER_REDIS_URL = None
ARCHIVER_REDIS_NAMESPACE = "archiver"
ARCHIVER_REDIS_LEASE = 60.0
ARCHIVER_WORKER_NAME = None

# The archive commits its records in batches: every this many records, or once the open
# batch is this many seconds old (and at the end). A crawl killed with SIGKILL loses at most
# the open batch, whole records only; the next run fetches those pages again.
ARCHIVER_COMMIT_RECORDS = 200
ARCHIVER_COMMIT_SECONDS = 1.0

# Scrapy hands each callback's output to CONCURRENT_ITEMS asyncio tasks at once: 100 tasks
# made for every response that yields a record and a few requests. The pipelines are
# synchronous (the attachment reader waits in a worker process of its own), so one does.
CONCURRENT_ITEMS = 1
# Scrapy re-reads and parses a generator callback's source on every response to warn of a
# `return value` in it; the spiders here have none (ruff would flag one: B901).
WARN_ON_GENERATOR_RETURN_VALUE = False

# No way into a running crawl: no telnet console, and not Scrapy's remote control (new in
# Scrapy 2.19 and on by default: an HTTP server on localhost that runs the Python code it is
# sent, its token written into a job file under the user's state folder, and aiohttp loaded to
# serve it, a fifth of a second of every crawl's start).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# Taken out of the base list, not set to None in EXTENSIONS: Scrapy imports every class that
# EXTENSIONS names to compare it with the base's, which would load aiohttp all the same.
EXTENSIONS_BASE = {
    name: order
    for name, order in scrapy_defaults.EXTENSIONS_BASE.items()
    if name != "scrapy.extensions.remote_control.RemoteControl"
}
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"


def db_path(settings: BaseSettings) -> Path:
    """The archive of a crawl: ``ARCHIVER_DB``, else ``$ARCHIVER_DB``, else data/archive.db."""
    return Path(settings.get("ARCHIVER_DB") or config.db_path())


def warc_dir(settings: BaseSettings) -> Path:
    """``ARCHIVER_WARC_DIR``, else ``warc/`` in the folder of the archive database."""
    configured = settings.get("ARCHIVER_WARC_DIR")
    return Path(configured) if configured else db_path(settings).parent / "warc"


def sites_dir(settings: BaseSettings) -> Path:
    """``ARCHIVER_SITES_DIR``, else ``$ARCHIVER_SITES_DIR``, else ``sites/`` beside the archive."""
    return config.sites_dir(db_path(settings), settings.get("ARCHIVER_SITES_DIR"))
