"""Directives and tasks: the contract, reach, states from the clock, escalation, evidence, passing down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from fangkong.command.directives import directive_issue, escalate_overdue
from fangkong.command.models import Directive, Task
from fangkong.conftest import make_user
from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent, Notification
from fangkong.core.tests import files

JSON = "application/json"


def _issue(client, token, recipients, hours=24, **kw):
    body = {
        "title": "张贴封控公告",
        "body": "各街道于今日内张贴",
        "deadline": (clock.now() + timedelta(hours=hours)).isoformat(),
        "recipients": recipients,
    } | kw
    return client.post("/api/v1/directives", body, content_type=JSON, **token)


@pytest.fixture
def street2(district):
    return make_user("street2", "street_officer", jurisdiction=district.s2)


def test_hq_issues_to_two_streets_and_each_sees_its_task(client, district, street2, api_token):
    r = _issue(client, api_token(district.hq), [district.s1.pk, district.s2.pk])
    assert r.status_code == 201 and len(r.json()["tasks"]) == 2
    mine = client.get("/api/v1/tasks", **api_token(district.street1)).json()
    assert mine["count"] == 1 and mine["items"][0]["state"] == "open" and mine["items"][0]["title"] == "张贴封控公告"
    task_id = mine["items"][0]["id"]
    ack = client.post(f"/api/v1/tasks/{task_id}/acknowledge", **api_token(district.street1))
    assert ack.json()["state"] == "acknowledged"
    done = client.post(
        f"/api/v1/tasks/{task_id}/complete", {"note": "已张贴"}, content_type=JSON, **api_token(district.street1)
    )
    assert done.json()["state"] == "done"
    # the other street's task is theirs alone; a community worker of street 1 does not see street 1's task
    assert (
        client.post(
            f"/api/v1/tasks/{task_id}/complete", {"note": "x"}, content_type=JSON, **api_token(street2)
        ).status_code
        == 404
    )
    assert client.get("/api/v1/tasks", **api_token(district.worker_a)).json()["count"] == 0
    assert Notification.objects.filter(user=district.street1, title__contains="张贴封控公告").exists()
    # the issuer is told (the link goes to the directive; task notices link to the task)
    assert Notification.objects.filter(user=district.hq, link__startswith="/command/directives/").count() == 1


def test_overdue_is_read_from_the_clock_and_escalated_once(client, district, street2, api_token):
    directive_issue(
        actor=district.hq,
        title="上报物资库存",
        deadline=clock.now() + timedelta(hours=2),
        recipients=[district.s1.pk, district.s2.pk],
    )
    with clock.advanced(timedelta(hours=3)):
        items = client.get("/api/v1/tasks", **api_token(street2)).json()["items"]
        assert items[0]["state"] == "overdue"
        assert escalate_overdue() == 2
        assert escalate_overdue() == 0
    notes = Notification.objects.filter(link__startswith="/command/directives/").values_list(
        "user__username", flat=True
    )
    assert sorted(notes) == ["hq", "hq"]  # the issuer, who is also the level above each street
    assert AuditEvent.objects.filter(action="task.escalate").count() == 2


def test_bad_directives_are_refused_whole(client, district, api_token):
    hq = api_token(district.hq)
    past = _issue(client, hq, [district.s1.pk], hours=-1)
    assert past.status_code == 400 and past.json()["errors"][0]["field"] == "deadline"
    assert past.json()["code"] == "out_of_range"
    unknown = _issue(client, hq, [district.s1.pk, 999999])
    assert unknown.status_code == 400 and unknown.json()["errors"][0] == {
        "field": "recipients",
        "message": unknown.json()["errors"][0]["message"],
        "row": 1,
        "code": "not_found",
    }
    malformed = _issue(client, hq, [district.s1.pk, "street:7"])
    assert (malformed.json()["errors"][0]["row"], malformed.json()["code"]) == (1, "invalid")
    street = api_token(district.street1)
    outside = _issue(client, street, [district.a.pk, district.b.pk])  # b lies in the other street
    assert outside.status_code == 400 and outside.json()["errors"][0]["row"] == 1
    assert outside.json()["code"] == "not_below"
    upward = _issue(client, street, [district.s1.pk])  # not below: its own street
    assert upward.status_code == 400 and upward.json()["code"] == "not_below"
    assert not Task.objects.exists()
    assert _issue(client, api_token(district.worker_a), [district.a1.pk]).status_code == 403


def test_evidence_is_needed_to_complete(district):
    d = directive_issue(
        actor=district.hq,
        title="核查",
        deadline=clock.now() + timedelta(days=1),
        recipients=[district.s1.pk],
        evidence="现场照片",
    )
    from fangkong.command.directives import task_complete

    task = d.tasks.get()
    with pytest.raises(FieldError) as exc:
        task_complete(actor=district.street1, task_id=task.pk, note="")
    assert (exc.value.field, exc.value.code) == ("note", "evidence_required") and "现场照片" in exc.value.message
    task_complete(actor=district.street1, task_id=task.pk, note="照片已上传至群")
    task.refresh_from_db()
    assert task.state == "done"


def test_a_street_passes_its_task_down_to_its_communities(client, district, api_token):
    d = directive_issue(
        actor=district.hq, title="入户排查", deadline=clock.now() + timedelta(days=2), recipients=[district.s1.pk]
    )
    task = d.tasks.get()
    street = api_token(district.street1)
    late = client.post(
        f"/api/v1/tasks/{task.pk}/subtasks",
        {
            "title": "入户排查（园丁社区）",
            "deadline": (clock.now() + timedelta(days=3)).isoformat(),
            "recipients": [district.a.pk],
        },
        content_type=JSON,
        **street,
    )
    assert late.status_code == 400 and late.json()["errors"][0]["field"] == "deadline"
    assert late.json()["code"] == "out_of_range"
    r = client.post(
        f"/api/v1/tasks/{task.pk}/subtasks",
        {
            "title": "入户排查（园丁社区）",
            "deadline": (clock.now() + timedelta(days=1)).isoformat(),
            "recipients": [district.a.pk],
        },
        content_type=JSON,
        **street,
    )
    assert r.status_code == 201
    mine = client.get("/api/v1/tasks", **api_token(district.worker_a)).json()
    assert mine["count"] == 1 and mine["items"][0]["title"] == "入户排查（园丁社区）"
    other = client.post(
        f"/api/v1/tasks/{task.pk}/subtasks",
        {"title": "x", "deadline": (clock.now() + timedelta(days=1)).isoformat(), "recipients": [district.b.pk]},
        content_type=JSON,
        **street,
    )
    # The task is street1's own; community B is simply not below it: the recipient is refused, by its row.
    assert other.status_code == 400
    assert [(e["field"], e["row"]) for e in other.json()["errors"]] == [("recipients", 0)]
    untitled = client.post(
        f"/api/v1/tasks/{task.pk}/subtasks",
        {"deadline": (clock.now() + timedelta(days=1)).isoformat(), "recipients": [district.a.pk]},
        content_type=JSON,
        **street,
    )
    assert untitled.status_code == 201  # without a title of its own, called after the task
    assert Directive.objects.get(pk=untitled.json()["id"]).title == "入户排查"
    overseer = client.post(
        f"/api/v1/tasks/{task.pk}/subtasks",
        {"deadline": (clock.now() + timedelta(days=1)).isoformat(), "recipients": [district.a.pk]},
        content_type=JSON,
        **api_token(district.hq),
    )
    assert overseer.status_code == 403  # HQ sees the street's task; only the street passes it down


def test_the_task_page_passes_a_task_down_through_the_apis_schema(district):
    d = directive_issue(
        actor=district.hq, title="入户排查", deadline=clock.now() + timedelta(days=2), recipients=[district.s1.pk]
    )
    task = d.tasks.get()
    street = district.client(district.street1)
    tomorrow = timezone.localtime(clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    bad = street.post(
        f"/command/tasks/{task.pk}/", {"action": "split", "deadline": "明天", "recipients": [district.a.pk]}
    )
    assert bad.status_code == 400
    assert (bad.context["error"].field, bad.context["error"].code) == ("deadline", "invalid")
    assert 'data-code="invalid"' in bad.content.decode()
    ok = street.post(
        f"/command/tasks/{task.pk}/", {"action": "split", "deadline": tomorrow, "recipients": [district.a.pk]}
    )
    assert ok.status_code == 302
    sub = Directive.objects.exclude(pk=d.pk).get()
    assert sub.title == "入户排查" and sub.from_task_id == task.pk
    # HQ oversees the street's task and may open it, but passing it down is the street's.
    hq = district.client(district.hq).post(
        f"/command/tasks/{task.pk}/", {"action": "split", "deadline": tomorrow, "recipients": [district.a.pk]}
    )
    assert hq.status_code == 400 and hq.context["error"].code == "forbidden"
    assert Directive.objects.count() == 2


def test_the_directives_page_reads_its_form_through_the_apis_schema(district):
    hq = district.client(district.hq)
    late = timezone.localtime(clock.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    past = hq.post("/command/directives/", {"title": "张贴公告", "deadline": late, "recipients": [district.s1.pk]})
    assert past.status_code == 400
    assert (past.context["error"].field, past.context["error"].code) == ("deadline", "out_of_range")
    nobody = hq.post("/command/directives/", {"title": "张贴公告", "deadline": "2099-01-01T08:00"})
    assert (nobody.context["error"].field, nobody.context["error"].code) == ("recipients", "required")
    day = (clock.localdate() + timedelta(days=1)).isoformat()
    ok = hq.post("/command/directives/", {"title": "张贴公告", "deadline": day, "recipients": [district.s1.pk]})
    assert ok.status_code == 302
    # A bare date closes the day, on the page as in the API.
    assert timezone.localtime(Directive.objects.get().deadline).strftime("%H:%M") == "23:59"


def test_progress_with_an_attachment_and_outsiders(client, district, api_token):
    from django.core.files.uploadedfile import SimpleUploadedFile

    d = directive_issue(
        actor=district.hq, title="消杀", deadline=clock.now() + timedelta(days=1), recipients=[district.s1.pk]
    )
    task = d.tasks.get()
    r = client.post(
        f"/api/v1/tasks/{task.pk}/updates",
        {"text": "已完成一半", "attachment": SimpleUploadedFile("photo.jpg", files.jpeg())},
        **api_token(district.street1),
    )
    assert r.status_code == 201 and r.json()["attachment"] is True
    task.refresh_from_db()
    assert task.state == "acknowledged"
    outsider = api_token(district.worker_b)
    assert client.get(f"/api/v1/tasks/{task.pk}", **outsider).status_code == 404
    assert client.post(f"/api/v1/tasks/{task.pk}/acknowledge", **outsider).status_code == 404
    overseer = client.post(
        f"/api/v1/tasks/{task.pk}/complete", {"note": "x"}, content_type=JSON, **api_token(district.hq)
    )
    assert overseer.status_code == 403  # HQ sees it but only the recipient works it


def test_inbox(client, district, api_token):
    directive_issue(
        actor=district.hq, title="开会", deadline=clock.now() + timedelta(hours=5), recipients=[district.s1.pk]
    )
    token = api_token(district.street1)
    items = client.get("/api/v1/inbox?unread=true", **token).json()
    assert len(items) == 1 and items[0]["link"].startswith("/command/tasks/")
    assert client.post("/api/v1/inbox/read", {}, content_type=JSON, **token).json() == {"marked": 1}
    assert client.get("/api/v1/inbox?unread=true", **token).json() == []


def test_a_notification_reads_in_the_readers_language(client, district, api_token):
    """Written once by a Chinese-speaking HQ, read in English by one reader and in Chinese by another: the
    title is not frozen in the writer's language. The mail keeps the district's language."""
    with translation.override("zh-hans"):
        directive_issue(
            actor=district.hq, title="开会", deadline=clock.now() + timedelta(hours=5), recipients=[district.s1.pk]
        )
    token = api_token(district.street1)
    english = client.get("/api/v1/inbox", HTTP_ACCEPT_LANGUAGE="en", **token).json()
    chinese = client.get("/api/v1/inbox", HTTP_ACCEPT_LANGUAGE="zh-hans", **token).json()
    assert english[0]["title"] == "New task: 开会" and english[0]["body"].startswith("Due ")
    assert chinese[0]["title"] == "新任务：开会" and chinese[0]["body"].startswith("截止")
    c = district.client(district.street1)
    assert "New task: 开会" in c.get("/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "新任务：开会" in c.get("/inbox/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_a_notification_title_must_be_lazy_text(district):
    from fangkong.core.inbox import notify

    with pytest.raises(TypeError):
        notify([district.street1], title="rendered in the writer's language")


def test_notifications_go_out_by_mail_and_text_after_commit(district, django_capture_on_commit_callbacks, mailoutbox):
    from fangkong.core import pii
    from fangkong.core.models import StaffContact
    from fangkong.core.sms import LogChannel

    district.street1.email = "street1@example.org"
    district.street1.save(update_fields=["email"])
    StaffContact.objects.create(user=district.street1, phone_cipher=pii.encrypt("13600001111"))
    LogChannel.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        directive_issue(
            actor=district.hq, title="夜间巡查", deadline=clock.now() + timedelta(hours=3), recipients=[district.s1.pk]
        )
    assert [m.to for m in mailoutbox] == [["street1@example.org"]] and "夜间巡查" in mailoutbox[0].subject
    assert LogChannel.sent[-1][0] == "13600001111" and "夜间巡查" in LogChannel.sent[-1][1]


def test_the_summary_counts_the_acknowledgements_the_table_shows(district, street2):
    """HQ's summary said 0 acknowledged beside a table showing when a task was acknowledged: it counted the one
    status a task shows, and an acknowledged task past its deadline shows as overdue. It counts what the table
    shows now."""
    from fangkong.command.directives import task_acknowledge, task_complete

    d = directive_issue(
        actor=district.hq,
        title="排查",
        deadline=clock.now() + timedelta(hours=1),
        recipients=[district.s1.pk, district.s2.pk],
    )
    first, second = d.tasks.order_by("pk")
    task_acknowledge(actor=district.street1, task_id=first.pk)
    hq = district.client(district.hq)

    def summary():
        page = hq.get(f"/command/directives/{d.pk}/")
        assert page.status_code == 200
        acknowledged_in_table = sum(1 for t, _s in page.context["rows"] if t.acknowledged_at is not None)
        return page.context["counts"], acknowledged_in_table

    counts, shown = summary()
    assert counts["acknowledged"] == shown == 1 and counts["open"] == 1 and counts["overdue"] == 0
    with clock.advanced(timedelta(hours=2)):  # both past their deadline: the acknowledgement still counts
        counts, shown = summary()
        assert counts["acknowledged"] == shown == 1 and counts["open"] == 1 and counts["overdue"] == 2
    task_complete(actor=street2, task_id=second.pk, note="已完成")  # completing acknowledges too
    counts, shown = summary()
    assert counts == {"total": 2, "acknowledged": 2, "open": 0, "done": 1, "overdue": 0} and shown == 2


def test_task_pages_name_the_issuer_and_show_each_status_by_its_label(district):
    """The sender was labelled as a date (起始日期, the risk areas' "From"); each status reads as its label."""
    from django.utils import translation
    from django.utils.translation import gettext

    from fangkong.command.directives import task_acknowledge

    d = directive_issue(
        actor=district.hq, title="排查", deadline=clock.now() + timedelta(hours=1), recipients=[district.s1.pk]
    )
    task = d.tasks.get()
    task_acknowledge(actor=district.street1, task_id=task.pk)
    for language in ("en", "zh-hans"):
        c = district.client(district.street1)
        c.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        with translation.override(language):
            issued_by, wrong = gettext("Issued by"), gettext("From")
            acknowledged = str(Task.Status.ACKNOWLEDGED.label)
        for url in (f"/command/tasks/{task.pk}/", "/command/"):
            text = c.get(url).content.decode()
            assert acknowledged in text, (language, url)
        text = c.get(f"/command/tasks/{task.pk}/").content.decode()
        assert f"<dt>{issued_by}</dt>" in text and f"<dt>{wrong}</dt>" not in text
    assert {s.value for s in Task.Status} == {*Task.State.values, "overdue"}  # every status has its words
