"""The hall's figures for transfers and isolation beds, duty, daily reports, incidents and supplies, each against a
count made another way on the same fixtures; the district's is the sum of its streets'."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.command.duty import duty_assign, roster_generate
from fangkong.command.models import DutyAssignment, DutyShift, ReportAssignment, ReportSubmission
from fangkong.command.reporting import report_submit, template_assign, template_create
from fangkong.containment.cases import case_confirm
from fangkong.containment.models import IsolationSite, Transfer
from fangkong.containment.transfers import due_step, transfer_dispatch, transfer_step
from fangkong.core import clock
from fangkong.core.actors import System
from fangkong.incidents.models import Incident
from fangkong.incidents.services import ensure_levels, incident_report_initial, next_due
from fangkong.livelihood.models import SupplyRequest
from fangkong.livelihood.services import supply_request_file
from fangkong.registry.models import Unit

from .test_indicators import city  # noqa: F401  (fixture)

UNDER_WAY = (Transfer.State.DISPATCHED, Transfer.State.PICKED_UP, Transfer.State.ARRIVED)


@pytest.fixture
def operations(district, city, containment):  # noqa: F811
    """Two transfers (one late at its pick-up, one received), duty rosters for both streets (S1's with its
    leader), a daily report for three posts (one filed), two incidents (one late), supply requests from the
    sealed compound (one urgent and late)."""
    unit = Unit.objects.create(
        kind="clinic", name="定点医院", code="H-OPS", jurisdiction=district.d, jpath=district.d.path
    )
    site = IsolationSite.objects.create(name="定点医院", kind="hospital", capacity=5, unit=unit, jpath=district.d.path)
    for person in (district.person_a, district.person_b):
        case_confirm(actor=System("test"), person_id=person.pk, source="testing")
    with clock.frozen_at(clock.now() - timedelta(hours=3)):
        transfer_dispatch(
            actor=district.hq,
            person_id=district.person_a.pk,
            destination_id=site.pk,
            pickup_address="园丁小区",
            vehicle="辽L1",
            crew="甲乙",
        )
    second = transfer_dispatch(
        actor=district.hq,
        person_id=district.person_b.pk,
        destination_id=site.pk,
        pickup_address="胜利小区",
        vehicle="辽L2",
        crew="丙丁",
    )
    for step in ("pick_up", "arrive", "receive"):
        transfer_step(actor=district.hq, transfer_id=second.pk, step=step)

    today = clock.localdate()
    for street in (district.s1, district.s2):
        roster_generate(actor=district.hq, first=today - timedelta(days=1), days=2, jurisdiction_id=street.pk)
    for shift in DutyShift.objects.filter(jurisdiction=district.s1):
        duty_assign(actor=district.hq, shift_id=shift.pk, user_id=district.street1.pk, role="leader")

    template = template_create(
        actor=district.hq, name="每日防控日报", fields=[{"key": "checked", "label": "排查人数", "type": "number"}]
    )
    template_assign(
        actor=district.hq, template_id=template.pk, recipients=[district.s1.pk, district.s2.pk, district.a.pk]
    )
    mine = ReportAssignment.objects.get(jurisdiction=district.s1)
    report_submit(actor=district.street1, assignment_id=mine.pk, zero=True)

    ensure_levels()
    now = clock.now()
    with clock.frozen_at(now - timedelta(hours=5)):  # its follow-up (every 4 hours at level I) is late
        incident_report_initial(
            actor=district.street1,
            title="仓库火情",
            level="I",
            occurred_at=now - timedelta(hours=6),
            jurisdiction_id=district.s1.pk,
            text="仓库起火，无人员伤亡，已扑灭。",
        )
    incident_report_initial(
        actor=district.hq,
        title="道路塌陷",
        level="III",
        occurred_at=now - timedelta(minutes=20),
        jurisdiction_id=district.s2.pk,
        text="路面塌陷，已设置围挡。",
    )

    residents = [p.pk for p in containment.residents]
    with clock.frozen_at(now - timedelta(hours=5)):
        supply_request_file(person_ids=residents, person_id=residents[0], kind="medicine", items="胰岛素", urgent=True)
    supply_request_file(person_ids=residents, person_id=residents[1], kind="groceries", items="米、油")


def _ind(api, user, area=None) -> dict:
    r = api(user).get("/api/v1/hall", {"jurisdiction": area.pk} if area else {})
    assert r.status_code == 200, r.content
    return r.json()["indicators"]


def _slow(path: str) -> dict:
    now = clock.now()
    transfers = [t for t in Transfer.objects.all() if t.jpath.startswith(path)]
    under_way = [t for t in transfers if t.state in UNDER_WAY]
    sites = [s for s in IsolationSite.objects.filter(active=True) if s.jpath.startswith(path)]
    held = [t for t in Transfer.objects.all() if t.destination_id in {s.pk for s in sites}]
    used = sum(1 for t in held if t.state in (*UNDER_WAY, Transfer.State.RECEIVED))
    start = clock.start_of_day(clock.localdate(now))
    shifts = [
        s
        for s in DutyShift.objects.all()
        if s.jpath.startswith(path) and s.starts_at < start + timedelta(days=1) and s.ends_at > start
    ]
    leaders = {a.shift_id for a in DutyAssignment.objects.filter(role="leader")}
    incidents = [i for i in Incident.objects.all() if i.jpath.startswith(path) and i.closed_at is None]
    requests = [
        r for r in SupplyRequest.objects.all() if r.jpath.startswith(path) and r.state in ("received", "accepted")
    ]
    limit = {True: timedelta(hours=4), False: timedelta(hours=24)}
    return {
        "transfers_under_way": len(under_way),
        "transfers_late": sum(1 for t in under_way if (d := due_step(t, now)) is not None and d.late),
        "isolation_used": used,
        "isolation_free": sum(s.capacity for s in sites) - used,
        "duty_leaders": sum(1 for s in shifts if s.pk in leaders),
        "duty_unmanned": sum(1 for s in shifts if s.pk not in leaders),
        "reports_due": sum(1 for a in ReportAssignment.objects.all() if a.jpath.startswith(path)),
        "reports_filed": sum(1 for s in ReportSubmission.objects.all() if s.assignment.jpath.startswith(path)),
        "incidents_open": len(incidents),
        "incidents_late": sum(1 for i in incidents if (n := next_due(i, now)) is not None and n.late),
        "supply_open": len(requests),
        "supply_urgent": sum(1 for r in requests if r.urgent),
        "supply_late": sum(1 for r in requests if r.created_at < now - limit[r.urgent]),
    }


MODULE = {
    "transfers_under_way": "containment",
    "transfers_late": "containment",
    "isolation_used": "containment",
    "isolation_free": "containment",
    "duty_leaders": "command",
    "duty_unmanned": "command",
    "reports_due": "command",
    "reports_filed": "command",
    "incidents_open": "command",
    "incidents_late": "command",
    "supply_open": "livelihood",
    "supply_urgent": "livelihood",
    "supply_late": "livelihood",
}


def test_each_figure_equals_a_count_made_another_way(district, operations, api):
    ind = _ind(api, district.hq)
    slow = _slow(district.d.path)
    for key, module in MODULE.items():
        assert ind[module][key] == slow[key], key
    # The fixture was made to show each of them.
    assert slow["transfers_under_way"] == 1 and slow["transfers_late"] == 1
    assert slow["isolation_used"] == 2 and slow["isolation_free"] == 3
    assert slow["duty_leaders"] >= 1 and slow["duty_unmanned"] >= 1
    assert slow["reports_due"] == 3 and slow["reports_filed"] == 1
    assert slow["incidents_open"] == 2 and slow["incidents_late"] == 1
    assert slow["supply_open"] == 2 and slow["supply_urgent"] == 1 and slow["supply_late"] == 1


def test_the_district_is_the_sum_of_its_streets_for_these_too(district, operations, api):
    whole = _ind(api, district.hq)
    s1, s2 = _ind(api, district.hq, district.s1), _ind(api, district.hq, district.s2)
    for key, module in MODULE.items():
        if key.startswith("isolation"):
            continue  # the beds are the district's (its isolation site), not a street's
        assert whole[module][key] == s1[module][key] + s2[module][key], key
    assert s1["command"]["incidents_late"] == 1 and s2["command"]["incidents_late"] == 0


def test_tubes_past_the_result_limit_are_those_the_round_page_lists(district, city, testing, api):  # noqa: F811
    from fangkong.testing.models import Tube
    from fangkong.testing.monitoring import stage_timings

    # POOL-B was opened three days ago and is still being filled: late at collection. POOL-H has its result.
    Tube.objects.filter(code="POOL-B").update(opened_at=clock.now() - timedelta(days=3))
    ind = _ind(api, district.hq)["testing"]
    timings = stage_timings(user=district.hq, round_id=testing.round.pk)
    assert ind["tubes_late"] == timings["late_count"] == 1
    assert ind["tubes_late_by_stage"] == {"collect": 1, "deliver": 0, "test": 0, "report": 0}
    assert {t["stage"] for t in timings["late"]} == {"collect"}
    # Resulted after the limit: late at the report.
    Tube.objects.filter(code="POOL-H").update(opened_at=clock.now() - timedelta(days=3))
    ind = _ind(api, district.hq)["testing"]
    assert ind["tubes_late"] == stage_timings(user=district.hq, round_id=testing.round.pk)["late_count"] == 2
    assert ind["tubes_late_by_stage"]["report"] == 1
    assert _ind(api, district.hq, district.s2)["testing"]["tubes_late"] == 1  # POOL-B's person lives in B


def test_close_contacts_under_management_are_counted_once_within_their_period(district, city, api):  # noqa: F811
    from fangkong.containment.cases import contact_add
    from fangkong.containment.models import CloseContact
    from fangkong.registry.models import Person

    first = case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    second = case_confirm(actor=System("test"), person_id=district.person_b.pk, source="testing")
    others = list(Person.objects.exclude(pk__in=[district.person_a.pk, district.person_b.pk]).order_by("pk")[:3])
    now = clock.now()
    contact_add(actor=district.hq, case_id=first.pk, person_id=others[0].pk, last_contact_at=now - timedelta(days=2))
    contact_add(actor=district.hq, case_id=second.pk, person_id=others[0].pk, last_contact_at=now - timedelta(days=1))
    contact_add(actor=district.hq, case_id=first.pk, person_id=others[1].pk, last_contact_at=now - timedelta(days=3))
    contact_add(actor=district.hq, case_id=first.pk, person_id=others[2].pk, last_contact_at=now - timedelta(days=12))
    managed = {c.person_id for c in CloseContact.objects.all() if c.last_contact_at >= now - timedelta(days=10)}
    assert _ind(api, district.hq)["containment"]["close_contacts"] == len(managed) == 2


def test_major_hazards_lacking_an_assurance_are_counted_in_the_database(district, api):
    from fangkong.safety.hazards import hazard_create, hazard_transition
    from fangkong.safety.models import Hazard

    plant = Unit.objects.create(
        kind="enterprise", name="化工厂", code="MAJ-1", jurisdiction=district.a, jpath=district.a.path
    )
    five = {"responsibility": "厂长", "measures": "更换", "funds": "1万元", "time_limit": "7天", "contingency": "预案"}
    variants = [
        five,  # all five: not counted
        {**five, "funds": ""},  # blank
        {**five, "funds": None},  # null
        {k: v for k, v in five.items() if k != "contingency"},  # missing
        {},  # none yet
    ]
    for assurances in variants:
        h = hazard_create(
            actor=district.hq,
            enterprise_id=plant.pk,
            grade="major",
            description="储罐泄漏风险",
            deadline=clock.now() + timedelta(days=3),
        )
        hazard_transition(actor=district.hq, hazard_id=h.pk, to="registered")
        Hazard.objects.filter(pk=h.pk).update(assurances=assurances)
    slow = sum(
        1
        for h in Hazard.objects.filter(grade="major", state__in=["registered", "ordered"])
        if any(not (h.assurances or {}).get(k) for k in five)
    )
    assert _ind(api, district.hq)["safety"]["majors_without_assurances"] == slow == 4
    # The tile's list: those four, not the one with all five.
    figure = next(
        f
        for sec in api(district.hq).get("/api/v1/hall").json()["sections"]
        for f in sec["figures"]
        if f["key"] == "majors_without_assurances"
    )
    from django.urls import reverse

    page = district.client(district.hq).get(figure["url"]).content.decode()
    shown = {h.pk for h in Hazard.objects.all() if reverse("safety:hazard", args=[h.pk]) + '"' in page}
    complete = Hazard.objects.get(assurances=five)
    assert len(shown) == 4 and complete.pk not in shown
