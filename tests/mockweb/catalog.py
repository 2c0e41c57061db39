"""The facts of the default world: twelve articles, five briefs, two section lists.

Each case exists to exercise one thing the archiver must get right; the comment on it says
which. ``world.py`` renders pages from these facts and ``world.EXPECTED`` exposes them.
"""

from __future__ import annotations

from tests.mockweb.bureau import JW_HOST, KXFZG_HOST
from tests.mockweb.facts import ArticleFact, BriefFact, Figure, Link, Para, TextUrl
from tests.mockweb.site import NEWS_ROOT, ListEntry

KXFZG = f"http://{KXFZG_HOST}/gzjb"
JW = f"https://{JW_HOST}/jyzx/jyxw"

# -- briefs -------------------------------------------------------------------------------

#: Dead site; the availability API finds it.
BRIEF_2448 = BriefFact(
    url=f"{KXFZG}/2011-04-11/2448.html",
    status="archived",
    title="北京建筑工程学院扎实推进创先争优活动",
    published="2011-04-11",
    source="北京市教育工委",
    paragraphs=(
        "近期，北京建筑工程学院召开创先争优活动推进会，总结前一阶段工作，部署下一阶段任务。",
        "学校各党总支结合实际，开展了形式多样的创先争优活动，取得了明显成效。",
    ),
    live_status=502,
    capture_ts="20110415083012",
    in_availability=True,
)
#: Dead site; only CDX finds it (the availability API says "none"). Cited with "）。" after it.
BRIEF_2502 = BriefFact(
    url=f"{KXFZG}/2011-05-06/2502.html",
    status="archived",
    title="北京建筑工程学院召开创先争优活动点评工作会",
    published="2011-05-06",
    source="北京建筑工程学院",
    paragraphs=(
        "5月6日上午，北京建筑工程学院召开创先争优活动点评工作会。",
        "会议对各党总支开展创先争优活动的情况逐一进行了点评。",
    ),
    live_status=502,
    capture_ts="20110510120233",
    in_availability=False,
)
#: Dead site and never archived: the archiver must record it as unavailable.
BRIEF_2611 = BriefFact(url=f"{KXFZG}/2011-06-20/2611.html", status="unavailable", live_status=502)
#: The live TRS site.
BRIEF_JW_LIVE = BriefFact(
    url=f"{JW}/202206/t20220610_2741234.html",
    status="live",
    title="北京建筑大学召开全面从严治党工作会议",
    published="2022-06-10T09:30+08:00",
    source="北京建筑大学",
    column="教育新闻",
    paragraphs=(
        "6月10日，北京建筑大学召开2022年全面从严治党工作会议暨警示教育大会。",
        "会议要求，坚持把纪律和规矩挺在前面，推动全面从严治党向纵深发展。",
    ),
)
#: Withdrawn from the live site (404) but archived: the archiver must fall back to the archive.
BRIEF_JW_GONE = BriefFact(
    url=f"{JW}/202106/t20210618_2415678.html",
    status="archived",
    title="北京高校党建示范创建和质量创优工作推进会召开",
    published="2021-06-18T16:05+08:00",
    source="北京市教育委员会",
    column="教育新闻",
    paragraphs=(
        "6月18日，北京高校党建示范创建和质量创优工作推进会召开。",
        "会议公布了第二批北京高校党建示范创建和质量创优工作培育创建单位名单。",
    ),
    live_status=404,
    capture_ts="20210620031522",
    in_availability=True,
)

BRIEFS = (BRIEF_2448, BRIEF_2502, BRIEF_2611, BRIEF_JW_LIVE, BRIEF_JW_GONE)

# -- articles -----------------------------------------------------------------------------


def _url(path: str) -> str:
    return NEWS_ROOT + path


