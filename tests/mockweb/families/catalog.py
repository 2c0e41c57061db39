"""The facts of the three family sites: five articles each, one list of three pages.

Each site cites one brief of the default world (``catalog.BRIEFS``): VSB links the live
jw brief, SUDY writes the address of an archived kxfzg brief as text, TRS links the jw brief
that is gone live but archived. The comment on a case says what it exercises.
"""

from __future__ import annotations

from tests.mockweb.catalog import BRIEF_2448, BRIEF_JW_GONE, BRIEF_JW_LIVE
from tests.mockweb.facts import ArticleFact, Figure, Link, Para, TextUrl
from tests.mockweb.families import sudy, trs, vsb
from tests.mockweb.families.sudy import SudyArticle
from tests.mockweb.families.vsb import VsbArticle
from tests.mockweb.site import ListEntry

# -- VSB: 武汉大学新闻网 ---------------------------------------------------------------------

_W = vsb.VSB_ROOT

#: A figure and a linked live brief; date AND time on the page.
V_TEACHING = VsbArticle(
    ArticleFact(
        url=vsb.info_url(1002, 71234),
        title="学校召开2026年本科教育教学工作会议",
        published="2026-03-20T10:15+08:00",
        column=vsb.COLUMN,
        department="本科生院",
        blocks=(
            Para(
                (
                    "3月20日上午，学校召开2026年本科教育教学工作会议，总结2025年本科教学工作，"
                    "部署新学期重点任务。",
                )
            ),
            Figure(f"{_W}/__local/A/3F/6B/2C9E8D7A4B1C_8F0A2B3C.jpg", "会议现场"),
            Para(
                (
                    "会议学习了兄弟高校推进本科教育教学改革的做法（",
                    Link(BRIEF_JW_LIVE.url, "北京市教委官网报道", "cite"),
                    "）。",
                )
            ),
            Para(("会议强调，要坚持以本为本，全面提高人才培养质量。",)),
        ),
    ),
    author="李明",
)
#: Listed only through its dynamic twin (content.jsp); body in #vsb_content_2; a .pdf in the
#: body (``?e=.pdf``) and a .docx in the 附件 list after it, behind download.jsp.
V_ADMISSION = VsbArticle(
    ArticleFact(
        url=vsb.info_url(1002, 71201),
        title="武汉大学2026年硕士研究生招生复试工作方案发布",
        published="2026-03-18T16:40+08:00",
        column=vsb.COLUMN,
        department="研究生院",
        blocks=(
            Para(
                (
                    "近日，学校发布2026年硕士研究生招生复试工作方案，复试将于3月下旬至4月上旬"
                    "分学院进行。",
                )
            ),
            Para(("各学院将按照公开、公平、公正的原则组织复试，复试名单见附件。",)),
            Para(
                (
                    Link(
                        f"{_W}/__local/D/5A/2B/7C1E9F0A3B4D_1C2D3E4F.pdf?e=.pdf",
                        "附件：2026年硕士研究生复试名单.pdf",
                        "attachment",
                    ),
                )
            ),
        ),
        files=(
            Link(
                f"{_W}/system/_content/download.jsp?urltype=news.DownloadAttachUrl"
                f"&owner={vsb.OWNER}&wbfileid=10234567",
                "2026年硕士研究生招生复试工作方案.docx",
                "attachment",
            ),
        ),
    ),
    author="王芳",
    content_id="vsb_content_2",
)
#: Pasted from Word; 来源 empty (department None); an ``（编辑：…）`` sign-off that is NOT a
#: department.
V_ASSISTANT = VsbArticle(
    ArticleFact(
        url=vsb.info_url(1002, 71188),
        title="【学在武大】我怎样做科研助理",
        published="2026-03-12T09:05+08:00",
        column=vsb.COLUMN,
        word_markup=True,
        blocks=(
            Para(
                (
                    "“刚进实验室时，连仪器的名字都叫不全。”回忆起第一次做科研助理的情形，"
                    "化学与分子科学学院2023级本科生陈晨笑着说。",
                )
            ),
            Para(("学校自2024年起在本科生中设立科研助理岗位，鼓励学生早进课题、早进团队。",)),
            Para(("（编辑：付晓）",)),
        ),
    ),
    author="实习生 王悦",
)
V_COOP = VsbArticle(
    ArticleFact(
        url=vsb.info_url(1002, 71150),
        title="武汉大学与湖北省教育厅签署战略合作协议",
        published="2026-03-05T15:30+08:00",
        column=vsb.COLUMN,
        department="党委宣传部",
        blocks=(
            Para(("3月5日下午，武汉大学与湖北省教育厅在珞珈山签署战略合作协议。",)),
            Figure(f"{_W}/__local/C/7B/1E/4A9C2D8F4E3A_5E6F7A8B.jpg", "签约仪式现场"),
            Para(("双方将在基础教育师资培养、高校学科建设等方面深化合作。",)),
        ),
    ),
    author="张华",
)
V_OPENING = VsbArticle(
    ArticleFact(
        url=vsb.info_url(1002, 71102),
        title="学校召开2026年春季学期开学工作会议",
        published="2026-02-28T10:00+08:00",
        column=vsb.COLUMN,
        department="党委办公室",
        blocks=(
            Para(("2月28日，学校召开2026年春季学期开学工作会议。",)),
            Para(("会议要求各单位做好开学各项准备工作，确保新学期教学秩序平稳有序。",)),
        ),
    ),
    author="刘洋",
)

