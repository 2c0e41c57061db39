"""The fast URL paths of the extractors agree with urllib on the shapes the sites use."""

from __future__ import annotations

import itertools
from urllib.parse import urljoin

import pytest

from archiver.extract.links import normalise_url, resolve_url

BASES = [
    "https://xww.bucea.edu.cn/zhxw/26536.htm",
    "https://xww.bucea.edu.cn/ttxw/index.htm",
    "https://xww.bucea.edu.cn/ttxw/a/b/c.htm?x=1#top",
    "https://xww.bucea.edu.cn",
    "http://kxfzg.bjedu.gov.cn:8080/gzjb/2011-04-11/2448.html",
]
HREFS = [
    "../zhxw/26536.htm", "26537.htm", "./a.htm", "../../../../x.htm", "/tgx/85698.htm",
    "a/./b/../c.htm", "x.htm?page=2", "x.htm#frag", "?q=1", "#only", "", ".", "..",
    "../", "a//b.htm", "//mp.weixin.qq.com/s/abc", "https://JW.Beijing.gov.cn/a/t1.html#x",
    "HTTP://xww.bucea.edu.cn/A.htm", "mailto:x@y.cn", "javascript:void(0)",
    "docs/附件.doc", "docs/a%20b.pdf", "a;b.htm", " ../spaced.htm ", "http://[x",
]  # fmt: skip


@pytest.mark.parametrize(("base", "href"), list(itertools.product(BASES, HREFS)))
def test_resolve_url_matches_urljoin(base: str, href: str) -> None:
    if href.strip() in ("",) or href.strip().startswith("#"):
        # a link to the page itself is no resource: never an image, attachment or citation
        assert resolve_url(base, href) is None
        return
    try:
        expected = normalise_url(urljoin(base, href.strip()))
    except ValueError:
        expected = None
    assert resolve_url(base, href) == expected