#: Newest style: full meta line with mixed colons, an image, a linked live brief, a .doc.
A_PARTY = ArticleFact(
    url=_url("/ttxw/3f6b2c9e8d7a4b1c9e0f2a3b4c5d6e7f.htm"),
    title="学校召开2022年全面从严治党工作会议暨警示教育大会",
    published="2022-06-10",
    column="头条新闻",
    department="党建工作处(巡察办公室)",
    contributor="党建工作处",
    reviewer="孙冬梅",
    meta_style="mixed",
    blocks=(
        Para(
            (
                "6月10日上午，学校在大兴校区召开2022年全面从严治党工作会议暨警示教育大会。"
                "校领导班子成员、全体中层干部参加会议。",
            )
        ),
        Figure(_url("/__local/A/3F/6B/2C9E8D7A4B1C_8F0A2B3C.jpg"), "会议现场"),
        Para(
            (
                "会议传达了北京市教育系统全面从严治党工作会议精神（",
                Link(BRIEF_JW_LIVE.url, "北京市教委官网报道", "cite"),
                "）。",
            )
        ),
        Para(("会议强调，要把全面从严治党要求贯穿办学治校全过程。",)),
        Para(
            (
                Link(
                    _url("/__local/D/5A/2B/7C1E9F0A3B4D_2022.doc"),
                    "附件：2022年全面从严治党工作要点.doc",
                    "attachment",
                ),
            )
        ),
    ),
    must_contain=("6月10日上午",),
)
#: Full-width colons; links a jw page that is gone live but archived.
A_ORG = ArticleFact(
    url=_url("/ttxw/a1c4e7f0b3d6492c8e5f1a2b3c4d5e6f.htm"),
    title="我校入选北京高校党建示范创建和质量创优工作培育单位",
    published="2022-05-20",
    column="头条新闻",
    department="组织部",
    contributor="组织部",
    reviewer="李红",
    meta_style="fullwidth",
    blocks=(
        Para(("近日，我校入选北京高校党建示范创建和质量创优工作培育单位。",)),
        Para(
            (
                "据北京市教委发布的消息（",
                Link(BRIEF_JW_GONE.url, "高校党建示范创建和质量创优工作推进会召开", "cite"),
                "），全市共有多所高校入选。",
            )
        ),
        Figure(_url("/__local/B/A1/C4/E7F0B3D6492C_1A2B3C4D.jpg"), "学校党委召开专题会议"),
    ),
)
A_TEACHING = ArticleFact(
    url=_url("/ttxw/5d2e8f1a9b3c4d7e8f0a1b2c3d4e5f60.htm"),
    title="学校召开2022年本科教学工作会议",
    published="2022-04-28",
    column="头条新闻",
    department="教务处",
    contributor="教务处",
    reviewer="张强",
    blocks=(
        Para(("4月28日下午，学校召开2022年本科教学工作会议。",)),
        Para(("会议总结了2021年本科教学工作，部署了2022年重点任务。",)),
    ),
)
#: "&" in the body: escaping must round-trip.
A_SCIENCE = ArticleFact(
    url=_url("/ttxw/9e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b.htm"),
    title="我校在2021年度国家自然科学基金项目申报中取得佳绩",
    published="2021-12-15",
    column="头条新闻",
    department="科技处",
    contributor="科技处",
    blocks=(
        Para(
            ("近日，国家自然科学基金委员会公布了2021年度项目评审结果，我校获批项目数创历史新高。",)
        ),
        Para(("学校科研经费（R&D）投入持续增长，为申报工作提供了有力支撑。",)),
    ),
    must_contain=("R&D",),
)
A_SPORTS = ArticleFact(
    url=_url("/ttxw/7b1e4a9c2d8f4e3a9c6b5d0e1f2a3b4c.htm"),
    title="北京建筑大学举行第十届学生运动会",
    published="2018-05-16",
    column="头条新闻",
    department="体育部",
    blocks=(
        Para(("5月16日，学校第十届学生运动会在大兴校区体育场举行。",)),
        Figure(_url("/__local/C/7B/1E/4A9C2D8F4E3A_5E6F7A8B.jpg"), "运动会开幕式"),
        Para(("本届运动会共设田径项目二十余项，两千余名学生参赛。",)),
    ),
)
#: An older numeric id under another column; a photo story (two images).
A_PHOTO = ArticleFact(
    url=_url("/tgx/85698.htm"),
    title="金秋时节大兴校区银杏叶黄",
    published="2016-10-14",
    column="图说建大",
    department="宣传部",
    meta_style="fullwidth",
    blocks=(
        Figure(_url("/__local/E/85/69/8A1B2C3D4E5F_01.jpg"), "图书馆前的银杏大道"),
        Figure(_url("/__local/E/85/69/8A1B2C3D4E5F_02.jpg"), "学生在银杏树下晨读"),
        Para(("金秋时节，大兴校区的银杏叶渐渐变黄，校园里一片金色。",)),
    ),
)
#: Pasted from Word; ``5月6日`` sits inside ``st1:chsdate``; a text citation followed by "）。".
A_REVIEW = ArticleFact(
    url=_url("/xxyw/26537.htm"),
    title="我校召开创先争优活动点评工作会",
    published="2011-05-06",
    column="学校要闻",
    word_markup=True,
    blocks=(
        Para(("5月6日上午，学校在西城校区召开创先争优活动点评工作会，校党委书记出席会议并讲话。",)),
        Para(("会议对各党总支开展创先争优活动的情况进行了点评。",)),
        Para(
            (
                "北京市教育工委工作简报对我校的做法进行了报道（网址: ",
                TextUrl(BRIEF_2502.url),
                "）。",
            )
        ),
    ),
    must_contain=("5月6日上午",),
)
#: The seed article: empty 部门, Word markup, a plain-text ``网址: …`` line.
A_SEED = ArticleFact(
    url=_url("/zhxw/26536.htm"),
    title="我校扎实推进创先争优活动",
    published="2011-04-11",
    column="综合新闻",
    word_markup=True,
    blocks=(
        Para(("4月8日，学校召开创先争优活动推进会，总结前一阶段工作，部署下一阶段任务。",)),
        Para(("北京市教育工委工作简报刊发了我校的经验做法。",)),
        Para(("网址: ", TextUrl(BRIEF_2448.url))),
    ),
    must_contain=("4月8日，学校召开",),
)
#: Cites a dead brief nobody archived (full-width ``网址：``).
A_JUBILEE = ArticleFact(
    url=_url("/zhxw/26601.htm"),
    title="我校召开庆祝建党90周年暨创先争优表彰大会",
    published="2011-06-20",
    column="综合新闻",
    word_markup=True,
    meta_style="fullwidth",
    blocks=(
        Para(("6月20日下午，学校召开庆祝中国共产党成立90周年暨创先争优表彰大会。",)),
        Para(("详见北京市教育工委工作简报（网址：", TextUrl(BRIEF_2611.url), "）")),
    ),
    must_contain=("6月20日下午",),
)
A_INTEGRITY = ArticleFact(
    url=_url("/zhxw/26480.htm"),
    title="我校召开2011年党风廉政建设工作会议",
    published="2011-03-25",
    column="综合新闻",
    word_markup=True,
    blocks=(
        Para(("3月25日，学校召开2011年党风廉政建设工作会议。",)),
        Para(("会议部署了2011年党风廉政建设和反腐败工作。",)),
    ),
)
A_CONTEST = ArticleFact(
    url=_url("/zhxw/e4d3c2b1a0f94e8d7c6b5a4f3e2d1c0b.htm"),
    title="我校举办第六届“建大杯”创新创业大赛决赛",
    published="2020-11-05",
    column="综合新闻",
    department="创新创业教育学院",
    contributor="学生处",
    reviewer="刘洋",
    meta_style="mixed",
    blocks=(
        Para(("11月5日，我校第六届“建大杯”创新创业大赛决赛在大兴校区举行。",)),
        Figure(_url("/__local/F/E4/D3/C2B1A0F94E8D_9C0D1E2F.jpg"), "决赛现场"),
    ),
)
A_TEACHERS = ArticleFact(
    url=_url("/zhxw/2c8e4a6f1b3d5e7f9a0b2c4d6e8f0a1b.htm"),
    title="学校隆重庆祝第35个教师节",
    published="2019-09-10",
    column="综合新闻",
    department="人事处",
    contributor="工会",
    reviewer="陈静",
    blocks=(
        Para(("9月10日，学校举行庆祝第35个教师节表彰大会。",)),
        Para(("大会表彰了一批优秀教师和先进集体。",)),
    ),
)

