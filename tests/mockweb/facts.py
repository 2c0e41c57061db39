"""What the simulated world says, as data.

Every page of the mock web is rendered FROM these facts, and end-to-end tests assert AGAINST
them, so pages and expectations cannot drift apart. Field names follow ``archiver.records``
(``title``, ``published``, ``department``, ``cites`` …) without importing it: the mock web
stays independent of the code it tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlsplit

BriefStatus = Literal["live", "archived", "unavailable"]
CitationHow = Literal["link", "text"]
LinkRole = Literal["cite", "attachment", "other"]
MetaStyle = Literal["ascii", "fullwidth", "mixed"]

ARCHIVE_REPLAY = "https://web.archive.org/web/"


@dataclass(frozen=True)
class Link:
    """An ``<a href>`` inside a body paragraph. ``href`` is absolute."""

    href: str
    text: str
    role: LinkRole = "other"


@dataclass(frozen=True)
class TextUrl:
    """An address written as plain text in a body (``网址: http://…``), not a link."""

    url: str


Run = str | Link | TextUrl


@dataclass(frozen=True)
class Para:
    """A body paragraph: a sequence of text runs, links and plain-text addresses."""

    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        """The paragraph as a reader sees it (indentation excluded)."""
        return "".join(_run_text(run) for run in self.runs)


@dataclass(frozen=True)
class Figure:
    """An image in a body, with its caption paragraph below. ``src`` is absolute."""

    src: str
    caption: str


Block = Para | Figure


def _run_text(run: Run) -> str:
    if isinstance(run, str):
        return run
    if isinstance(run, Link):
        return run.text
    return run.url


@dataclass(frozen=True)
class Cite:
    """A brief cited by an article; ``how`` as in ``archiver.records.Citation``."""

    url: str
    how: CitationHow


@dataclass(frozen=True)
class ArticleFact:
    """One news article: its address, metadata and body, as the page shows them."""

    url: str
    title: str
    published: str  # YYYY-MM-DD; YYYY-MM-DDTHH:MM+08:00 when the page gives a time
    column: str  # the column label printed on the article page itself
    blocks: tuple[Block, ...]
    department: str | None = None  # None when the page prints an empty ``部门:``
    contributor: str | None = None
    reviewer: str | None = None
    sections: tuple[str, ...] = ()  # labels of the list pages that list it (set by the builder)
    word_markup: bool = False  # body pasted from Word: st1:chsdate, o:p, xml:namespace
    meta_style: MetaStyle = "ascii"
    must_contain: tuple[str, ...] = ()  # body text an extractor must keep (e.g. ``5月6日上午``)
    #: Files listed after the body, outside it (VSB's ``附件【…】`` list): attachments, not text.
    files: tuple[Link, ...] = ()

    @property
    def site(self) -> str:
        """Host name of the article."""
        return urlsplit(self.url).hostname or ""

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The body's paragraphs as plain text, captions included, in page order."""
        texts: list[str] = []
        for block in self.blocks:
            texts.append(block.text if isinstance(block, Para) else block.caption)
        return tuple(texts)

    @property
    def cites(self) -> tuple[Cite, ...]:
        """Briefs the body cites, in order, each once."""
        seen: dict[str, Cite] = {}
        for run in self._runs():
            if isinstance(run, TextUrl):
                seen.setdefault(run.url, Cite(run.url, "text"))
            elif isinstance(run, Link) and run.role == "cite":
                seen.setdefault(run.href, Cite(run.href, "link"))
        return tuple(seen.values())

    @property
    def attachments(self) -> tuple[str, ...]:
        """Absolute URLs of attached files (``.doc``, ``.pdf`` …): the body's, then ``files``."""
        in_body = [r.href for r in self._runs() if isinstance(r, Link) and r.role == "attachment"]
        return tuple(in_body + [f.href for f in self.files])

    @property
    def images(self) -> tuple[str, ...]:
        """Absolute URLs of the body's images."""
        return tuple(b.src for b in self.blocks if isinstance(b, Figure))

    def _runs(self) -> list[Run]:
        return [run for b in self.blocks if isinstance(b, Para) for run in b.runs]


@dataclass(frozen=True)
class BriefFact:
    """A bureau brief the news cites, and what the crawler should make of it.

    ``status`` is what the archiver must record: ``live`` (read from the bureau site),
    ``archived`` (read from the web archive's ``id_`` capture) or ``unavailable`` (neither;
    then title, date and source are unknowable and are ``None``).
    """

    url: str
    status: BriefStatus
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD, or YYYY-MM-DDTHH:MM+08:00 when a time is given
    source: str | None = None  # 来源 / ContentSource
    paragraphs: tuple[str, ...] = ()
    live_status: int = 200  # what the live site answers; 502 when the host is dead
    capture_ts: str | None = None  # 14-digit timestamp of the archive's capture
    in_availability: bool = False  # the availability API reports it (else only CDX finds it)
    column: str | None = None  # ColumnName, for TRS pages

    @property
    def site(self) -> str:
        """Host name of the brief."""
        return urlsplit(self.url).hostname or ""

    @property
    def archived_url(self) -> str | None:
        """The raw ``id_`` capture the archiver should read, when archived."""
        if self.status != "archived" or self.capture_ts is None:
            return None
        return f"{ARCHIVE_REPLAY}{self.capture_ts}id_/{self.url}"

    @property
    def archived_at(self) -> str | None:
        """ISO 8601 UTC time of the capture, when archived."""
        if self.status != "archived" or self.capture_ts is None:
            return None
        return timestamp_to_datetime(self.capture_ts).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class ListItemFact:
    """One entry of a section list page, as an extractor should read it."""

    url: str  # absolute
    title: str  # the full title (``title`` attribute)
    date: str  # YYYY-MM-DD


@dataclass(frozen=True)
class ListPageFact:
    """One section list page."""

    url: str
    section: str  # the label the page prints
    items: tuple[ListItemFact, ...]
    next_url: str | None  # None on the last page, whose ``a.Next`` points at itself


@dataclass(frozen=True)
class Expected:
    """Everything an end-to-end crawl of a world should find, and must not fetch."""

    articles: tuple[ArticleFact, ...]
    briefs: tuple[BriefFact, ...]
    list_pages: tuple[ListPageFact, ...]
    start_urls: tuple[str, ...]
    #: Reachable from the pages but must never be requested (off-site, robots-disallowed).
    never_fetched: tuple[str, ...] = ()
    #: Page furniture that must never end up in an extracted body.
    boilerplate: tuple[str, ...] = ()
    #: News sites of other CMS families served beside this world's (``families.family_world``),
    #: by family name (``vsb``, ``sudy``, ``trs``); empty in the default world.
    family_sites: Mapping[str, FamilySite] = field(default_factory=dict, hash=False)
    _by_url: dict[str, ArticleFact | BriefFact] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._by_url.update({a.url: a for a in self.articles})
        self._by_url.update({b.url: b for b in self.briefs})

    def article(self, url: str) -> ArticleFact:
        """The article at ``url`` (KeyError when there is none)."""
        fact = self._by_url[url]
        if not isinstance(fact, ArticleFact):
            raise KeyError(url)
        return fact

    def brief(self, url: str) -> BriefFact:
        """The brief at ``url`` (KeyError when there is none)."""
        fact = self._by_url[url]
        if not isinstance(fact, BriefFact):
            raise KeyError(url)
        return fact

    def briefs_with_status(self, status: BriefStatus) -> tuple[BriefFact, ...]:
        """Briefs the archiver should record with ``status``."""
        return tuple(b for b in self.briefs if b.status == status)


CmsFamily = Literal["vsb", "sudy", "trs"]


@dataclass(frozen=True)
class FamilySite:
    """A news site of one CMS family (SITES.md §5–§6): its one paged list and what it holds.

    ``expected`` holds the site's articles (``sections`` set from the list), the default
    world's briefs they cite, its list pages and ``start_urls == (start_url,)``. Every article
    also answers at a dynamic twin URL (``twins``: twin → the article's URL); a list item may
    link a twin. ``challenged`` URLs are listed but answer an anti-bot JavaScript challenge:
    never articles.
    """

    name: str  # a profile name for it, e.g. ``whu``
    family: CmsFamily
    title: str  # the site's name
    host: str
    section: str  # the label of its list
    expected: Expected
    twins: Mapping[str, str] = field(default_factory=dict, hash=False)
    challenged: tuple[str, ...] = ()

    @property
    def start_url(self) -> str:
        """The first page of its list: ``archiver crawl --start-url`` takes it."""
        return self.expected.start_urls[0]

    @property
    def cited_hosts(self) -> tuple[str, ...]:
        """Hosts of the briefs its articles cite, in order."""
        return tuple(dict.fromkeys(b.site for b in self.expected.briefs))


def timestamp_to_datetime(ts: str) -> datetime:
    """A Wayback timestamp (``YYYYMMDDhhmmss``, shorter ones padded) as an aware UTC datetime."""
    padded = ts + "20000101000000"[len(ts) :]
    return datetime.strptime(padded, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
