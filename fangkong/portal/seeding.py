"""The demo portal: the reference article (the district's meeting, imported from the defaced old site, cleaned and
repaired, dated 4月27日 from its text) pinned at the top of 兴隆要闻 between older and newer news of its own
category — so that its 上一篇 / 下一篇 lead somewhere — and a few notices and news, written by `editor`, approved
by `reviewer`, through the services."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model

from fangkong.core import clock

from .content_models import Article, ArticleVersion

REFERENCE = Path(__file__).with_name("demo") / "meeting-article.txt"

DEMO = [
    (
        "防控通告",
        "notice",
        True,
        "关于进一步加强来（返）兴人员排查管理的通告",
        "<p>为巩固疫情防控成果，所有来（返）兴人员须在抵达前通过本平台“我的服务”或所在社区进行报备，"
        "抵达后主动配合道口查验登记和核酸检测。</p><p>请广大居民“非必要不离盘”，确需离盘的，须提前履行离盘报备手续。</p>",
    ),
    (
        "安全生产",
        "notice",
        False,
        "关于开展“五一”期间安全生产大检查的通知",
        "<p>各街道、各有关部门：按照国务院安全生产十五条措施和我区安全管理意见85条要求，"
        "即日起至5月5日开展安全生产大检查，重点检查危险化学品、燃气、建筑施工、涉氨制冷等行业领域。</p>"
        "<p>群众发现安全隐患，可通过本平台“举报隐患”栏目实名或匿名举报，经核实的给予奖励。</p>",
    ),
    (
        "街道动态",
        "news",
        False,
        "振兴街道开展全员核酸检测演练",
        "<p>振兴街道组织辖区各社区开展全员核酸检测演练，按照“采、送、检、报”流程，"
        "检验采样点设置、人员组织和样本转运各环节衔接。</p>",
    ),
]


# News of the meeting's own category, from the old site too, each dated in its text `days` before the meeting.
EARLIER = [
    (
        6,
        "我区召开社区疫情防控工作推进会",
        "{date}，区疫情防控指挥部召开社区疫情防控工作推进会，听取各街道社区防控工作汇报，部署下一阶段重点任务。"
        "会议要求，各社区要严格落实网格化管理，做好来（返）兴人员排查登记，确保不漏一户、不漏一人。",
    ),
    (
        3,
        "区应急管理局开展节前安全生产专项检查",
        "{date}，区应急管理局会同区市场监管局，对辖区燃气、危险化学品和涉氨制冷企业开展节前安全生产专项检查，"
        "现场督促企业整改隐患12处，压实企业安全生产主体责任。",
    ),
]
# And one written since, published as the demo is made.
LATER = (
    "我区开展“五一”假期疫情防控和安全生产督导检查",
    "<p>“五一”假期期间，区委、区政府派出督导组，对各街道落实区疫情防控暨安全生产工作会议部署情况进行督导检查，"
    "重点检查道口查验、核酸检测、值班值守和重点企业安全生产等工作。</p>",
)


def _earlier_page(days: int, title: str, text: str, meeting: date) -> str:
    day = meeting - timedelta(days=days)
    dateline = f"{day.year}年{day.month}月{day.day}日"
    return f"当前位置：首页 > 动态要闻 > 兴隆要闻\n{title}\n{text.format(date=dateline)}\n（宣传部）\n"


def wipe() -> None:
    Article.objects.update(published_version=None)
    ArticleVersion.objects.all().delete()
    Article.objects.all().delete()


def seed(*, progress=lambda message: None) -> dict:
    from .articles import article_approve, article_create, article_submit
    from .content_models import Category
    from .defaults import ensure_categories
    from .legacy import article_import

    ensure_categories(Category)

    User = get_user_model()
    editor, reviewer = User.objects.filter(username="editor").first(), User.objects.filter(username="reviewer").first()
    if editor is None or reviewer is None:
        return {"articles": 0}
    made = []
    if REFERENCE.exists():
        # The district's main story: first in its category (pinned), dated from its text (4月27日).
        article, cleaned = article_import(actor=editor, raw=REFERENCE.read_bytes(), source=REFERENCE.name, pinned=True)
        made.append(article)
        meeting = cleaned.date or clock.localdate()
        for days, title, text in EARLIER:
            earlier, _cleaned = article_import(
                actor=editor, raw=_earlier_page(days, title, text, meeting), source="demo", category="兴隆要闻"
            )
            made.append(earlier)
        title, body = LATER
        made.append(article_create(actor=editor, title=title, body_html=body, category="兴隆要闻"))
    for category, kind, pinned, title, body in DEMO:
        made.append(
            article_create(
                actor=editor,
                title=title,
                body_html=body,
                category=category,
                kind=kind,
                pinned=pinned,
                expires_at=clock.now() + timedelta(days=30) if kind == "notice" else None,
            )
        )
    for article in made:
        article_submit(actor=editor, article_id=article.pk)
        article_approve(actor=reviewer, article_id=article.pk)
    progress(f"{len(made)} portal articles published")
    return {"articles": len(made)}