ARTICLES = (
    A_PARTY, A_ORG, A_TEACHING, A_SCIENCE, A_SPORTS, A_PHOTO,
    A_REVIEW, A_SEED, A_JUBILEE, A_INTEGRITY, A_CONTEST, A_TEACHERS,
)  # fmt: skip

# -- section lists ------------------------------------------------------------------------

#: Off-site: a WeChat article. Listed, never fetched.
WECHAT = ListEntry("https://mp.weixin.qq.com/s/abc", "【微信】建大校园里的初夏", "2022-05-25")
#: Looks like an article but sits under ``/system/``, which robots.txt disallows.
SYSTEM = ListEntry(_url("/system/26999.htm"), "内部测试页面（不应抓取）", "2011-03-01")

#: (path, label, pages): each page a list of article URLs or off-site entries, newest first.
#: A_PARTY and A_REVIEW are listed under both sections.
SECTIONS: tuple[tuple[str, str, tuple[tuple[str | ListEntry, ...], ...]], ...] = (
    ("ttxw", "头条新闻", (
        (A_PARTY.url, WECHAT, A_ORG.url, A_TEACHING.url),
        (A_SCIENCE.url, A_SPORTS.url, A_PHOTO.url),
        (A_REVIEW.url,),
    )),
    ("zhxw", "综合新闻", (
        (A_PARTY.url, A_CONTEST.url, A_TEACHERS.url, A_JUBILEE.url),
        (A_REVIEW.url, A_SEED.url, A_INTEGRITY.url, SYSTEM),
    )),
)  # fmt: skip
