"""Zones: two-person decisions, who is inside, lifting criteria, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.containment.models import Zone, ZoneLevel
from fangkong.containment.status import status_of
from fangkong.containment.zones import lifting_criteria, people_in_zone_ids, zone_approve, zone_lift, zone_request
from fangkong.core import clock
from fangkong.core.actors import System
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import Forbidden


def _seal(district, containment, **kw):
    return zone_request(
        actor=district.hq,
        name="幸福里封控",
        level="sealed",
        basis="确诊病例居住小区，区指挥部研判",
        places=[containment.compound.pk],
        document_number="兴疫指〔2022〕12号",
        **kw,
    )


def test_a_zone_has_no_effect_until_a_second_person_approves(district, containment):
    zone = _seal(district, containment)
    assert zone.state == Zone.State.PENDING
    assert status_of(containment.residents[0].pk).colour == "green"
    with pytest.raises(Forbidden):
        zone_approve(actor=district.hq, zone_id=zone.pk)
    zone_approve(actor=containment.hq2, zone_id=zone.pk, note="同意")
    for p in containment.residents:
        s = status_of(p.pk)
        assert s.colour == "red"
        assert s.reasons[0]["kind"] == "zone" and s.reasons[0]["zone"] == "幸福里封控"
    assert status_of(containment.outsider.pk).colour == "green"
    actions = list(
        AuditEvent.objects.filter(object_type="containment.zone").order_by("id").values_list("action", "actor_name")
    )
    assert actions == [("zone.request", "hq"), ("zone.approve", "hq2")]


def test_people_inside_are_the_residents_of_its_places_and_jurisdictions(district, containment):
    zone = _seal(district, containment)
    assert set(people_in_zone_ids(zone)) == {p.pk for p in containment.residents}
    grid_zone = zone_request(
        actor=district.hq,
        name="第二网格",
        level="controlled",
        basis="密接较多，划为管控区",
        jurisdictions=[district.a2.pk],
    )
    assert people_in_zone_ids(grid_zone) == [containment.outsider.pk]
    zone_approve(actor=containment.hq2, zone_id=grid_zone.pk)
    assert status_of(containment.outsider.pk).colour == "yellow"


def test_a_zone_may_not_list_the_same_ground_twice(district, containment):
    with pytest.raises(FieldError) as exc:
        zone_request(
            actor=district.hq,
            name="x",
            level="sealed",
            basis="重复划定测试",
            places=[containment.compound.pk, containment.building.pk],
        )
    assert exc.value.field == "places" and "1号楼" in exc.value.message
    with pytest.raises(FieldError) as exc:
        zone_request(
            actor=district.hq,
            name="x",
            level="sealed",
            basis="重复划定测试",
            places=[containment.compound.pk],
            jurisdictions=[district.a.pk],
        )
    assert exc.value.field == "places"
    with pytest.raises(FieldError) as exc:
        zone_request(
            actor=district.hq,
            name="x",
            level="sealed",
            basis="重复划定测试",
            jurisdictions=[district.s1.pk, district.a.pk],
        )
    assert exc.value.field == "jurisdictions"
    assert not Zone.objects.exists()


@pytest.mark.parametrize(
    ("kw", "field", "code"),
    [
        ({"level": "nonsense"}, "level", "unknown_choice"),
        ({"basis": ""}, "basis", "too_short"),
        ({"places": []}, "places", "required"),
        ({"planned_end": clock.now() - timedelta(days=1)}, "planned_end", "end_before_start"),
    ],
)
def test_bad_zone_requests_name_the_field(district, containment, kw, field, code):
    data = {"name": "x", "level": "sealed", "basis": "依据充分的说明", "places": [containment.compound.pk]} | kw
    with pytest.raises(FieldError) as exc:
        zone_request(actor=district.hq, **data)
    assert (exc.value.field, exc.value.code) == (field, code)


def test_a_zone_without_a_name_is_called_after_its_document(district, containment):
    """The page and the API read one schema: a zone proposed without a name takes its document number."""
    zone = zone_request(
        actor=district.hq,
        name="",
        level="sealed",
        basis="依据充分的说明",
        document_number="兴防控〔2022〕9号",
        places=[containment.compound.pk],
    )
    assert zone.name == "兴防控〔2022〕9号"


def test_the_zones_page_reads_the_apis_schema(district, containment):
    """The page's form goes through ZoneRequestInput: a place id that is not a number is refused on the page,
    naming the field, as the API refuses it."""
    r = district.client(district.hq).post(
        "/containment/zones/", {"name": "x", "level": "sealed", "basis": "依据充分的说明", "places": ["abc"]}
    )
    assert r.status_code == 400
    assert (r.context["error"].field, r.context["error"].code) == ("places", "invalid")
    assert not Zone.objects.exists()


def test_a_street_officer_cannot_draw_outside_the_street(district, containment):
    with pytest.raises(FieldError) as exc:
        zone_request(
            actor=district.street1, name="x", level="sealed", basis="越界划定测试", jurisdictions=[district.b.pk]
        )
    assert exc.value.field == "jurisdictions"


def test_lifting_waits_for_the_criteria_or_an_override_on_the_record(district, containment):
    zone = _seal(district, containment)
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    criteria = {c.code: c for c in lifting_criteria(zone)}
    assert set(criteria) == {"quiet_days", "contact_days", "negative_days"}
    assert not criteria["quiet_days"].met  # sealed today
    assert criteria["contact_days"].met  # no close contacts recorded
    assert not criteria["negative_days"].met and "3 of 3" in criteria["negative_days"].detail
    with pytest.raises(FieldError) as exc:
        zone_lift(actor=district.hq, zone_id=zone.pk, note="")
    assert (exc.value.field, exc.value.code) == ("state", "unmet")
    assert "14 days without a new case" in exc.value.message
    with pytest.raises(FieldError) as exc:
        zone_lift(actor=district.hq, zone_id=zone.pk, note="short", override=True)
    assert (exc.value.field, exc.value.code) == ("note", "required")
    # Early, with criteria unmet: two officers, like putting it in force. The first asks; nothing changes yet.
    zone_lift(actor=district.hq, zone_id=zone.pk, note="上级通知提前解封，风险评估通过", override=True)
    zone.refresh_from_db()
    assert zone.state == "active" and zone.lift_requested_by_id == district.hq.pk
    assert status_of(containment.residents[0].pk).colour == "red"
    with pytest.raises(Forbidden):
        zone_lift(actor=district.hq, zone_id=zone.pk, note="", override=True)  # not the one who asked
    zone_lift(actor=containment.hq2, zone_id=zone.pk, note="", override=True)
    assert status_of(containment.residents[0].pk).colour == "green"
    event = AuditEvent.objects.get(action="zone.lift")
    assert len(event.fields["unmet"]) == 2 and event.fields["requested_by"] == district.hq.pk
    assert event.actor_id == containment.hq2.pk and event.reason == "上级通知提前解封，风险评估通过"
    assert AuditEvent.objects.filter(action="zone.lift_request", actor_id=district.hq.pk).exists()


def test_a_zone_whose_criteria_are_met_is_lifted_by_one_officer(district, containment):
    zone = _seal(district, containment, starts_at=clock.now() - timedelta(days=15))
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    for criterion in lifting_criteria(zone):
        assert criterion.met or criterion.code == "negative_days"
    if all(c.met for c in lifting_criteria(zone)):
        zone_lift(actor=district.hq, zone_id=zone.pk, note="")
        zone.refresh_from_db()
        assert zone.state == "lifted"


def test_quiet_days_are_met_after_fourteen_days(district, containment):
    zone = _seal(district, containment, starts_at=clock.now() - timedelta(days=15))
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    assert {c.code: c.met for c in lifting_criteria(zone)}["quiet_days"]


def test_the_high_medium_low_scheme_is_data(district, containment):
    ZoneLevel.objects.filter(code__in=["sealed", "controlled", "prevention"]).update(active=False)
    ZoneLevel.objects.filter(code__in=["high", "medium", "low"]).update(active=True)
    with pytest.raises(FieldError) as exc:
        _seal(district, containment)
    assert (exc.value.field, exc.value.code) == ("level", "unknown_choice")
    zone = zone_request(
        actor=district.hq, name="高风险区", level="high", basis="新增病例所在楼栋", places=[containment.building.pk]
    )
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    assert status_of(containment.residents[2].pk).colour == "red"
    assert {c.code for c in lifting_criteria(zone)} == {"quiet_days", "contact_days", "negative_days"}
    assert "7 days" in lifting_criteria(zone)[0].label


def test_a_future_zone_turns_the_status_when_it_starts(district, containment):
    zone = _seal(district, containment, starts_at=clock.now() + timedelta(hours=2))
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    person = containment.residents[0].pk
    assert status_of(person).colour == "green"
    with clock.advanced(timedelta(hours=3)):
        assert status_of(person).colour == "red"


def test_hq_edits_the_protocol_on_the_record(client, district, containment, api_token):
    hq = api_token(district.hq)
    levels = client.get("/api/v1/zones/levels", **hq).json()
    assert {lv["code"] for lv in levels} >= {"sealed", "controlled", "prevention", "high", "medium", "low"}
    body = {"code": "sealed", "name": "封控区", "colour": "red", "quiet_days": 7, "contact_days": 7, "negative_days": 1}
    r = client.put("/api/v1/zones/levels/sealed", body, content_type="application/json", **hq)
    assert r.status_code == 200 and r.json()["quiet_days"] == 7 and r.json()["version"] == 2
    event = AuditEvent.objects.get(action="zone.level_update")
    assert event.fields["before"]["quiet_days"] == 14 and event.fields["after"]["quiet_days"] == 7
    street = api_token(district.street1)
    assert client.put("/api/v1/zones/levels/sealed", body, content_type="application/json", **street).status_code == 403
    bad = client.put("/api/v1/zones/levels/sealed", body | {"colour": "blue"}, content_type="application/json", **hq)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "colour"


def test_a_recent_close_contact_holds_the_zone(district, containment):
    from fangkong.containment.cases import case_confirm, contact_add

    zone = _seal(district, containment, starts_at=clock.now() - timedelta(days=20))
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    case = case_confirm(actor=System("test"), person_id=containment.residents[0].pk, source="testing")
    contact_add(
        actor=district.hq,
        case_id=case.pk,
        person_id=containment.outsider.pk,
        last_contact_at=clock.now() - timedelta(days=3),
    )
    criteria = {c.code: c for c in lifting_criteria(zone)}
    assert not criteria["contact_days"].met and "1 within the period" in criteria["contact_days"].detail
    assert not criteria["quiet_days"].met  # the case was confirmed today


def test_an_early_lifting_can_be_declined_by_a_second_officer(district, containment):
    from fangkong.containment.zones import zone_lift_reject

    zone = _seal(district, containment)
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    zone_lift(actor=district.hq, zone_id=zone.pk, note="上级通知提前解封，风险评估通过", override=True)
    with pytest.raises(Forbidden):
        zone_lift_reject(actor=district.hq, zone_id=zone.pk, note="撤回")
    with pytest.raises(FieldError) as exc:
        zone_lift_reject(actor=containment.hq2, zone_id=zone.pk, note="")
    assert (exc.value.field, exc.value.code) == ("note", "note_required")
    zone_lift_reject(actor=containment.hq2, zone_id=zone.pk, note="仍有密接未满14天")
    zone.refresh_from_db()
    assert zone.state == "active" and zone.lift_requested_by_id is None
    assert AuditEvent.objects.filter(action="zone.lift_reject", actor_id=containment.hq2.pk).exists()
    with pytest.raises(FieldError) as exc:
        zone_lift_reject(actor=containment.hq2, zone_id=zone.pk, note="again")  # nothing pending any more
    assert (exc.value.field, exc.value.code) == ("state", "not_pending")


def test_a_zone_is_rejected_by_a_second_officer_with_the_reason(district, containment):
    from fangkong.containment.zones import zone_reject
    from fangkong.core.approvals import OwnRequest
    from fangkong.core.scoping import NotFound

    zone = _seal(district, containment)
    with pytest.raises(OwnRequest) as own:
        zone_reject(actor=district.hq, zone_id=zone.pk, note="撤回")
    assert own.value.code == "own_request"
    with pytest.raises(Forbidden):  # sees the zone, may not decide on it
        zone_reject(actor=district.street1, zone_id=zone.pk, note="不同意")
    with pytest.raises(NotFound):
        zone_reject(actor=containment.hq2, zone_id=zone.pk + 1000, note="不同意")
    with pytest.raises(FieldError) as exc:
        zone_reject(actor=containment.hq2, zone_id=zone.pk, note="  ")
    assert (exc.value.field, exc.value.code) == ("note", "note_required")
    zone_reject(actor=containment.hq2, zone_id=zone.pk, note="依据不足")
    zone.refresh_from_db()
    assert (zone.state, zone.decided_by, zone.decision_note) == ("rejected", containment.hq2, "依据不足")
    assert zone.decided_at is not None
    assert status_of(containment.residents[0].pk).colour == "green"  # never in force
    event = AuditEvent.objects.get(action="zone.reject")
    assert event.actor_id == containment.hq2.pk and event.fields["state"] == {"from": "pending", "to": "rejected"}
    for decide in (zone_approve, zone_reject):
        with pytest.raises(FieldError) as exc:
            decide(actor=containment.hq2, zone_id=zone.pk, note="再次决定")
        assert (exc.value.field, exc.value.code) == ("state", "not_pending")


def test_an_early_lifting_is_decided_once(district, containment):
    from fangkong.containment.zones import zone_lift_reject
    from fangkong.core.approvals import OwnRequest

    zone = _seal(district, containment)
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    zone_lift(actor=district.hq, zone_id=zone.pk, note="上级通知提前解封，风险评估通过", override=True)
    with pytest.raises(OwnRequest) as own:
        zone_lift(actor=district.hq, zone_id=zone.pk, note="自己确认", override=True)
    assert own.value.code == "own_request"
    with pytest.raises(OwnRequest):
        zone_lift_reject(actor=district.hq, zone_id=zone.pk, note="撤回")
    with pytest.raises(FieldError) as exc:
        zone_lift_reject(actor=containment.hq2, zone_id=zone.pk, note="")
    assert (exc.value.field, exc.value.code) == ("note", "note_required")
    zone_lift(actor=containment.hq2, zone_id=zone.pk, note="", override=True)
    zone.refresh_from_db()
    assert (zone.state, zone.lifted_by) == ("lifted", containment.hq2) and zone.lifted_at is not None
    assert AuditEvent.objects.get(action="zone.lift").fields["state"] == {"from": "active", "to": "lifted"}
    with pytest.raises(FieldError) as exc:
        zone_lift_reject(actor=containment.hq2, zone_id=zone.pk, note="仍有密接")
    assert (exc.value.field, exc.value.code) == ("state", "not_pending")
    with pytest.raises(FieldError) as exc:
        zone_lift(actor=containment.hq2, zone_id=zone.pk, note="", override=True)
    assert (exc.value.field, exc.value.code) == ("state", "not_active")  # lifting needs a zone in force


def test_the_zones_kept_per_process_follow_every_change(district, containment):
    from fangkong.containment.protocol import level_update
    from fangkong.containment.status import status_invalidate

    person = containment.residents[0].pk
    assert status_of(person).colour == "green"  # the (empty) zones in force are now kept in this process
    zone = _seal(district, containment)
    zone_approve(actor=containment.hq2, zone_id=zone.pk, note="同意")
    status_invalidate([person])
    assert status_of(person).colour == "red"  # a zone put in force: seen at once, nothing cleared by hand
    sealed = ZoneLevel.objects.get(code="sealed")
    level_update(
        actor=district.hq, code="sealed", name=sealed.name, colour="yellow", restrictions=sealed.restrictions,
        rank=sealed.rank, quiet_days=sealed.quiet_days, contact_days=sealed.contact_days,
        negative_days=sealed.negative_days, lifts_with_others=sealed.lifts_with_others, active=True,
    )  # fmt: skip
    status_invalidate([person])
    assert status_of(person).colour == "yellow"  # the level's edit (its version) is seen too
