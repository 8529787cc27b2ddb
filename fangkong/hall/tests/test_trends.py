"""The hall's 30-day trends: each series against a count made from the records themselves on the same fixtures;
the counts kept by the writes equal a rebuild; a district's is the sum of its streets'; scoped by the viewer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from fangkong.conftest import make_user
from fangkong.containment.cases import case_confirm
from fangkong.containment.models import Case
from fangkong.core import clock, daily
from fangkong.core.models import DailyCount
from fangkong.registry.models import Unit
from fangkong.safety.hazards import hazard_create, hazard_transition
from fangkong.safety.models import Hazard
from fangkong.screening.followups import followup_contact, followup_record_test, followup_release
from fangkong.screening.models import FollowUp, Passage
from fangkong.testing.models import Sample, Tube

from .test_indicators import city  # noqa: F401  (fixture)

FIVE = {"responsibility": "厂长", "measures": "更换", "funds": "1万元", "time_limit": "7天", "contingency": "预案"}


def _days(n: int = 30) -> list[date]:
    today = clock.localdate()
    return [today - timedelta(days=n - 1 - i) for i in range(n)]


def _per_day(moments) -> list[int]:
    days = _days()
    counts = {d: 0 for d in days}
    for m in moments:
        if m is not None and clock.localdate(m) in counts:
            counts[clock.localdate(m)] += 1
    return [counts[d] for d in days]


@pytest.fixture
def month(district, city, screening):  # noqa: F811
    """The city's day, and: a closed-loop case released after its tests, a case confirmed, a hazard taken through
    to its closure (销号) and an arrival twenty days ago."""
    with clock.frozen_at(clock.now() - timedelta(days=20)):
        from .conftest import arrive

        arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.a.pk)
    old = FollowUp.objects.order_by("opened_at").first()
    assert old is not None
    # Its measure shortened to end an hour ago (the protocol is the district's to set): it may be released now.
    FollowUp.objects.filter(pk=old.pk).update(measure_ends_at=clock.now() - timedelta(hours=1))
    old.refresh_from_db()
    followup_contact(actor=district.hq, followup_id=old.pk)
    for day in old.test_days:
        followup_record_test(actor=district.hq, followup_id=old.pk, day=day, result="negative")
    followup_release(actor=district.hq, followup_id=old.pk)
    case_confirm(actor=district.hq, person_id=district.person_a.pk, source="clinic", reference="发热门诊")
    plant = Unit.objects.get(code="HALL-E1")
    reg, ent = district.hq, make_user("officer", "enterprise_officer", unit=plant)
    h = hazard_create(
        actor=reg,
        enterprise_id=plant.pk,
        grade="general",
        description="灭火器过期",
        deadline=clock.now() + timedelta(days=3),
    )
    for to, who in [("registered", reg), ("ordered", reg), ("rectifying", ent), ("applied", ent)]:
        hazard_transition(actor=who, hazard_id=h.pk, to=to, assurances=FIVE)
    for to in ("accepted", "closed"):
        hazard_transition(actor=reg, hazard_id=h.pk, to=to)
    return h


def _trends(client, jurisdiction=None) -> dict:
    r = client.get("/api/v1/hall/trends", {"jurisdiction": jurisdiction.pk} if jurisdiction else {})
    assert r.status_code == 200, r.content
    return r.json()


def _series(data: dict) -> dict[str, list[int]]:
    return {s["name"]: s["values"] for c in data["charts"] for s in c["series"]}


def test_each_trend_equals_a_count_made_from_the_records(district, month, api):
    data = _trends(api(district.hq))
    assert data["days"] == [d.isoformat() for d in _days()]
    got = _series(data)
    arrivals = [p for p in Passage.objects.all() if p.direction == "in"]
    assert got["screening.arrivals"] == _per_day(p.at for p in arrivals)
    assert sum(got["screening.arrivals"]) == len(arrivals) == 7
    high = [p.at for p in arrivals if p.risk_area and p.risk_area.level == "high"]
    assert got["screening.arrivals_high"] == _per_day(high)
    followups = list(FollowUp.objects.all())
    assert got["screening.followups_opened"] == _per_day(f.opened_at for f in followups)
    assert got["screening.followups_released"] == _per_day(f.released_at for f in followups)
    assert sum(got["screening.followups_released"]) == 1
    assert got["testing.samples"] == _per_day(s.collected_at for s in Sample.objects.all())
    assert sum(got["testing.samples"]) == 11
    positive = Tube.objects.filter(result="positive", retest=False, pool_size__gt=1)  # a tube of one is a case
    assert got["testing.positive_pools"] == _per_day(t.resulted_at for t in positive)
    assert sum(got["testing.positive_pools"]) == 1
    assert got["containment.cases"] == _per_day(c.confirmed_at for c in Case.objects.all())
    assert sum(got["containment.cases"]) == 1
    hazards = list(Hazard.objects.all())
    assert got["safety.hazards_found"] == _per_day(h.found_at for h in hazards)
    assert got["safety.hazards_closed"] == _per_day(h.closed_at for h in hazards)
    assert sum(got["safety.hazards_closed"]) == 1
    charts = [c["name"] for c in data["charts"]]
    assert charts == ["arrivals", "followups", "tests", "epidemic_curve", "hazards"]


def test_the_counts_kept_by_the_writes_equal_a_rebuild(district, month, api):
    before = _series(_trends(api(district.hq)))
    kept = sorted(_kept())  # summed over shards: the rebuild writes one row per key
    call_command("rebuild_counts", stdout=open("/dev/null", "w"))
    assert sorted(_kept()) == kept
    assert _series(_trends(api(district.hq))) == before
    assert set(daily.metrics()) == {
        "screening.followups_opened",
        "screening.followups_released",
        "testing.samples",
        "testing.positive_pools",
        "safety.hazards_found",
        "safety.hazards_closed",
    }


def _kept() -> list[tuple]:
    from django.db.models import Sum

    return list(DailyCount.objects.values_list("metric", "day", "jpath").annotate(n=Sum("n")).order_by())


def test_the_district_is_the_sum_of_its_streets(district, month, api):
    hq = api(district.hq)
    whole = _series(_trends(hq))
    s1, s2 = _series(_trends(hq, district.s1)), _series(_trends(hq, district.s2))
    for name, values in whole.items():
        assert values == [a + b for a, b in zip(s1[name], s2[name], strict=True)], name
    assert sum(s1["screening.arrivals"]) and sum(s2["screening.arrivals"])


def test_a_street_officer_sees_their_street_and_no_other(district, month, api):
    street = api(district.street1)
    mine = _trends(street)
    assert mine["jurisdiction"]["id"] == district.s1.pk
    assert street.get("/api/v1/hall/trends", {"jurisdiction": district.s2.pk}).status_code == 404


def test_a_series_the_viewer_may_not_see_is_left_out(district, month, api):
    """A community worker holds no work-safety capability: no hazards chart for them, not a chart of zeros."""
    data = _trends(api(district.worker_a))
    assert "hazards" not in [c["name"] for c in data["charts"]]
    assert "screening.arrivals" in _series(data)


def test_bad_days_are_refused_naming_the_field(district, api):
    r = api(district.hq).get("/api/v1/hall/trends", {"days": 0})
    assert r.status_code == 400 and r.json()["code"] == "out_of_range"
    assert r.json()["errors"][0]["field"] == "days"
    assert api(district.hq).get("/api/v1/hall/trends", {"days": 7}).json()["days"][-1] == clock.localdate().isoformat()


def test_the_page_draws_the_trends_from_its_own_json(district, month, client):
    client.force_login(district.hq)
    page = client.get("/hall/")
    assert b'id="hall-trends"' in page.content and b"/hall/trends.json?jurisdiction=" in page.content
    r = client.get("/hall/trends.json", {"jurisdiction": district.s1.pk})
    assert r.status_code == 200 and r.json()["jurisdiction"]["id"] == district.s1.pk
