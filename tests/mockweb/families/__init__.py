"""News sites of three CMS families (SITES.md §5–§6), served beside the default world.

:func:`family_world` is the default world plus a VSB site (``news.whu.edu.cn``), a SUDY
WebPlus site (``news.hdu.edu.cn``) and a TRS site (``jyt.hunan.gov.cn``), each one paged list
of five articles rendered from the facts in ``catalog.py``. What each should yield is in
``world.expected.family_sites["vsb" | "sudy" | "trs"]`` (:data:`FAMILY_SITES` for assertions
that need no server): a :class:`~tests.mockweb.facts.FamilySite` with its start URL, family,
twins, challenged URLs and an :class:`~tests.mockweb.facts.Expected` of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import partial
from urllib.parse import urlsplit

from tests.mockweb import catalog as default_catalog
from tests.mockweb.facts import ArticleFact, FamilySite
from tests.mockweb.families import catalog, sudy, trs, vsb
from tests.mockweb.families.common import SiteSpec, add_site
from tests.mockweb.site import ListEntry
from tests.mockweb.world import World, default_world

__all__ = ["FAMILY_SITES", "add_family_sites", "family_world"]


def family_world() -> World:
    """A fresh default world plus the three family sites (facts in ``expected.family_sites``)."""
    world = default_world()
    add_family_sites(world)
    return world


def add_family_sites(world: World) -> dict[str, FamilySite]:
    """Serve the three family sites in ``world`` and record their facts in its ``expected``."""
    sites = {"vsb": _add_vsb(world), "sudy": _add_sudy(world), "trs": _add_trs(world)}
    world.expected = replace(world.expected, family_sites={**world.expected.family_sites, **sites})
    return sites


def _newest_first(articles: Sequence[ArticleFact]) -> list[ArticleFact]:
    return sorted(articles, key=lambda a: a.published, reverse=True)


def _add_vsb(world: World) -> FamilySite:
    spec = SiteSpec(
        name="whu",
        family="vsb",
        title=vsb.SITE_NAME,
        host=vsb.VSB_HOST,
        section=vsb.COLUMN,
        articles=tuple(p.fact for p in catalog.VSB_ARTICLES),
        layout=catalog.VSB_LAYOUT,
        robots=vsb.ROBOTS_TXT,
        boilerplate=vsb.BOILERPLATE,
    )
    return add_site(
        world,
        spec,
        vsb.list_page_urls(len(spec.layout)),
        vsb.twin_url,
        vsb.render_list_page,
        lambda w, arts: vsb.add_articles(w, catalog.VSB_ARTICLES, _newest_first(arts)),
        default_catalog.BRIEFS,
        vsb.CONTENT_TYPE,
    )


def _add_sudy(world: World) -> FamilySite:
    challenged = {catalog.CHALLENGED_202.url: 202, catalog.CHALLENGED_200.url: 200}
    spec = SiteSpec(
        name="hdu",
        family="sudy",
        title=sudy.SITE_NAME,
        host=sudy.SUDY_HOST,
        section=sudy.COLUMN,
        articles=tuple(p.fact for p in catalog.SUDY_ARTICLES),
        layout=catalog.SUDY_LAYOUT,
        robots=sudy.ROBOTS_TXT,
        boilerplate=sudy.BOILERPLATE,
        challenged=tuple(challenged),
    )
    absolute = {p.fact.url for p in catalog.SUDY_ARTICLES if p.linked_absolute}
    render_list = partial(
        sudy.render_list_page,
        per_count=max(len(page) for page in spec.layout),
        all_count=sum(len(page) for page in spec.layout),
        absolute=absolute,
    )
    site = add_site(
        world,
        spec,
        sudy.list_page_urls(len(spec.layout)),
        sudy.twin_url,
        render_list,
        lambda w, arts: sudy.add_articles(w, catalog.SUDY_ARTICLES, _newest_first(arts)),
        default_catalog.BRIEFS,
        sudy.CONTENT_TYPE,
    )
    for url, status in challenged.items():
        sudy.add_challenge(world, url, status)
    return site


def _add_trs(world: World) -> FamilySite:
    spec = SiteSpec(
        name="hunan_jyt",
        family="trs",
        title=trs.SITE_NAME,
        host=trs.TRS_HOST,
        section=trs.COLUMN,
        articles=catalog.TRS_ARTICLES,
        layout=catalog.TRS_LAYOUT,
        robots=trs.ROBOTS_TXT,
        boilerplate=trs.BOILERPLATE,
        off_site=_off_site(catalog.TRS_LAYOUT, trs.TRS_HOST),
    )
    return add_site(
        world,
        spec,
        trs.list_page_urls(len(spec.layout)),
        None,
        trs.render_list_page,
        lambda w, arts: trs.add_articles(w, arts),
        default_catalog.BRIEFS,
        trs.CONTENT_TYPE,
    )


def _off_site(layout: Sequence[Sequence[str | ListEntry]], host: str) -> tuple[str, ...]:
    return tuple(
        e.url
        for page in layout
        for e in page
        if isinstance(e, ListEntry) and urlsplit(e.url).hostname != host
    )


#: The facts of the family sites, for assertions that need no running server.
FAMILY_SITES: Mapping[str, FamilySite] = family_world().expected.family_sites