VSB_ARTICLES = (V_TEACHING, V_ADMISSION, V_ASSISTANT, V_COOP, V_OPENING)
#: Pages of the list (wdyw.htm, wdyw/2.htm, wdyw/1.htm), newest first.
VSB_LAYOUT: tuple[tuple[str | ListEntry, ...], ...] = (
    (V_TEACHING.fact.url, vsb.twin_url(V_ADMISSION.fact)),
    (V_ASSISTANT.fact.url, V_COOP.fact.url),
    (V_OPENING.fact.url,),
)

# -- SUDY: 杭州电子科技大学新闻网 -------------------------------------------------------------

_H = sudy.SUDY_ROOT
_UPLOAD = f"{_H}/_upload/article"

#: A figure; a kxfzg brief's address as plain text; date only on the page.
S_SCIENCE = SudyArticle(
    ArticleFact(
        url=sudy.article_url("2026-03-26", 281020),
        title="学校召开2026年科技工作大会",
        published="2026-03-26",
        column=sudy.COLUMN,
        department="科学技术研究院",
        blocks=(
            Para(
                (
                    "3月26日下午，学校召开2026年科技工作大会，总结近年来科技工作成效，部署下一阶段"
                    "重点任务。",
                )
            ),
            Figure(
                f"{_UPLOAD}/images/8f/3c/0d1e2f3a4b5c6d7e8f9a0b1c2d3e/5a6b7c8d-1e2f.jpg", "大会现场"
            ),
            Para(
                (
                    "会上介绍了兄弟高校以党建促发展的经验，相关做法曾被北京市教育工委工作简报刊发"
                    "（网址：",
                    TextUrl(BRIEF_2448.url),
                    "）。",
                )
            ),
            Para(("大会对2025年度科技工作先进集体和个人进行了表彰。",)),
        ),
    ),
    publisher="科学技术研究院",
    views=1386,
)
#: Listed only through its ``page.psp`` twin; a .docx with ``sudyfile-attr``.
S_MODELING = SudyArticle(
    ArticleFact(
        url=sudy.article_url("2026-03-24", 281011),
        title="我校学子在全国大学生数学建模竞赛中获佳绩",
        published="2026-03-24",
        column=sudy.COLUMN,
        department="教务处",
        blocks=(
            Para(
                (
                    "近日，2025年全国大学生数学建模竞赛评审结果揭晓，我校学子获国家一等奖3项、"
                    "二等奖5项。",
                )
            ),
            Para(("学校将继续加强数学建模课程建设，提升学生创新实践能力。",)),
            Para(
                (
                    Link(
                        f"{_UPLOAD}/files/6d/2a/9b8c7d6e5f4a3b2c1d0e9f8a7b6c/3e4f5a6b-7c8d.docx",
                        "附件：2025年全国大学生数学建模竞赛获奖名单.docx",
                        "attachment",
                    ),
                )
            ),
        ),
    ),
    publisher="教务处",
    views=542,
)
#: 发布者 empty: the department is only in the sign-off line at the end of the body.
S_INTEGRITY = SudyArticle(
    ArticleFact(
        url=sudy.article_url("2026-03-20", 280998),
        title="学校召开2026年党风廉政建设和反腐败工作会议",
        published="2026-03-20",
        column=sudy.COLUMN,
        department="党委宣传部",
        blocks=(
            Para(("3月20日，学校召开2026年党风廉政建设和反腐败工作会议。",)),
            Para(("会议要求，坚持严的基调不动摇，一体推进不敢腐、不能腐、不想腐。",)),
            Para(("（党委宣传部）",)),
        ),
    ),
    publisher="",
    views=873,
)
#: The list links it with an absolute URL.
S_LECTURE = SudyArticle(
    ArticleFact(
        url=sudy.article_url("2026-03-17", 280976),
        title="计算机学院举办人工智能前沿学术报告会",
        published="2026-03-17",
        column=sudy.COLUMN,
        department="计算机学院",
        blocks=(
            Para(("3月17日，计算机学院举办人工智能前沿学术报告会，邀请国内知名学者作专题报告。",)),
            Para(("报告会吸引了两百余名师生参加。",)),
        ),
    ),
    publisher="计算机学院",
    views=311,
    linked_absolute=True,
)
S_CAREERS = SudyArticle(
    ArticleFact(
        url=sudy.article_url("2026-03-10", 280931),
        title="学校召开2026年招生就业工作推进会",
        published="2026-03-10",
        column=sudy.COLUMN,
        department="招生就业处",
        blocks=(
            Para(("3月10日，学校召开2026年招生就业工作推进会。",)),
            Para(("会议分析了当前毕业生就业形势，部署了春季招聘工作。",)),
        ),
    ),
    publisher="招生就业处",
    views=265,
)
#: Listed, but the gateway answers a JavaScript challenge: 202, then 200 (no clue in the status).
CHALLENGED_202 = ListEntry(
    sudy.article_url("2026-03-22", 280987), "学校召开教材建设与管理工作推进会", "2026-03-22"
)
CHALLENGED_200 = ListEntry(
    sudy.article_url("2026-03-12", 280950), "我校举办第十二届教职工运动会", "2026-03-12"
)

