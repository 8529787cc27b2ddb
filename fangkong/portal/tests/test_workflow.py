"""The editorial workflow over the API: draft → submit → approve (never by the author) → published; anonymous
readers see published articles only; every version kept; edits wait for approval; scheduling; withdrawal."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

from fangkong.core import clock
from fangkong.core.models import AuditEvent
from fangkong.portal.models import Article

JSON = "application/json"


def _draft(client, token, **extra):
    body = {"title": "关于做好五一期间疫情防控工作的通知", "body_html": "<p>各社区：</p>", "category": "防控通告"}
    return client.post("/api/v1/portal/articles", {**body, **extra}, content_type=JSON, **token)


def test_contract_draft_submit_approve_publish(client, district, newsroom, api_token):
    ed, rev = api_token(newsroom["editor"]), api_token(newsroom["reviewer"])
    r = _draft(client, ed)
    assert r.status_code == 201 and r.json()["state"] == "draft", r.content
    aid = r.json()["id"]
    anon = Client()
    assert anon.get(f"/api/v1/portal/articles/{aid}").status_code == 404  # not published
    assert anon.get(f"/news/{aid}/").status_code == 404
    assert client.post(f"/api/v1/portal/articles/{aid}/approve", **rev).status_code == 400  # not submitted yet
    assert client.post(f"/api/v1/portal/articles/{aid}/submit", **ed).json()["state"] == "submitted"
    own = client.post(f"/api/v1/portal/articles/{aid}/approve", **ed)
    assert own.status_code == 403  # the author: an editor cannot approve at all
    ok = client.post(f"/api/v1/portal/articles/{aid}/approve", **rev)
    assert ok.status_code == 200 and ok.json()["state"] == "published" and ok.json()["published_at"]
    public = anon.get(f"/api/v1/portal/articles/{aid}")
    assert public.status_code == 200
    assert set(public.json()) >= {"id", "title", "body_html", "state", "published_at"}
    assert public.json()["title"] == "关于做好五一期间疫情防控工作的通知"
    assert AuditEvent.objects.filter(action="portal.article_approve").count() == 1


def test_a_reviewer_never_approves_their_own_text(client, district, newsroom, api_token):
    rev, rev2 = api_token(newsroom["reviewer"]), api_token(newsroom["reviewer2"])
    aid = _draft(client, rev).json()["id"]
    client.post(f"/api/v1/portal/articles/{aid}/submit", **rev)
    assert client.post(f"/api/v1/portal/articles/{aid}/approve", **rev).status_code == 403
    own = client.post(f"/api/v1/portal/articles/{aid}/reject", {"note": "撤回"}, content_type=JSON, **rev)
    assert own.status_code == 403  # nor returns it: whoever submitted a text does not decide on it
    assert client.post(f"/api/v1/portal/articles/{aid}/approve", **rev2).status_code == 200
    again = client.post(f"/api/v1/portal/articles/{aid}/approve", **rev2)
    error = again.json()["errors"][0]
    assert again.status_code == 400 and (error["field"], error["code"]) == ("state", "not_pending")


def test_versions_kept_and_an_edit_waits_for_approval(client, district, newsroom, api_token, publish):
    a = publish(title="原标题", body="<p>第一版</p>")
    ed, rev = api_token(newsroom["editor"]), api_token(newsroom["reviewer"])
    r = client.put(
        f"/api/v1/portal/articles/{a.pk}",
        {"title": "新标题", "body_html": "<p>第二版</p>", "note": "更正"},
        content_type=JSON,
        **ed,
    )
    assert r.status_code == 200 and r.json()["state"] == "draft" and r.json()["version"] == 2
    anon = Client()
    assert anon.get(f"/api/v1/portal/articles/{a.pk}").json()["title"] == "原标题"  # still the approved text
    versions = client.get(f"/api/v1/portal/articles/{a.pk}/versions", **ed).json()
    assert [(v["number"], v["approved"]) for v in versions] == [(1, True), (2, False)]
    client.post(f"/api/v1/portal/articles/{a.pk}/submit", **ed)
    client.post(f"/api/v1/portal/articles/{a.pk}/approve", **rev)
    assert anon.get(f"/api/v1/portal/articles/{a.pk}").json()["body_html"] == "<p>第二版</p>"
    first = Article.objects.get(pk=a.pk)
    assert first.published_at == a.published_at  # republishing keeps the first publication date


def test_scheduled_publishing_expiry_and_withdrawal(client, district, newsroom, api_token):
    ed, rev = api_token(newsroom["editor"]), api_token(newsroom["reviewer"])
    aid = _draft(client, ed, kind="notice", expires_at=(clock.now() + timedelta(days=3)).isoformat()).json()["id"]
    client.post(f"/api/v1/portal/articles/{aid}/submit", **ed)
    at = (clock.now() + timedelta(hours=2)).isoformat()
    r = client.post(f"/api/v1/portal/articles/{aid}/approve", {"publish_at": at}, content_type=JSON, **rev)
    assert r.status_code == 200
    anon = Client()
    assert anon.get(f"/api/v1/portal/articles/{aid}").status_code == 404  # scheduled, not yet online
    with clock.advanced(timedelta(hours=3)):
        assert anon.get(f"/api/v1/portal/articles/{aid}").status_code == 200
    with clock.advanced(timedelta(days=4)):
        assert anon.get(f"/api/v1/portal/articles/{aid}").status_code == 404  # the notice expired
    with clock.advanced(timedelta(hours=3)):
        none = client.post(f"/api/v1/portal/articles/{aid}/withdraw", {"note": ""}, content_type=JSON, **rev)
        assert none.status_code == 400 and none.json()["code"] == "reason_required"
        w = client.post(f"/api/v1/portal/articles/{aid}/withdraw", {"note": "内容过时"}, content_type=JSON, **rev)
        assert w.status_code == 200 and w.json()["state"] == "withdrawn"
        assert anon.get(f"/api/v1/portal/articles/{aid}").status_code == 404


def test_returned_with_a_note(client, district, newsroom, api_token):
    ed, rev = api_token(newsroom["editor"]), api_token(newsroom["reviewer"])
    aid = _draft(client, ed).json()["id"]
    client.post(f"/api/v1/portal/articles/{aid}/submit", **ed)
    empty = client.post(f"/api/v1/portal/articles/{aid}/reject", {"note": ""}, content_type=JSON, **rev)
    assert empty.status_code == 400 and empty.json()["code"] == "note_required"
    r = client.post(f"/api/v1/portal/articles/{aid}/reject", {"note": "标题不准确"}, content_type=JSON, **rev)
    assert r.json()["state"] == "rejected"
    event = AuditEvent.objects.get(action="portal.article_reject")
    assert event.fields["state"] == {"from": "submitted", "to": "rejected"} and event.reason == "标题不准确"
    again = client.post(f"/api/v1/portal/articles/{aid}/reject", {"note": "再退"}, content_type=JSON, **rev)
    assert again.status_code == 400 and again.json()["code"] == "not_pending"
    assert client.post(f"/api/v1/portal/articles/{aid}/submit", **ed).json()["state"] == "submitted"
    twice = client.post(f"/api/v1/portal/articles/{aid}/submit", **ed)
    assert twice.status_code == 400 and twice.json()["code"] == "wrong_state"


def test_bad_input_and_outsiders(client, district, newsroom, api_token):
    ed = api_token(newsroom["editor"])
    for extra, field, code in (
        ({"title": " "}, "title", "required"),
        ({"title": "长" * 201}, "title", "too_long"),
        ({"category": "不存在的栏目"}, "category", "not_found"),
        ({"category": ""}, "category", "required"),
        ({"body_html": "<script>alert(1)</script>"}, "body_html", "required"),  # nothing left after sanitising
        ({"body_html": "<p>x</p>" * 40000}, "body_html", "too_long"),
        ({"kind": "ad"}, "kind", "unknown_choice"),
        ({"expires_at": (clock.now() - timedelta(days=1)).isoformat()}, "expires_at", "out_of_range"),
    ):
        r = _draft(client, ed, **extra)
        assert r.status_code == 400 and r.json()["errors"][0]["field"] == field, (extra, r.content)
        assert r.json()["code"] == code, (extra, r.content)
    assert not Article.objects.exists()
    outsider = api_token(district.worker_b)
    assert _draft(client, outsider).status_code == 403
    aid = _draft(client, ed).json()["id"]
    assert client.get(f"/api/v1/portal/articles/{aid}", **outsider).status_code == 404  # drafts: editors only
    assert client.post(f"/api/v1/portal/articles/{aid}/submit", **outsider).status_code == 404
    assert client.get(f"/api/v1/portal/articles/{aid}/versions", **outsider).status_code == 404
    assert client.get("/api/v1/portal/integrity", **outsider).status_code == 404
    upd = {"title": "改", "body_html": "<p>改</p>"}
    assert client.put(f"/api/v1/portal/articles/{aid}", upd, content_type=JSON, **outsider).status_code == 404
    for action in ("approve", "reject", "withdraw"):
        r = client.post(f"/api/v1/portal/articles/{aid}/{action}", {"note": "x"}, content_type=JSON, **outsider)
        assert r.status_code == 403, action
    from django.core.files.uploadedfile import SimpleUploadedFile

    imported = client.post(
        "/api/v1/portal/articles:import", {"file": SimpleUploadedFile("a.txt", "标题\n\n正文。".encode())}, **outsider
    )
    assert imported.status_code == 403
    assert client.post("/api/v1/portal/integrity:restore", **outsider).status_code == 403
    assert Client().post("/api/v1/portal/articles", {}, content_type=JSON).status_code == 401


def test_plain_text_becomes_paragraphs(district, newsroom):
    from fangkong.portal.articles import article_create, latest_version

    a = article_create(
        actor=newsroom["editor"], title="通知", body_html="第一段 & 说明\n\n  第二段  \n", category="防控通告"
    )
    assert latest_version(a).body_html == "<p>第一段 &amp; 说明</p><p>第二段</p>"


def test_an_expiry_given_as_a_day_runs_to_its_end_in_the_api_as_on_the_page(client, district, newsroom, api_token):
    from django.utils import timezone

    day = (clock.localdate() + timedelta(days=3)).isoformat()
    aid = _draft(client, api_token(newsroom["editor"]), kind="notice", expires_at=day).json()["id"]
    expires = timezone.localtime(Article.objects.get(pk=aid).expires_at)
    assert (expires.date().isoformat(), expires.strftime("%H:%M")) == (day, "23:59")


def test_a_version_altered_after_it_was_written_is_not_approved(client, district, newsroom, api_token):
    from fangkong.portal.content_models import ArticleVersion

    ed, rev = api_token(newsroom["editor"]), api_token(newsroom["reviewer"])
    aid = _draft(client, ed).json()["id"]
    client.post(f"/api/v1/portal/articles/{aid}/submit", **ed)
    ArticleVersion.objects.filter(article_id=aid).update(body_html="<p>篡改</p>")  # behind the platform's back
    r = client.post(f"/api/v1/portal/articles/{aid}/approve", **rev)
    assert r.status_code == 400 and (r.json()["errors"][0]["field"], r.json()["code"]) == ("state", "version_altered")
    unread = client.post(f"/api/v1/portal/articles/{aid}/approve", {"publish_at": "下午"}, content_type=JSON, **rev)
    assert unread.status_code == 400 and (unread.json()["errors"][0]["field"], unread.json()["code"]) == (
        "publish_at",
        "invalid",
    )
