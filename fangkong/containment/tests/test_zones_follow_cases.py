"""Zones that follow the cases (issue 19, point 7): a confirmed case drafts the strictest zone over their home
compound, pending a human officer; each zone shows the earliest day it can be lifted, criterion by criterion, and
the whole-area round it needs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fangkong.containment.cases import case_confirm, case_record, contact_add
from fangkong.containment.hall import zones_to_decide
from fangkong.containment.models import Case, Zone, ZoneLevel
from fangkong.containment.status import status_of
from fangkong.containment.zones import (
    lift_outlook,
    zone_approve,
    zone_drafting_set,
    zone_reject,
    zone_request,
)
from fangkong.core import clock
from fangkong.core.actors import System
from fangkong.core.models import AuditEvent, Notification
from fangkong.core.scoping import Forbidden
from fangkong.testing.custody import bag_receive, bag_seal
from fangkong.testing.models import Tube
from fangkong.testing.results import ResultRow, results_ingest
from fangkong.testing.tests.conftest import collect, scan, testing  # noqa: F401  (the fixture)

JSON = "application/json"
T0 = datetime(2022, 5, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _drafts():
    return Zone.objects.filter(drafted_for__isnull=False)


def test_a_positive_retest_drafts_the_sealed_zone_over_the_home_compound(district, containment, testing):  # noqa: F811
    setup = testing
    person = containment.residents[0]  # household 101 in 幸福里
    collect(setup.sampler, setup.round, [scan(person, "ONE-Z", setup.site)])
    Tube.objects.filter(code="ONE-Z").update(closed_at=Tube.objects.get(code="ONE-Z").opened_at)
    bag_seal(actor=setup.sampler, seal_code="SEAL-Z", tube_codes=["ONE-Z"])
    bag_receive(actor=setup.lab, seal_code="SEAL-Z")
    results_ingest(actor=setup.lab, rows=[ResultRow(0, "ONE-Z", "positive")])

    case = Case.objects.get(person=person)
    zone = Zone.objects.get()
    assert zone.state == Zone.State.PENDING and zone.drafted_for_id == case.pk
    assert zone.level.code == "sealed" and zone.level.rank == 1
    assert list(zone.places.all()) == [containment.compound] and zone.requested_by_id is None
    assert f"№{case.pk}" in zone.basis and "住*" in zone.basis and "幸福里" in zone.basis
    assert "住户甲" not in zone.basis  # the name is masked
    event = AuditEvent.objects.get(object_type="containment.zone", object_id=str(zone.pk))
    assert (event.action, event.actor_name) == ("zone.draft", "system:containment.zone_draft")
    assert event.fields["case"] == case.pk
    # The approvers are told, and nothing changes for the neighbours until one of them approves.
    notified = set(Notification.objects.filter(link__endswith=f"/zones/{zone.pk}/").values_list("user_id", flat=True))
    assert {district.hq.pk, containment.hq2.pk} <= notified
    assert status_of(containment.residents[2].pk).colour == "green"


def test_a_case_by_hand_drafts_and_any_officer_approves_it(district, containment):
    case = case_record(actor=district.hq, person_id=containment.residents[0].pk, reference="报告 7")
    zone = _drafts().get()
    assert zone.drafted_for_id == case.pk and zone.state == Zone.State.PENDING
    assert zones_to_decide(district.hq).count == 1  # on the desk of the officer who recorded the case too
    # The platform asked: the officer who recorded the case is not the requester, so they may approve it.
    page = district.client(district.hq)
    shown = page.get(f"/containment/zones/{zone.pk}/").content.decode()
    assert "Approve: put in force" in shown and "The platform (drafted automatically)" in shown
    assert page.post(f"/containment/zones/{zone.pk}/", {"action": "approve", "note": "同意"}).status_code == 302
    zone.refresh_from_db()
    assert zone.state == Zone.State.ACTIVE and zone.decided_by_id == district.hq.pk
    assert status_of(containment.residents[2].pk).colour == "red"
    actions = list(
        AuditEvent.objects.filter(object_type="containment.zone", object_id=str(zone.pk))
        .order_by("id")
        .values_list("action", "actor_name")
    )
    assert actions == [("zone.draft", "system:containment.zone_draft"), ("zone.approve", "hq")]


def test_the_platform_cannot_approve_what_it_drafted(district, containment):
    case_confirm(actor=district.hq, person_id=containment.residents[0].pk, source="clinic")
    zone = _drafts().get()
    with pytest.raises(Forbidden):
        zone_approve(actor=System("containment.zone_draft"), zone_id=zone.pk)
    assert Zone.objects.get(pk=zone.pk).state == Zone.State.PENDING


def test_a_second_case_in_the_compound_drafts_nothing_more_and_the_zone_lists_both(district, containment):
    first = case_confirm(actor=district.hq, person_id=containment.residents[0].pk, source="clinic")
    second = case_confirm(actor=district.hq, person_id=containment.residents[2].pk, source="clinic")
    zone = Zone.objects.get()
    assert zone.drafted_for_id == first.pk
    page = district.client(district.hq).get(f"/containment/zones/{zone.pk}/").content.decode()
    assert f"№{first.pk}" in page and f"№{second.pk}" in page
    assert f'href="/containment/cases/{second.pk}/"' in page


def test_no_draft_where_a_zone_as_strict_already_holds_the_compound(district, containment):
    zone_request(
        actor=district.hq, name="甲社区", level="sealed", basis="社区整体封控研判", jurisdictions=[district.a.pk]
    )  # pending, over the whole community
    case_confirm(actor=district.hq, person_id=containment.residents[0].pk, source="clinic")
    assert not _drafts().exists()


def test_a_milder_or_rejected_zone_does_not_stop_the_draft(district, containment):
    controlled = zone_request(
        actor=district.hq, name="管控", level="controlled", basis="相邻小区管控", places=[containment.compound.pk]
    )
    rejected = zone_request(
        actor=district.hq, name="封控", level="sealed", basis="先前的提议", places=[containment.compound.pk]
    )
    zone_reject(actor=containment.hq2, zone_id=rejected.pk, note="证据不足")
    case = case_confirm(actor=district.hq, person_id=containment.residents[0].pk, source="clinic")
    drafted = _drafts().get()
    assert drafted.drafted_for_id == case.pk and drafted.level.code == "sealed"
    assert controlled.pk != drafted.pk


def test_the_strictest_level_is_the_districts_data(district, containment):
    ZoneLevel.objects.filter(code="sealed").update(rank=2)
    ZoneLevel.objects.filter(code="high").update(active=True)  # the later scheme's 高风险区, rank 1
    case_confirm(actor=district.hq, person_id=containment.residents[0].pk, source="clinic")
    assert _drafts().get().level.code == "high"


def test_nobody_without_a_home_compound_drafts_a_zone(district, containment):
    case_confirm(actor=district.hq, person_id=containment.outsider.pk, source="clinic")
    assert not Zone.objects.exists()


def test_the_district_turns_drafting_off_and_on(client, district, containment, api_token):
    with pytest.raises(Forbidden):
        zone_drafting_set(actor=district.street1, drafts_for_cases=False)
    hq = api_token(district.hq)
    assert client.get("/api/v1/zones/drafting", **hq).json()["drafts_for_cases"] is True
    r = client.put("/api/v1/zones/drafting", {"drafts_for_cases": False}, content_type=JSON, **hq)
    assert r.status_code == 200 and r.json()["drafts_for_cases"] is False
    case_confirm(actor=district.hq, person_id=containment.residents[0].pk, source="clinic")
    assert not Zone.objects.exists()
    event = AuditEvent.objects.get(action="zone.drafting")
    assert event.fields["drafts_for_cases"] == {"before": True, "after": False}
    # The page's switch, the same schema: ticked turns it back on.
    page = district.client(district.hq)
    r = page.post("/containment/zones/", {"action": "drafting", "drafts_for_cases": "1"})
    assert r.status_code == 302
    assert "A confirmed case now drafts a zone" in page.get("/containment/zones/").content.decode()
    case_confirm(actor=district.hq, person_id=containment.residents[2].pk, source="clinic")
    assert _drafts().count() == 1


def test_a_drafted_zone_is_seen_within_its_area_only(client, district, containment, api_token):
    case_confirm(actor=district.hq, person_id=containment.residents[0].pk, source="clinic")
    zone = _drafts().get()
    inside, outside = api_token(district.worker_a), api_token(district.worker_b)
    r = client.get(f"/api/v1/zones/{zone.pk}", **inside)
    assert r.status_code == 200 and r.json()["requested_by"] == "system"
    assert r.json()["drafted_for_case_id"] == zone.drafted_for_id
    assert client.get(f"/api/v1/zones/{zone.pk}", **outside).status_code == 404
    assert district.client(district.worker_b).get(f"/containment/zones/{zone.pk}/").status_code == 404


def _sealed_at_t0(district, containment) -> Zone:
    zone = zone_request(
        actor=district.hq, name="幸福里", level="sealed", basis="区指挥部研判", places=[containment.compound.pk]
    )
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    return zone


def test_the_earliest_lifting_date_criterion_by_criterion(client, district, containment, api_token):
    """Sealed: 14 days without a case, 14 days since the last close contact, everyone negative within 2 days."""
    from fangkong.testing.rounds import round_create

    with clock.frozen_at(T0):
        zone = _sealed_at_t0(district, containment)
    with clock.frozen_at(T0 + timedelta(days=2)):
        case = case_confirm(actor=district.hq, person_id=containment.residents[0].pk, source="clinic")
        contact_add(
            actor=district.hq,
            case_id=case.pk,
            person_id=containment.outsider.pk,
            last_exposure_at=T0 + timedelta(days=2),
            exposure="household",
        )
    with clock.frozen_at(T0 + timedelta(days=3)):
        case_confirm(actor=district.hq, person_id=containment.residents[2].pk, source="clinic")
    assert not _drafts().exists()  # the compound is sealed already
    with clock.frozen_at(T0 + timedelta(days=4)):
        outlook = lift_outlook(Zone.objects.get(pk=zone.pk))
        by_key = {c.key: c for c in outlook.criteria}
        # The last case came on 4 May, the last exposure on 3 May: 14 days after each.
        assert by_key["quiet_days"].date == date(2022, 5, 18) and not by_key["quiet_days"].met
        assert by_key["contact_days"].date == date(2022, 5, 17) and not by_key["contact_days"].met
        # No round planned: one must sample the area from two days before the day the others allow.
        assert by_key["negative_days"].date == date(2022, 5, 18)
        needed = outlook.round_needed
        assert (needed.start, needed.by, needed.planned) == (date(2022, 5, 16), date(2022, 5, 18), None)
        assert outlook.earliest == date(2022, 5, 18)
        page = district.client(district.hq).get(f"/containment/zones/{zone.pk}/").content.decode()
        assert "Earliest lifting date: 2022-05-18" in page and "No such round is planned yet." in page
        # A round over the whole district planned until 19 May: lifting waits for it.
        planned = round_create(
            actor=district.hq,
            name="全员核酸第五轮",
            starts_at=T0 + timedelta(days=15),
            deadline=T0 + timedelta(days=18),
        )
        r = client.get(f"/api/v1/zones/{zone.pk}", **api_token(district.hq)).json()
        assert r["earliest_lift"] == "2022-05-19"
        assert {c["key"]: (c["met"], c["date"]) for c in r["criteria"]} == {
            "quiet_days": (False, "2022-05-18"),
            "contact_days": (False, "2022-05-17"),
            "negative_days": (False, "2022-05-19"),
        }
        assert r["round_needed"]["planned_round_id"] == planned.pk and r["round_needed"]["by"] == "2022-05-18"
        page = district.client(district.hq).get(f"/containment/zones/{zone.pk}/").content.decode()
        assert "2022-05-19" in page
    with clock.frozen_at(T0 + timedelta(days=16, hours=1)):
        by_key = {c.key: c for c in lift_outlook(Zone.objects.get(pk=zone.pk)).criteria}
        # The contact's day has come, but they have no negative test since the exposure: still unmet.
        assert by_key["contact_days"].date == date(2022, 5, 17) and not by_key["contact_days"].met
        assert not by_key["quiet_days"].met
    with clock.frozen_at(T0 + timedelta(days=17, hours=1)):
        by_key = {c.key: c for c in lift_outlook(Zone.objects.get(pk=zone.pk)).criteria}
        assert by_key["quiet_days"].met  # 14 days after the last case, counted from its confirmation


def test_a_quiet_zone_is_dated_from_its_start_and_its_past_is_never_the_earliest(district, containment):
    with clock.frozen_at(T0):
        zone = _sealed_at_t0(district, containment)
    with clock.frozen_at(T0 + timedelta(days=20)):
        outlook = lift_outlook(Zone.objects.get(pk=zone.pk))
        by_key = {c.key: c for c in outlook.criteria}
        assert by_key["quiet_days"].met and by_key["quiet_days"].date == date(2022, 5, 15)
        assert by_key["contact_days"].met and by_key["contact_days"].date is None  # nobody to wait for
        assert not by_key["negative_days"].met  # nobody tested
        assert outlook.earliest == date(2022, 5, 21)  # today: never a day gone by
        assert outlook.round_needed.by == date(2022, 5, 21)


def test_a_lifted_zone_has_no_earliest_date(client, district, containment, api_token):
    zone = _sealed_at_t0(district, containment)
    Zone.objects.filter(pk=zone.pk).update(state=Zone.State.LIFTED)
    r = client.get(f"/api/v1/zones/{zone.pk}", **api_token(district.hq)).json()
    assert r["earliest_lift"] is None and r["round_needed"] is None


def _workplace(district, containment, *, premises=True):
    from fangkong.containment.tests.conftest import place
    from fangkong.registry.models import Unit

    park = place("compound", "兴隆工业园", None, district.b)
    workshop = place("building", "2号厂房", park, district.b)
    return Unit.objects.create(
        kind="employer", name="兴隆机械厂", code="EMP-W1", jurisdiction=district.b, jpath=district.b.path,
        place=workshop if premises else None,
    )  # fmt: skip


def test_a_case_who_works_at_registered_premises_drafts_the_controlled_zone_there(district, containment):
    unit = _workplace(district, containment)
    person = containment.residents[0]
    person.unit = unit
    person.save(update_fields=["unit"])
    case = case_confirm(actor=district.hq, person_id=person.pk, source="clinic")
    drafts = {z.level.code: z for z in _drafts()}
    assert set(drafts) == {"sealed", "controlled"}  # home sealed; the workplace controlled (管控区)
    work = drafts["controlled"]
    assert list(work.places.all()) == [unit.place] and work.drafted_for_id == case.pk
    assert "兴隆机械厂" in work.basis and "2号厂房" in work.basis and work.state == Zone.State.PENDING
    event = AuditEvent.objects.get(action="zone.draft", object_id=str(work.pk))
    assert event.fields["workplace"] == unit.pk


def test_a_workplace_learnt_later_drafts_its_zone_then(district, containment):
    unit = _workplace(district, containment)
    case = case_confirm(actor=district.hq, person_id=containment.residents[0].pk, source="clinic")
    assert _drafts().count() == 1
    from fangkong.containment.cases import case_update

    case_update(actor=district.hq, case_id=case.pk, workplace_id=unit.pk, note="流调查明工作单位")
    assert _drafts().filter(level__code="controlled", places=unit.place).exists()
    case_update(actor=district.hq, case_id=case.pk, workplace_id=unit.pk)  # unchanged: nothing more
    assert _drafts().count() == 2


def test_a_workplace_without_registered_premises_drafts_nothing(district, containment):
    unit = _workplace(district, containment, premises=False)
    case = case_confirm(actor=district.hq, person_id=containment.residents[0].pk, source="clinic")
    from fangkong.containment.cases import case_update

    case_update(actor=district.hq, case_id=case.pk, workplace_id=unit.pk)
    assert [z.level.code for z in _drafts()] == ["sealed"]


def test_a_workplace_recorded_for_a_released_case_drafts_nothing(district, containment):
    unit = _workplace(district, containment)
    case = case_confirm(actor=district.hq, person_id=containment.residents[0].pk, source="clinic")
    Case.objects.filter(pk=case.pk).update(released_at=clock.now())
    from fangkong.containment.cases import case_update

    case_update(actor=district.hq, case_id=case.pk, workplace_id=unit.pk, note="补录")
    assert [z.level.code for z in _drafts()] == ["sealed"]
