"""Closing a checkpoint and reopening it: its manager, with a reason; nobody registers there while it is closed; its
record stays; outsiders never reach it."""

from __future__ import annotations

from fangkong.core.models import AuditEvent
from fangkong.screening.models import Checkpoint
from fangkong.screening.tests.test_api import api, passage_body  # noqa: F401  (the fixture)

JSON = "application/json"


def test_a_closed_checkpoint_takes_no_passage_until_it_reopens(district, screening, api):  # noqa: F811
    manager = api(district.street1)
    url = f"/checkpoints/{screening.cp1.pk}"
    blank = manager.post(f"{url}/close", {"reason": " "})
    assert blank.status_code == 400 and blank.json()["errors"][0]["field"] == "reason"
    closed = manager.post(f"{url}/close", {"reason": "道路恢复通行"})
    assert closed.status_code == 200 and closed.json() == {"id": screening.cp1.pk, "active": False}
    again = manager.post(f"{url}/close", {"reason": "再关"})
    assert (again.status_code, again.json()["code"]) == (400, "wrong_state")
    refused = api(screening.staff1).post(f"{url}/passages", passage_body(district), HTTP_IDEMPOTENCY_KEY="c-1")
    assert refused.status_code == 404  # the checkpoint's page and its scanner stop at once
    assert api(screening.staff1).get("/checkpoints").json()["count"] == 0
    event = AuditEvent.objects.get(action="checkpoint.close")
    assert event.fields == {"reason": "道路恢复通行"}
    assert manager.post(f"{url}/reopen").json()["active"] is True
    assert (manager.post(f"{url}/reopen").json()["code"]) == "wrong_state"
    passed = api(screening.staff1).post(f"{url}/passages", passage_body(district), HTTP_IDEMPOTENCY_KEY="c-2")
    assert passed.status_code == 201


def test_outsiders_cannot_close_a_checkpoint(district, screening, api):  # noqa: F811
    url = f"/checkpoints/{screening.cp1.pk}/close"
    for outsider in (screening.staff1, district.worker_a, district.worker_b):
        assert api(outsider).post(url, {"reason": "x"}).status_code == 404
    assert Checkpoint.objects.get(pk=screening.cp1.pk).active


def test_the_shifts_page_closes_and_reopens(district, screening):
    page = district.client(district.street1)
    assert "Close the checkpoint" in page.get("/screening/shifts/").content.decode()
    blank = page.post("/screening/shifts/", {"action": "close", "checkpoint": screening.cp1.pk, "reason": ""})
    assert blank.status_code == 400 and blank.context["error"].field == "reason"
    done = page.post(
        "/screening/shifts/", {"action": "close", "checkpoint": screening.cp1.pk, "reason": "并入国道道口"}, follow=True
    )
    text = done.content.decode()
    assert "高速道口 is closed" in text and "Reopen the checkpoint" in text
    assert not Checkpoint.objects.get(pk=screening.cp1.pk).active
    # A closed checkpoint has no gap in cover to flag, and takes no new shift.
    assert f'value="{screening.cp1.pk}"' not in text.split('id="sh-cp"')[1].split("</select>")[0]
    page.post("/screening/shifts/", {"action": "reopen", "checkpoint": screening.cp1.pk})
    assert Checkpoint.objects.get(pk=screening.cp1.pk).active
    other = district.client(district.worker_b).post(
        "/screening/shifts/", {"action": "close", "checkpoint": screening.cp1.pk, "reason": "x"}
    )
    assert other.status_code == 404
