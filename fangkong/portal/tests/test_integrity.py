"""Content integrity: a published page whose stored text was changed behind the workflow is caught — pages show
the approved text and raise the alarm; `fangkong check-content` reports it and restores it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from fangkong.core.models import AuditEvent, Notification
from fangkong.portal.models import Article, ArticleVersion

SPAM = '<p>高清对白精彩国产国语,亚洲国产99精品国自产</p><dfn id="8iawn"></dfn>'


def _deface(article: Article) -> None:
    # What an intruder with database access does: rewrite the served row (no key, so no valid hash).
    Article.objects.filter(pk=article.pk).update(body_html=article.body_html + SPAM)


def test_a_defaced_page_shows_the_approved_text_and_raises_the_alarm(district, newsroom, publish):
    a = publish(title="会议召开", body="<p>会议部署疫情防控工作。</p>")
    told_before = Notification.objects.count()
    _deface(a)
    page = Client().get(f"/news/{a.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "会议部署疫情防控工作" in body and "精品" not in body and "<dfn" not in body
    assert AuditEvent.objects.filter(action="portal.integrity_alarm").count() == 1
    told = Notification.objects.order_by("pk")[told_before:]
    assert sorted(n.user.username for n in told) == ["reviewer", "reviewer2"]
    Client().get(f"/news/{a.pk}/print/")
    assert AuditEvent.objects.filter(action="portal.integrity_alarm").count() == 1  # once an hour, not per view
    api = Client().get(f"/api/v1/portal/articles/{a.pk}").json()
    assert "精品" not in api["body_html"]


def test_check_content_reports_and_restores(district, newsroom, publish):
    good = publish(title="正常", body="<p>正常内容</p>")
    bad = publish(title="被篡改", body="<p>原文</p>")
    _deface(bad)
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("check_content", stdout=out)
    assert exit_.value.code == 1
    assert f"article {bad.pk}" in out.getvalue() and "defaced" in out.getvalue()
    assert f"article {good.pk}" not in out.getvalue()
    out = StringIO()
    call_command("check_content", "--restore", stdout=out)
    assert "restored (version 1)" in out.getvalue()
    assert Article.objects.get(pk=bad.pk).body_html == "<p>原文</p>"
    assert AuditEvent.objects.filter(action="portal.content_restore").count() == 1
    out = StringIO()
    call_command("check_content", stdout=out)  # clean now: no exit status 1
    assert "0 published article(s) altered" in out.getvalue()


def test_an_altered_version_falls_back_to_an_earlier_one_or_goes_offline(district, newsroom, publish, api_token):
    from fangkong.portal.articles import article_approve, article_submit, article_update

    a = publish(title="第一版", body="<p>一</p>")
    article_update(actor=newsroom["editor"], article_id=a.pk, title="第二版", body_html="<p>二</p>")
    article_submit(actor=newsroom["editor"], article_id=a.pk)
    article_approve(actor=newsroom["reviewer"], article_id=a.pk)
    # The intruder rewrites both the served copy and the approved version (still without the key).
    ArticleVersion.objects.filter(article=a, number=2).update(body_html="<p>二</p>" + SPAM)
    Article.objects.filter(pk=a.pk).update(body_html="<p>二</p>" + SPAM)
    out = StringIO()
    call_command("check_content", "--restore", "--json", stdout=out)
    assert '"problem": "version_altered"' in out.getvalue() and "version 1" in out.getvalue()
    assert Client().get(f"/api/v1/portal/articles/{a.pk}").json()["body_html"] == "<p>一</p>"
    # Nothing intact left: the article goes offline rather than show spam.
    ArticleVersion.objects.filter(article=a).update(body_html=SPAM)
    Article.objects.filter(pk=a.pk).update(body_html=SPAM)
    assert Client().get(f"/news/{a.pk}/").status_code == 404
    call_command("check_content", "--restore", stdout=StringIO())
    assert Article.objects.get(pk=a.pk).state == "withdrawn"


def test_integrity_page_for_editors_restore_for_reviewers(district, newsroom, publish):
    a = publish()
    _deface(a)
    ed = district.client(newsroom["editor"])
    page = ed.get("/news/manage/integrity/")
    assert page.status_code == 200 and "differs from the approved version" in page.content.decode()
    ed.post("/news/manage/integrity/")  # an editor cannot restore
    assert "精品" in Article.objects.get(pk=a.pk).body_html
    district.client(newsroom["reviewer"]).post("/news/manage/integrity/")
    assert "精品" not in Article.objects.get(pk=a.pk).body_html
    assert district.client(district.worker_b).get("/news/manage/integrity/").status_code == 404


def test_lists_feeds_and_search_never_show_an_altered_title(district, newsroom, publish):
    a = publish(title="正常标题", body="<p>核酸检测安排</p>")
    Article.objects.filter(pk=a.pk).update(title="精品国产免费观看网址")
    anon = Client()
    for path in ("/news/", "/news/c/news/", "/news/search/?q=核酸", "/news/feed/atom/", "/news/feed/rss/"):
        body = anon.get(path).content.decode()
        assert "精品" not in body and "正常标题" in body, path


def test_a_draft_cannot_be_published_in_the_database(district, newsroom, publish):
    from fangkong.portal.articles import article_update

    a = publish(title="已审定", body="<p>审定内容</p>")
    draft = article_update(actor=newsroom["editor"], article_id=a.pk, title="未审定", body_html="<p>未经审核</p>")
    # An intruder points the article at the unapproved draft, copies its text and even marks it approved.
    ArticleVersion.objects.filter(pk=draft.pk).update(approved_at=draft.created_at)
    Article.objects.filter(pk=a.pk).update(
        published_version=draft, title=draft.title, body_html=draft.body_html, content_mac=draft.mac
    )
    assert Client().get(f"/news/{a.pk}/").status_code == 404  # nothing approved to show for that version
    call_command("check_content", "--restore", stdout=StringIO())
    page = Client().get(f"/news/{a.pk}/").content.decode()
    assert "审定内容" in page and "未经审核" not in page


def test_an_approved_text_cannot_be_moved_to_another_article(district, newsroom, publish):
    one = publish(title="第一篇", body="<p>一</p>")
    two = publish(title="第二篇", body="<p>二</p>")
    copied = Article.objects.get(pk=one.pk)
    Article.objects.filter(pk=two.pk).update(
        title=copied.title, body_html=copied.body_html, content_mac=copied.content_mac
    )
    page = Client().get(f"/news/{two.pk}/").content.decode()
    assert "<h1>第二篇</h1>" in page and "<h1>第一篇</h1>" not in page  # its own approved text, not the copy
