"""A page that prints no date has none: the address's date is only named in a warning."""

from __future__ import annotations

import pytest

from archiver.extract import extract_article

TRS = """<html><head><meta name="ArticleTitle" content="关于做好2026年招生工作的通知"></head>
<body><div class="TRS_Editor"><p>各高等学校：现将有关事项通知如下。</p></div></body></html>"""
HANWEB = """<html><head><meta name="ArticleTitle" content="关于公布课程认定结果的通知"></head>
<body><div id="zoom"><p>各普通高等学校：现予公布。</p></div>
<script>var jcms = 1;</script></body></html>"""


@pytest.mark.parametrize(
    ("family", "html", "url", "hint"),
    [
        ("trs", TRS, "http://jyt.hunan.gov.cn/jyt/tzgg/202603/t20260313_1.html", "2026-03-13"),
        ("hanweb", HANWEB, "http://jyt.zj.gov.cn/art/2024/3/15/art_1532973_1.html", "2024-03-15"),
    ],
)
def test_no_date_from_the_address(family: str, html: str, url: str, hint: str) -> None:
    news = extract_article(html, url, family)
    assert news.title
    assert news.published is None
    assert "published" not in news.provenance
    assert any(hint in w and w.startswith("published:") for w in news.parse_warnings)