SUDY_ARTICLES = (S_SCIENCE, S_MODELING, S_INTEGRITY, S_LECTURE, S_CAREERS)
#: Pages of the list (list.htm, list2.htm, list3.htm), newest first.
SUDY_LAYOUT: tuple[tuple[str | ListEntry, ...], ...] = (
    (S_SCIENCE.fact.url, sudy.twin_url(S_MODELING.fact), CHALLENGED_202),
    (S_INTEGRITY.fact.url, S_LECTURE.fact.url, CHALLENGED_200),
    (S_CAREERS.fact.url,),
)

# -- TRS: 湖南省教育厅 ----------------------------------------------------------------------

_T = f"{trs.TRS_ROOT}{trs.COLUMN_PATH}"

#: A figure (./W0….jpg) and a link to the jw brief that is gone live (archived).
T_MEETING = ArticleFact(
    url=trs.doc_url("2026-03-18", 33912345),
    title="2026年全省教育工作会议在长沙召开",
    published="2026-03-18T09:30+08:00",
    column=trs.COLUMN,
    department="湖南省教育厅",
    blocks=(
        Para(
            (
                "3月18日，2026年全省教育工作会议在长沙召开。会议总结2025年全省教育工作，"
                "部署2026年重点任务。",
            )
        ),
        Figure(f"{_T}/202603/W020260318392716458193.jpg", "会议现场"),
        Para(
            (
                "会议指出，要学习借鉴兄弟省市高校党建工作经验（",
                Link(BRIEF_JW_GONE.url, "北京高校党建示范创建和质量创优工作推进会召开", "cite"),
                "），推动全省高校党建工作高质量发展。",
            )
        ),
        Para(("会议还对2026年教育系统安全稳定工作作了部署。",)),
    ),
)
#: A notice: two attachments (./P0….pdf, ./P0….xlsx), sign-off and date lines in the body.
T_ADMISSION = ArticleFact(
    url=trs.doc_url("2026-03-13", 33897120),
    title="湖南省教育厅关于做好2026年普通高校招生工作的通知",
    published="2026-03-13T17:02+08:00",
    column=trs.COLUMN,
    department="高校学生处",
    blocks=(
        Para(("各市州教育（体育）局，各普通高等学校：",)),
        Para(("为做好我省2026年普通高校招生工作，现将有关事项通知如下。",)),
        Para(
            (
                "附件：",
                Link(
                    f"{_T}/202603/P020260313571039245871.pdf",
                    "1.2026年普通高校招生工作规定.pdf",
                    "attachment",
                ),
            )
        ),
        Para(
            (
                Link(
                    f"{_T}/202603/P020260313571039283502.xlsx",
                    "2.2026年招生计划汇总表.xlsx",
                    "attachment",
                ),
            )
        ),
        Para(("湖南省教育厅",)),
        Para(("2026年3月13日",)),
    ),
)
#: 来源 names an outlet, not a department of the bureau.
T_AI = ArticleFact(
    url=trs.doc_url("2026-03-06", 33871456),
    title="我省推进中小学人工智能教育试点工作",
    published="2026-03-06T10:20+08:00",
    column=trs.COLUMN,
    department="湖南日报",
    blocks=(
        Para(("记者从省教育厅获悉，我省今年将在100所中小学开展人工智能教育试点。",)),
        Para(("试点学校将开设人工智能课程，建设人工智能教育实验室。",)),
    ),
)
T_JOBS = ArticleFact(
    url=trs.doc_url("2026-02-27", 33850078),
    title="2026年全省高校毕业生就业工作推进会召开",
    published="2026-02-27T15:45+08:00",
    column=trs.COLUMN,
    department="湖南省教育厅",
    blocks=(
        Para(("2月27日，2026年全省高校毕业生就业工作推进会召开。",)),
        Para(("会议要求各高校全力开拓就业渠道，确保毕业生就业局势总体稳定。",)),
    ),
)
T_SPRING = ArticleFact(
    url=trs.doc_url("2026-02-20", 33830012),
    title="省教育厅部署2026年春季学期开学工作",
    published="2026-02-20T11:00+08:00",
    column=trs.COLUMN,
    department="办公室",
    blocks=(
        Para(("近日，省教育厅印发通知，部署2026年春季学期开学工作。",)),
        Para(("通知要求各地各校做好校园安全隐患排查整治。",)),
    ),
)
#: Off-site: listed, never fetched.
GOV_CN = ListEntry(
    "https://www.gov.cn/zhengce/content/202603/content_7061234.htm",
    "国务院办公厅关于加快推进教育数字化的意见",
    "2026-03-10",
)

TRS_ARTICLES = (T_MEETING, T_ADMISSION, T_AI, T_JOBS, T_SPRING)
#: Pages of the list (index.html, index_1.html, index_2.html), newest first.
TRS_LAYOUT: tuple[tuple[str | ListEntry, ...], ...] = (
    (T_MEETING.url, T_ADMISSION.url),
    (GOV_CN, T_AI.url),
    (T_JOBS.url, T_SPRING.url),
)
