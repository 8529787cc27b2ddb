"""The legacy import puts back in step what the old site read one byte out of step — only where that is proved —
lists what it could not repair, and dates the article from its text (a year left out is guessed, and flagged)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from fangkong.core import clock
from fangkong.core.errors import Code
from fangkong.portal.legacy import article_import, clean
from fangkong.portal.models import Article, ImportFinding

# The reference page as the project received it (shared/ beside the repository), not the demo's copy of it.
SHARED = Path(settings.BASE_DIR).parent.parent / "shared" / "reference" / "meeting-article.txt"
GARBLED = "?!拔逡弧逼陂g"


# The demo's copy is the same bytes (checked where shared/ is present): a clone alone, as CI has, tests it too.
DEMO = Path(__file__).resolve().parents[1] / "demo" / "meeting-article.txt"


@pytest.fixture
def reference() -> bytes:
    if SHARED.is_file():
        assert SHARED.read_bytes() == DEMO.read_bytes(), "the demo's copy of the reference page has drifted"
        return SHARED.read_bytes()
    return DEMO.read_bytes()


def test_the_reference_page_is_repaired_before_it_is_simplified(reference):
    assert GARBLED in reference.decode()  # the page still carries the garbage this test is about
    c = clean(reference, today=date(2026, 12, 2))
    body = c.body_html
    assert "统筹好发展和安全。“五一”期间离盘必须向单位和社区报备" in body
    assert "拔逡弧逼陂" not in body and "?!" not in body and "陂g" not in body
    assert [(r.before, r.after) for r in c.repairs] == [(GARBLED, "。“五一”期间")]
    assert "[。“五一”期间]离盘" in c.repairs[0].context  # where it is, as the draft reads
    assert c.suspicions == []  # nothing else on the page looks garbled


def test_the_published_reference_article_reads_right_and_keeps_the_record(district, newsroom, reference):
    from fangkong.portal.articles import article_approve, article_submit

    with clock.frozen_at(timezone.make_aware(datetime(2026, 12, 2, 10, 0))):
        article, cleaned = article_import(actor=newsroom["editor"], raw=reference, source="meeting-article.txt")
    assert cleaned.date == date(2026, 4, 27) and cleaned.date_guessed
    found = {(f.kind, f.before, f.after) for f in ImportFinding.objects.filter(article=article)}
    assert found == {("repaired", GARBLED, "。“五一”期间"), ("date_guessed", "", "2026-04-27")}
    draft = district.client(newsroom["editor"]).get(f"/news/manage/{article.pk}/").content.decode()
    assert 'data-finding="repaired"' in draft and GARBLED in draft and 'data-finding="date_guessed"' in draft
    article_submit(actor=newsroom["editor"], article_id=article.pk)
    article_approve(actor=newsroom["reviewer"], article_id=article.pk)
    a = Article.objects.get(pk=article.pk)
    assert clock.localdate(a.published_at) == date(2026, 4, 27)  # approval keeps the date from the text
    page = Client().get(f"/news/{article.pk}/").content.decode()
    assert "“五一”期间离盘" in page and "拔逡弧逼陂" not in page and "?!" not in page
    assert 'datetime="2026-04-27' in page


def _shifted(text: str, index: int) -> str:
    """`text` as a page that lost its byte at `index` reads: GBK, one byte short, decoded with replacements."""
    raw = text.encode("gbk")
    return (raw[:index] + raw[index + 1 :]).decode("gbk", errors="replace")


@pytest.mark.parametrize(
    ("original", "lost"),
    [
        ("會議強調，“五一”期間要做好防控工作。", "“"),  # the lead of “ dropped: 拔逡弧逼陂g
        ("區委書記主持會議並講話，強調要壓實責任。", "，"),  # read out of step until 調's trail byte (0x7B)
        ("嚴格落實“五一”期間疫情防控制度。", "“"),
        ("“外防輸入、內防反彈”工作，堅決守住區域出入道口。", "，"),
    ],
)
def test_a_dropped_lead_byte_is_put_back(original, lost):
    from fangkong.portal.mojibake import repair_line

    index = len(original[: original.index(lost)].encode("gbk"))
    garbled = _shifted(original, index)
    assert garbled != original
    fixed, repairs, doubts = repair_line(garbled)
    assert fixed == original and len(repairs) == 1 and doubts == []


def test_the_lone_byte_shown_as_a_question_mark_is_restored():
    from fangkong.portal.mojibake import repair_line

    # The old site showed the lead byte it could not pair as "?" and folded full-width ！ to "!".
    raw = "要求各街道嚴格落實。“五一”期間值守制度".encode("gbk")
    at = raw.index("。".encode("gbk"))
    garbled = (raw[:at] + b"?" + raw[at + 1 :]).decode("gbk").replace("！", "!")
    assert "?!" in garbled
    fixed, repairs, _doubts = repair_line(garbled)
    assert fixed == "要求各街道嚴格落實。“五一”期間值守制度"
    assert repairs[0].before.startswith("?!") and repairs[0].after == "。“五一”期間"


SENTENCES = [
    "會議強調，“五一”期間要做好防控工作。",
    "各街道要加強組織領導，確保不漏一人。",
    "區委書記主持會議並講話，強調要壓實責任。",
    "嚴格落實“五一”期間疫情防控、安全應急領導帶班和值班值守制度。",
    "“外防輸入、內防反彈”工作，堅決守住區域出入道口。",
    "區疫情指揮部要進一步完善指揮協調機制，發揮牽頭抓總作用。",
    "學校要錯峰放假，教育學生“五一”不外出。",
    "今天我们召开会议，部署疫情防控工作。",
]


def test_every_single_byte_loss_is_repaired_right_or_left_alone():
    """Over every byte of these sentences dropped in turn: a repair never says what the text did not."""
    from fangkong.portal.mojibake import repair_line

    repaired = flagged = 0
    for original in SENTENCES:
        for index in range(len(original.encode("gbk"))):
            garbled = _shifted(original, index)
            _fixed, repairs, doubts = repair_line(garbled)
            for r in repairs:
                tail = len(garbled) - r.end  # the in-step text after the run is the original's end
                assert original[len(original) - tail - len(r.after) : len(original) - tail] == r.after, garbled
            repaired += len(repairs)
            flagged += bool(doubts)
    assert repaired >= 10 and flagged >= 150


def test_a_shift_that_ends_on_a_lost_byte_is_flagged_not_repaired():
    from fangkong.portal.mojibake import repair_line

    garbled = _shifted("今天我们召开会议，部署疫情防控工作。", 6)  # 们's lead: 钦倏 and a lost trail byte
    fixed, repairs, doubts = repair_line(garbled)
    assert fixed == garbled and repairs == []
    assert len(doubts) == 1 and "\ufffd" in doubts[0].text


@pytest.mark.parametrize(
    "text",
    [
        "他在陂塘边散步，看到逡巡的白鹭。",  # rare but real characters
        "下载APP办理，使用Wi-Fi上网，登录www.gov.cn查询。",
        "做B超检查，拍X光片，买A股。",
        "耿敏主持会议，尹久辉讲话，区长部署工作。",
    ],
)
def test_rare_but_real_text_is_neither_repaired_nor_flagged(text):
    from fangkong.portal.mojibake import repair_line

    assert repair_line(text) == (text, [], [])


def test_a_run_of_rare_characters_is_not_repaired_though_the_editor_is_asked_to_look():
    from fangkong.portal.mojibake import repair_line

    text = "鼋鼍蛟龙，魑魅魍魉，饕餮之徒，陂g塘。"  # no byte put back makes common text of these
    fixed, repairs, doubts = repair_line(text)
    assert fixed == text and repairs == []
    assert "魑魅魍魉" in [d.text for d in doubts]


def test_unresolved_suspicions_are_kept_and_shown_to_the_editor(district, newsroom):
    garbled = _shifted("今天我们召开会议，部署疫情防控工作。", 6)
    page = f"当前位置：首页 > 动态要闻 > 兴隆要闻\n会议召开\n{garbled}\n".encode()
    article, cleaned = article_import(actor=newsroom["editor"], raw=page)
    assert cleaned.repairs == [] and len(cleaned.suspicions) == 1
    assert garbled in article.versions.get().body_html  # kept as it was
    row = ImportFinding.objects.get(article=article)
    assert row.kind == "suspicious" and "\ufffd" in row.before
    shown = district.client(newsroom["editor"]).get(f"/news/manage/{article.pk}/").content.decode()
    assert 'data-finding="suspicious"' in shown


@pytest.mark.parametrize(
    ("text", "today", "dated", "guessed"),
    [
        ("4月27日下午，区里召开会议。", date(2026, 12, 2), date(2026, 4, 27), True),
        ("4月27日下午，区里召开会议。", date(2026, 4, 27), date(2026, 4, 27), True),  # the import day itself
        ("4月27日下午，区里召开会议。", date(2026, 4, 26), date(2025, 4, 27), True),  # not after the import day
        ("2月29日，区里召开会议。", date(2026, 3, 1), date(2024, 2, 29), True),
        ("2022年4月27日下午，区里召开会议。", date(2026, 12, 2), date(2022, 4, 27), False),
        ("区里召开会议，要求5月5日前完成排查。", date(2026, 12, 2), None, False),  # a date, but not the dateline
    ],
)
def test_the_date_comes_from_the_text(text, today, dated, guessed):
    c = clean(f"会议召开\n{text}", today=today)
    assert (c.date, c.date_guessed) == (dated, guessed)


def test_the_editor_corrects_a_guessed_date_before_publishing(district, newsroom):
    from fangkong.core.errors import FieldError
    from fangkong.portal.articles import article_approve, article_submit, article_update

    page = "当前位置：首页 > 动态要闻 > 兴隆要闻\n会议召开\n4月27日下午，区里召开会议。\n".encode()
    with clock.frozen_at(timezone.make_aware(datetime(2026, 12, 2, 10, 0))):
        article, cleaned = article_import(actor=newsroom["editor"], raw=page)
        assert cleaned.date_guessed and article.import_findings.filter(kind="date_guessed").exists()
        ed = district.client(newsroom["editor"])
        form = {"action": "save", "title": "会议召开", "body_html": "<p>区里召开会议。</p>", "category": "兴隆要闻"}
        late = ed.post(f"/news/manage/{article.pk}/", {**form, "dated": "2026-12-03"})
        assert (late.context["error"].field, late.context["error"].code) == ("dated", Code.IN_FUTURE)
        assert ed.post(f"/news/manage/{article.pk}/", {**form, "dated": "2022-04-27"}).status_code == 302
        article.refresh_from_db()
        assert clock.localdate(article.published_at) == date(2022, 4, 27)
        assert not article.import_findings.filter(kind="date_guessed").exists()  # settled by the editor
        article_submit(actor=newsroom["editor"], article_id=article.pk)
        article_approve(actor=newsroom["reviewer"], article_id=article.pk)
        with pytest.raises(FieldError) as refused:
            article_update(
                actor=newsroom["editor"], article_id=article.pk, title="会议", body_html="<p>x</p>",
                dated=date(2022, 4, 28),
            )  # fmt: skip
        assert (refused.value.field, refused.value.code) == ("dated", Code.WRONG_STATE)


def test_the_demo_puts_the_meeting_first_in_its_category_with_neighbours(district, newsroom):
    from fangkong.portal import seeding

    with clock.frozen_at(timezone.make_aware(datetime(2026, 12, 2, 10, 0))):
        assert seeding.seed()["articles"] == 7
        meeting = Article.objects.get(title="我区召开疫情防控暨安全生产工作会议")
        assert clock.localdate(meeting.published_at) == date(2026, 4, 27) and meeting.pinned
        anon = Client()
        listing = anon.get("/news/c/xinglong-news/").content.decode()
        titles = [a.title for a in Article.objects.filter(category__slug="xinglong-news")]
        first = min((listing.index(t), t) for t in titles)[1]
        assert first == meeting.title and len(titles) == 4
        page = anon.get(f"/news/{meeting.pk}/").content.decode()
        assert "“五一”期间离盘" in page and "拔逡弧逼陂" not in page
        assert 'rel="prev"' in page and 'rel="next"' in page  # 上一篇 / 下一篇 lead somewhere
        assert "区应急管理局开展节前安全生产专项检查" in page  # the older neighbour, dated 4月24日
        assert "督导检查" in page  # the newer one
