"""Command pages: issue, work a task, follow a directive with overdue in red; the inbox; outsiders refused."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fangkong.command.directives import directive_issue
from fangkong.command.models import Directive, Task
from fangkong.core import clock
from fangkong.core.tests import files


def test_issue_on_the_page_and_follow_it(district):
    hq = district.client(district.hq)
    page = hq.get("/command/directives/").content.decode()
    assert "新工街道" in page and "振兴街道" in page
    deadline = timezone.localtime(clock.now() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    r = hq.post(
        "/command/directives/",
        {"title": "排查返乡人员", "deadline": deadline, "recipients": [district.s1.pk, district.s2.pk]},
    )
    d = Directive.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/command/directives/{d.pk}/")
    bad = hq.post("/command/directives/", {"title": "x", "deadline": deadline, "recipients": []})
    assert bad.status_code == 400 and "at least one recipient" in bad.content.decode()
    with clock.advanced(timedelta(hours=3)):
        follow = hq.get(f"/command/directives/{d.pk}/").content.decode()
    assert follow.count('class="state-overdue"') == 2 and "2 overdue" in follow


def test_work_a_task_on_the_page_with_an_attachment(district):
    d = directive_issue(
        actor=district.hq,
        title="消杀公共区域",
        deadline=clock.now() + timedelta(days=1),
        recipients=[district.s1.pk],
        evidence="照片",
    )
    task = d.tasks.get()
    street = district.client(district.street1)
    assert "消杀公共区域" in street.get("/command/").content.decode()
    street.post(f"/command/tasks/{task.pk}/", {"action": "acknowledge"})
    street.post(
        f"/command/tasks/{task.pk}/",
        {"action": "report", "text": "已完成", "attachment": SimpleUploadedFile("p.jpg", files.jpeg())},
    )
    update = task.updates.get()
    assert street.get(f"/command/attachments/{update.pk}/").status_code == 200
    assert district.client(district.worker_b).get(f"/command/attachments/{update.pk}/").status_code == 404
    r = street.post(f"/command/tasks/{task.pk}/", {"action": "complete", "note": ""})
    assert r.status_code == 302  # an attachment was reported: that is the evidence
    assert Task.objects.get(pk=task.pk).state == "done"


def test_inbox_page_and_outsiders(district):
    directive_issue(
        actor=district.hq, title="会议通知", deadline=clock.now() + timedelta(hours=5), recipients=[district.s1.pk]
    )
    street = district.client(district.street1)
    assert "会议通知" in street.get("/command/inbox/", follow=True).content.decode()
    task = Task.objects.get()
    assert district.client(district.worker_b).get(f"/command/tasks/{task.pk}/").status_code == 404
    assert district.client(district.unit_staff).get("/command/directives/").status_code == 404
