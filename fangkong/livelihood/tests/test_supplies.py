"""Supplies for homes in sealed or controlled zones: requested by the resident on the portal, worked by their
community; nobody else sees them; homes outside a zone are told so."""

from __future__ import annotations

import pytest

from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent, Notification
from fangkong.livelihood.models import SupplyRequest
from fangkong.livelihood.services import supply_request_file, supply_request_move


def test_only_homes_in_a_zone_request_supplies(district, resident, seal):
    page = resident.get("/me/supplies/")
    assert "not in one now" in page.content.decode()
    r = resident.post("/me/supplies/", {"person": district.person_a.pk, "kind": "groceries", "items": "米面油"})
    assert r.status_code == 400 and not SupplyRequest.objects.exists()
    assert (r.context["error"].field, r.context["error"].code) == ("person_id", "not_in_zone")
    seal(district.a1)
    r = resident.post(
        "/me/supplies/", {"person": district.person_a.pk, "kind": "medicine", "items": "降压药", "urgent": "on"}
    )
    assert r.status_code == 302
    req = SupplyRequest.objects.get()
    assert req.urgent and req.zone is not None and req.jpath == district.person_a.jpath
    assert Notification.objects.filter(user=district.worker_a).exists()  # the community is told
    assert not Notification.objects.filter(user=district.worker_b).exists()
    assert "降压药" in resident.get("/me/supplies/").content.decode()


def test_a_resident_asks_only_for_their_own_household(district, resident, seal):
    seal(district.b1)
    r = resident.post("/me/supplies/", {"person": district.person_b.pk, "kind": "groceries", "items": "米面油"})
    assert r.status_code == 404
    assert not SupplyRequest.objects.exists()


def test_an_unknown_kind_is_refused_for_the_kind(district, resident, seal):
    seal(district.a1)  # person_a's home is in a zone and the items are fine: only the kind is wrong
    mine = {"person_ids": [district.person_a.pk], "person_id": district.person_a.pk, "items": "米面油"}
    with pytest.raises(FieldError) as exc:
        supply_request_file(**mine, kind="x")
    assert (exc.value.field, exc.value.code) == ("kind", "unknown_choice")
    r = resident.post("/me/supplies/", {"person": district.person_a.pk, "kind": "x", "items": "米面油"})
    assert r.status_code == 400 and exc.value.message in r.content.decode()
    assert not SupplyRequest.objects.exists()
    assert supply_request_file(**mine, kind="groceries").kind == "groceries"  # the same request, a known kind


def test_the_community_delivers(district, seal):
    seal(district.a1)
    ids = [district.person_a.pk]
    req = supply_request_file(person_ids=ids, person_id=district.person_a.pk, kind="groceries", items="蔬菜")
    worker = district.client(district.worker_a)
    page = worker.get("/livelihood/")
    assert page.status_code == 200 and "蔬菜" in page.content.decode()
    assert district.client(district.worker_b).get("/livelihood/").content.decode().count("蔬菜") == 0
    worker.post("/livelihood/", {"request": req.pk, "to": "accepted"})
    worker.post("/livelihood/", {"request": req.pk, "to": "delivered"})
    req.refresh_from_db()
    assert req.state == "delivered" and req.handled_by == district.worker_a and req.delivered_at
    with pytest.raises(FieldError) as exc:
        supply_request_move(actor=district.worker_a, request_id=req.pk, to="accepted")
    assert (exc.value.field, exc.value.code) == ("to", "wrong_state")  # not from delivered
    other = supply_request_file(person_ids=ids, person_id=district.person_a.pk, kind="other", items="尿不湿")
    with pytest.raises(FieldError) as exc:
        supply_request_move(actor=district.worker_a, request_id=other.pk, to="cancelled")  # needs a reason
    assert (exc.value.field, exc.value.code) == ("note", "reason_required")
    # The page reads its form as the API its body: an unknown step is refused, the request left as it was.
    r = worker.post("/livelihood/", {"request": other.pk, "to": "lost"}, follow=True)
    assert "Unknown state." in r.content.decode()
    other.refresh_from_db()
    assert other.state == "received"
    from fangkong.core.scoping import NotFound

    with pytest.raises(NotFound):
        supply_request_move(actor=district.worker_b, request_id=other.pk, to="delivered")
    assert AuditEvent.objects.filter(action="livelihood.supply_delivered").count() == 1
    assert district.client(district.unit_staff).get("/livelihood/").status_code == 404


def test_a_fourth_open_request_waits(district, seal):
    seal(district.a1)
    mine = {"person_ids": [district.person_a.pk], "person_id": district.person_a.pk, "kind": "groceries"}
    for items in ("米", "面", "油"):
        supply_request_file(**mine, items=f"{items}一袋")
    with pytest.raises(FieldError) as exc:
        supply_request_file(**mine, items="盐一袋")
    assert (exc.value.field, exc.value.code) == ("items", "too_many_open")
