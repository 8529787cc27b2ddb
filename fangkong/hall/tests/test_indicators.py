"""Each indicator against a count made another way on the same fixtures; a district is the sum of its streets;
scoped by the viewer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.command.directives import directive_issue
from fangkong.command.models import Task
from fangkong.conftest import make_user
from fangkong.containment.models import Colour, PersonStatus, Zone
from fangkong.containment.status import status_of
from fangkong.containment.zones import zone_approve, zone_request
from fangkong.core import clock
from fangkong.registry.models import Person, Unit
from fangkong.safety.hazards import hazard_create, hazard_transition
from fangkong.safety.models import Hazard
from fangkong.screening.models import FollowUp, Passage
from fangkong.testing.custody import bag_receive, bag_seal
from fangkong.testing.models import Recall, Sample, Tube
from fangkong.testing.results import ResultRow, results_ingest
from fangkong.testing.tests.conftest import collect, scan

from .conftest import arrive


@pytest.fixture
def city(district, screening, testing, containment):
    """A day in the district: arrivals from each risk level to both streets (one yesterday, one overdue for
    contact), a pool positive in community A (ten people yellow in the same transaction), a compound sealed a
    second ago, tasks overdue in both streets, hazards open and overdue in both."""
    with clock.frozen_at(clock.now() - timedelta(days=1)):
        arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.a.pk)
    with clock.frozen_at(clock.now() - timedelta(hours=5)):
        arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.b.pk)
    arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.a.pk)
    arrive(screening.staff2, screening.cp2, origin="吉林省长春市", destination_community=district.b.pk)
    arrive(screening.staff2, screening.cp2, origin="沈阳市和平区", destination_community=district.a.pk)
    arrive(screening.staff2, screening.cp2, origin="大连", destination_community=district.b.pk)

    members = testing.people_a[:10]
    collect(testing.sampler, testing.round, [scan(p, "POOL-H", testing.site, i) for i, p in enumerate(members)])
    collect(testing.other_sampler, testing.round, [scan(district.person_b, "POOL-B", testing.other_site)])
    bag_seal(actor=testing.sampler, seal_code="SEAL-H", tube_codes=["POOL-H"])
    bag_receive(actor=testing.lab, seal_code="SEAL-H")
    results_ingest(actor=testing.lab, rows=[ResultRow(0, "POOL-H", "positive")])

    zone = zone_request(
        actor=district.hq, name="幸福里", level="sealed", basis="确诊病例居住小区", places=[containment.compound.pk]
    )
    zone_approve(actor=containment.hq2, zone_id=zone.pk)

    with clock.frozen_at(clock.now() - timedelta(days=2)):
        directive_issue(
            actor=district.hq,
            title="排查返乡人员",
            deadline=clock.now() + timedelta(days=1),
            recipients=[district.s1.pk, district.s2.pk, district.a.pk],
        )
    directive_issue(
        actor=district.hq, title="今日任务", deadline=clock.now() + timedelta(days=1), recipients=[district.s2.pk]
    )

    plant = Unit.objects.create(
        kind="enterprise", name="兴隆化工", code="HALL-E1", jurisdiction=district.a, jpath=district.a.path
    )
    mill = Unit.objects.create(
        kind="enterprise", name="胜利面粉", code="HALL-E2", jurisdiction=district.b, jpath=district.b.path
    )
    with clock.frozen_at(clock.now() - timedelta(days=10)):
        major = hazard_create(
            actor=district.hq,
            enterprise_id=plant.pk,
            grade="major",
            description="储罐区防火堤破损",
            deadline=clock.now() + timedelta(days=3),
        )
        hazard_transition(actor=district.hq, hazard_id=major.pk, to="registered")
    hazard_create(
        actor=district.hq,
        enterprise_id=mill.pk,
        grade="general",
        description="粉尘清扫记录缺失",
        deadline=clock.now() + timedelta(days=3),
    )
    hazard_create(
        actor=district.hq,
        enterprise_id=plant.pk,
        grade="general",
        description="消防通道堵塞",
        deadline=clock.now() + timedelta(days=3),
    )
    return zone


def hall(client_for, jurisdiction=None) -> dict:
    r = client_for.get("/api/v1/hall", {"jurisdiction": jurisdiction.pk} if jurisdiction else {})
    assert r.status_code == 200, r.content
    return r.json()


def _colour_slow(path: str, colour: str) -> int:
    return sum(1 for p in Person.objects.filter(jpath__startswith=path) if status_of(p.pk).colour == colour)


def test_each_indicator_equals_a_count_made_another_way(district, city, testing, containment, api):
    now = clock.now()
    # The ten pool members turned yellow in the results' own transaction: their stored rows are invalidated,
    # not yet recomputed by anyone. The hall counts them as yellow, not as unknown.
    assert PersonStatus.objects.filter(colour__isnull=True).count() >= 10
    h = hall(api(district.hq))
    ind = h["indicators"]
    assert h["jurisdiction"] == {"id": district.d.pk, "name": district.d.name, "level": "district"}

    start = clock.start_of_day(clock.localdate(now))
    arrivals = [p for p in Passage.objects.all() if p.direction == "in" and start <= p.at <= now]
    assert ind["screening"]["arrivals_today"] == len(arrivals) == 5
    assert ind["screening"]["arrivals_high"] == sum(1 for p in arrivals if p.risk_area and p.risk_area.level == "high")
    assert ind["screening"]["arrivals_high"] == 2
    assert ind["screening"]["arrivals_medium"] == 1 and ind["screening"]["arrivals_low"] == 1
    overdue = [f for f in FollowUp.objects.all() if f.state_at(now) == FollowUp.State.MISSED]
    assert ind["screening"]["followups_overdue"] == len(overdue) == 2  # yesterday's and five hours ago

    assert ind["testing"]["round_sampled"] == Sample.objects.filter(round=testing.round).count() == 11
    expected = Person.objects.filter(is_resident=True).count()
    assert ind["testing"]["round_expected"] == expected
    assert ind["testing"]["positive_pools"] == Tube.objects.filter(result="positive").count() == 1
    assert ind["testing"]["recalls_open"] == Recall.objects.count() == 10

    # The compound sealed a second ago: its three residents red.
    assert ind["containment"]["yellow"] == _colour_slow(district.d.path, Colour.YELLOW)
    assert ind["containment"]["red"] == _colour_slow(district.d.path, Colour.RED)
    assert ind["containment"]["red"] >= len(containment.residents)
    assert ind["containment"]["yellow"] >= 10
    zones = ind["containment"]["zones"]
    assert [(z["id"], z["level"], z["population"]) for z in zones] == [(city.pk, "sealed", 3)]

    overdue_tasks = [t for t in Task.objects.all() if t.state != "done" and t.deadline < now]
    assert ind["command"]["tasks_overdue"] == len(overdue_tasks) == 3

    open_hazards = [h for h in Hazard.objects.all() if h.state != "closed"]
    assert ind["safety"]["hazards_open"] == len(open_hazards) == 3
    late = [h for h in open_hazards if h.deadline < now and h.state not in ("accepted", "closed")]
    assert ind["safety"]["hazards_overdue"] == len(late) == 1
    assert ind["safety"]["majors_without_assurances"] == 1


def test_the_district_is_the_sum_of_its_streets(district, city, api):
    c = api(district.hq)
    whole = hall(c)["indicators"]
    parts = [hall(c, district.s1)["indicators"], hall(c, district.s2)["indicators"]]
    compared = 0
    for module, figures in whole.items():
        for key, value in figures.items():
            if not isinstance(value, int) or isinstance(value, bool):
                continue
            if not all(key in p.get(module, {}) for p in parts):
                continue  # the district's alone (the portal, the public's price reports)
            assert value == sum(p[module][key] for p in parts), f"{module}.{key}"
            compared += 1
    assert compared >= 30
    zones = {z["id"]: z["population"] for z in whole["containment"]["zones"]}
    street_zones: dict[int, int] = {}
    for p in parts:
        for z in p["containment"]["zones"]:
            street_zones[z["id"]] = street_zones.get(z["id"], 0) + z["population"]
    assert zones == {k: v for k, v in street_zones.items() if v}


def test_a_street_officer_sees_their_street_only(district, city, api):
    c = api(district.street1)
    h = hall(c)
    assert h["jurisdiction"]["id"] == district.s1.pk
    assert hall(c, district.a)["jurisdiction"]["id"] == district.a.pk
    assert c.get("/api/v1/hall", {"jurisdiction": district.s2.pk}).status_code == 404
    assert c.get("/api/v1/hall", {"jurisdiction": district.d.pk}).status_code == 404
    own = hall(api(district.hq), district.s1)["indicators"]
    assert h["indicators"]["screening"] == own["screening"]
    assert "portal" not in h["indicators"]


def test_a_community_worker_sees_their_community(district, city, api):
    h = hall(api(district.worker_b))
    assert h["jurisdiction"]["id"] == district.b.pk
    assert api(district.worker_b).get("/api/v1/hall", {"jurisdiction": district.a.pk}).status_code == 404


@pytest.mark.parametrize("persona", ["unit_staff"])
def test_outsiders_have_no_hall(district, persona, api):
    r = api(getattr(district, persona)).get("/api/v1/hall")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert district.client(getattr(district, persona)).get("/hall/").status_code == 404


def test_a_jurisdiction_that_is_not_an_id_is_refused(district, api):
    r = api(district.hq).get("/api/v1/hall", {"jurisdiction": "abc"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "jurisdiction"


def test_a_module_the_viewer_may_not_see_is_left_out(district, api):
    """A viewer with a hall but without a module's capability gets none of its figures (a checkpoint's staff
    hold no hall at all; a community worker sees no work-safety figures)."""
    h = hall(api(district.worker_a))
    assert "safety" not in h["indicators"] and "command" not in h["indicators"]
    assert "screening" in h["indicators"] and "containment" in h["indicators"]


def test_a_new_hazard_raises_the_count_at_once(district, api):
    """No cache between a write and the hall: the figure counts the row written a moment ago."""
    plant = Unit.objects.create(
        kind="enterprise", name="新厂", code="HALL-E3", jurisdiction=district.a, jpath=district.a.path
    )
    c = api(district.hq)
    before = hall(c)["indicators"]["safety"]["hazards_open"]
    hazard_create(
        actor=district.hq,
        enterprise_id=plant.pk,
        grade="major",
        description="配电室无绝缘垫",
        deadline=clock.now() + timedelta(days=1),
    )
    assert hall(c)["indicators"]["safety"]["hazards_open"] == before + 1


def test_a_zone_still_awaiting_approval_is_not_counted(district, containment, api):
    zone_request(
        actor=district.hq, name="幸福里", level="sealed", basis="确诊病例居住小区", places=[containment.compound.pk]
    )
    ind = hall(api(district.hq))["indicators"]["containment"]
    assert ind["zones"] == [] and ind["red"] == 0
    assert Zone.objects.get().state == "pending"


def test_yesterdays_value_is_given_for_flows(district, city, api):
    sections = hall(api(district.hq))["sections"]
    screening = next(s for s in sections if s["module"] == "screening")
    arrivals = next(f for f in screening["figures"] if f["key"] == "arrivals_today")
    assert arrivals["previous"] == 1 and arrivals["change"] == 4
    assert arrivals["url"].startswith("/screening/passages/?")


def test_the_hall_needs_a_sign_in(client):
    assert client.get("/api/v1/hall").status_code == 401
    r = client.get("/hall/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_staff_without_the_hall_capability_see_404_even_with_other_powers(district, api):
    officer = make_user("reg9", "safety_regulator", unit=Unit.objects.get(code="LAB1"))
    assert api(officer).get("/api/v1/hall").status_code == 404


def test_the_arrival_counts_kept_by_each_registration_equal_a_rebuild(district, city):
    from fangkong.screening.models import ArrivalCount
    from fangkong.screening.passages import arrivals_rebuild

    def counts() -> list[tuple]:  # summed over the shards
        from django.db.models import Sum

        return sorted(ArrivalCount.objects.values_list("day", "jpath", "level").annotate(total=Sum("n")).order_by())

    kept = counts()
    assert sum(n for *_k, n in kept) == Passage.objects.filter(direction="in").count() == 6
    arrivals_rebuild()
    assert counts() == kept
