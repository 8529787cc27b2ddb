"""From seeing to acting: an alert on the hall becomes a task for the community, followed until it is closed."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fangkong.command.directives import task_acknowledge, task_complete, task_report
from fangkong.command.models import Task
from fangkong.conftest import make_user
from fangkong.core import clock
from fangkong.core.models import Notification

from .conftest import high_risk_arrival


def test_hq_dispatches_an_alert_to_the_community_over_the_api(district, screening, api, client, api_token):
    alert = high_risk_arrival(screening, district.a)
    deadline = (clock.now() + timedelta(hours=2)).isoformat()
    headers = {**api_token(district.hq), "HTTP_IDEMPOTENCY_KEY": "dispatch-1"}
    body = {"recipients": [district.a.pk], "deadline": deadline, "body": "两小时内联系并核实位置"}
    r = client.post(f"/api/v1/hall/alerts/{alert.pk}/dispatch", body, content_type="application/json", **headers)
    assert r.status_code == 201, r.content
    task = Task.objects.get()
    assert r.json()["tasks"] == [
        {
            "id": task.pk,
            "recipient": district.a.name,
            "deadline": r.json()["tasks"][0]["deadline"],
            "state": "dispatched",
        }
    ]
    assert task.jurisdiction == district.a and task.directive.alert == alert
    assert "上海市浦东新区" in task.directive.title
    # A retry with the same key is the first reply, not a second task.
    again = client.post(f"/api/v1/hall/alerts/{alert.pk}/dispatch", body, content_type="application/json", **headers)
    assert again.status_code == 201 and Task.objects.count() == 1
    # The community's workers are told, and it waits on their desk.
    assert Notification.objects.filter(user=district.worker_a, link=f"/command/tasks/{task.pk}/").exists()
    desk = {i["kind"]: i for i in api(district.worker_a).get("/api/v1/desk").json()["items"]}
    assert desk["command.tasks"]["count"] == 1


def test_the_hall_follows_the_task_to_its_close(district, screening):
    alert = high_risk_arrival(screening, district.a)
    c = district.client(district.hq)
    form = c.get(f"/hall/alerts/{alert.pk}/dispatch")
    assert form.status_code == 200
    page = form.content.decode()
    assert f'value="{district.a.pk}" checked' in page  # the destination community first
    deadline = (clock.localdate() + timedelta(days=1)).isoformat() + "T10:00"
    r = c.post(f"/hall/alerts/{alert.pk}/dispatch", {"recipients": district.a.pk, "deadline": deadline})
    assert r.status_code == 302
    assert "Dispatched to " + district.a.name in c.get(r["Location"]).content.decode()
    task = Task.objects.get()

    def state() -> str:
        page = c.get("/hall/panel").content.decode()
        marker = f'data-task="{task.pk}" data-state="'
        return page.split(marker, 1)[1].split('"', 1)[0]

    assert state() == "dispatched"
    task_acknowledge(actor=district.worker_a, task_id=task.pk)
    assert state() == "acknowledged"
    task_report(actor=district.worker_a, task_id=task.pk, text="已联系，居家隔离")
    assert state() == "handled"
    task_complete(actor=district.worker_a, task_id=task.pk, note="已落实")
    assert state() == "closed"


def test_a_late_dispatch_shows_overdue(district, screening):
    alert = high_risk_arrival(screening, district.a)
    c = district.client(district.hq)
    deadline = timezone.localtime(clock.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")  # as typed
    assert (
        c.post(f"/hall/alerts/{alert.pk}/dispatch", {"recipients": district.a.pk, "deadline": deadline}).status_code
        == 302
    )
    with clock.advanced(timedelta(hours=3)):
        page = c.get("/hall/panel").content.decode()
    assert "followed state-dispatched overdue" in page


def test_bad_dispatches_name_the_field_and_keep_what_was_typed(district, screening):
    alert = high_risk_arrival(screening, district.a)
    c = district.client(district.hq)
    r = c.post(
        f"/hall/alerts/{alert.pk}/dispatch",
        {"recipients": district.a.pk, "deadline": "2020-01-01T08:00", "body": "尽快"},
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert 'data-code="out_of_range"' in page and 'data-field="deadline"' in page and "尽快" in page
    r = c.post(f"/hall/alerts/{alert.pk}/dispatch", {"deadline": "2099-01-01T08:00"})
    assert r.status_code == 400 and 'data-field="recipients"' in r.content.decode()
    assert not Task.objects.exists()


def test_only_downwards_and_only_an_alert_one_sees(district, screening, client, api_token):
    alert = high_risk_arrival(screening, district.a)  # to community A (street 1)
    body = {"recipients": [district.a.pk], "deadline": (clock.now() + timedelta(hours=2)).isoformat()}
    street2 = make_user("street2", "street_officer", jurisdiction=district.s2)
    r = client.post(
        f"/api/v1/hall/alerts/{alert.pk}/dispatch", body, content_type="application/json", **api_token(street2)
    )
    assert r.status_code == 404  # street 2 does not see street 1's alert: as if it did not exist
    r = client.post(
        f"/api/v1/hall/alerts/{alert.pk}/dispatch",
        body,
        content_type="application/json",
        **api_token(district.worker_b),
    )
    assert r.status_code == 403  # a grid worker issues no directives
    r = client.post(
        f"/api/v1/hall/alerts/{alert.pk}/dispatch",
        {**body, "recipients": [district.b.pk]},
        content_type="application/json",
        **api_token(district.street1),
    )
    assert r.status_code == 400 and r.json()["code"] == "not_below"
    assert district.client(district.worker_b).get(f"/hall/alerts/{alert.pk}/dispatch").status_code == 404
    assert not Task.objects.exists()
