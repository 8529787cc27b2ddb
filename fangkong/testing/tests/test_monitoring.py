from __future__ import annotations

from datetime import timedelta

from fangkong.core import clock
from fangkong.registry.models import PersonTag
from fangkong.screening.travel import travel_report_file
from fangkong.testing.custody import bag_receive, bag_seal
from fangkong.testing.monitoring import coverage, missing, stage_timings
from fangkong.testing.results import ResultRow, results_ingest
from fangkong.testing.tests.conftest import collect, scan


def test_coverage_and_who_is_missing_why(district, testing):
    people = testing.people_a  # twelve in grid A1, plus 李四 of the district fixture
    collect(testing.sampler, testing.round, [scan(p, "COV-1", testing.site, i) for i, p in enumerate(people[:8])])
    PersonTag.objects.create(person=people[8], tag=PersonTag.Tag.BEDRIDDEN)
    today = clock.localdate()
    travel_report_file(
        actor=district.worker_a,
        person=people[9],
        destination="北京",
        depart_on=today,
        return_on=today + timedelta(days=3),
        reason="探亲",
        transport="高铁",
    )
    hq = {r["jurisdiction"].name: r for r in coverage(user=district.hq, round_id=testing.round.pk)["rows"]}
    assert hq["兴隆台区"]["expected"] == 14 and hq["兴隆台区"]["sampled"] == 8
    grids = {
        r["jurisdiction"].name: r
        for r in coverage(user=district.worker_a, round_id=testing.round.pk, parent_id=district.a.pk)["rows"]
    }
    assert (grids["第一网格"]["expected"], grids["第一网格"]["sampled"], grids["第一网格"]["missing"]) == (13, 8, 5)
    reasons = {
        m["person"].name: m["reason"]
        for m in missing(user=district.worker_a, round_id=testing.round.pk, jurisdiction_id=district.a1.pk)["people"]
    }
    assert reasons == {
        "居民8": "bedridden",
        "居民9": "away",
        "居民10": "not_yet",
        "居民11": "not_yet",
        "李四": "not_yet",
    }
    page = (
        district.client(district.worker_a)
        .get(f"/testing/rounds/{testing.round.pk}/", {"missing": district.a1.pk})
        .content.decode()
    )
    assert "bedridden: visit for home sampling" in page and "居民8" in page
    assert (
        district.client(district.worker_b)
        .get(f"/testing/rounds/{testing.round.pk}/", {"missing": district.a1.pk})
        .status_code
        == 404
    )


def test_stage_timings_and_late_tubes(district, testing):
    start = clock.now()
    collect(
        testing.sampler,
        testing.round,
        [scan(p, "TIME-1", testing.site, i, collected_at=start) for i, p in enumerate(testing.people_a[:10])],
    )
    with clock.advanced(timedelta(hours=1)):
        bag_seal(actor=testing.sampler, seal_code="SEAL-T", tube_codes=["TIME-1"])
        bag_receive(actor=testing.lab, seal_code="SEAL-T")
    with clock.advanced(timedelta(hours=3)):
        results_ingest(actor=testing.lab, rows=[ResultRow(0, "TIME-1", "negative")])
    collect(testing.sampler, testing.round, [scan(testing.people_a[10], "SLOW-1", testing.site, collected_at=start)])
    with clock.advanced(timedelta(hours=25)):
        data = stage_timings(user=district.hq, round_id=testing.round.pk)
    site = data["sites"][0]
    assert site.tubes == 2 and site.minutes["deliver"] == 60.0  # the slow tube is still open: no deliver time
    assert data["late_count"] == 1 and data["late"][0]["tube"] == "SLOW-1" and data["late"][0]["stage"] == "collect"
    assert data["labs"][0].minutes["test"] == 120.0
    assert district.client(district.hq).get(f"/testing/rounds/{testing.round.pk}/").status_code == 200


def test_monitoring_api_scoped(district, testing, client, api_token):
    r = client.get(f"/api/v1/testing/rounds/{testing.round.pk}/coverage", **api_token(district.worker_a))
    assert r.status_code == 200 and r.json()["rows"][0]["jurisdiction"]["name"] == "园丁社区"
    assert (
        client.get(f"/api/v1/testing/rounds/{testing.round.pk}/monitoring", **api_token(district.worker_a)).status_code
        == 404
    )
    assert (
        client.get(
            f"/api/v1/testing/rounds/{testing.round.pk}/missing",
            {"jurisdiction": district.a.pk},
            **api_token(district.worker_b),
        ).status_code
        == 404
    )


def test_result_limits_per_site_kind(district, testing):
    from fangkong.core.errors import FieldError
    from fangkong.registry.models import Unit
    from fangkong.testing.rounds import round_create, site_create

    fever = site_create(
        actor=district.hq,
        name="发热门诊",
        jurisdiction_id=district.a.pk,
        unit_id=Unit.objects.get(code="H1").pk,
        kind="fever_clinic",
    )
    start = clock.now()
    collect(
        testing.sampler,
        testing.round,
        [
            scan(testing.people_a[0], "FEVER-1", fever, collected_at=start),
            scan(testing.people_a[1], "MASS-1", testing.site, 1, collected_at=start),
        ],
    )
    with clock.advanced(timedelta(hours=7)):
        data = stage_timings(user=district.hq, round_id=testing.round.pk)
    assert [t["tube"] for t in data["late"]] == ["FEVER-1"]  # 6 h for a fever clinic; the mass tube has 24 h
    assert data["limits"] == {"mass": 24, "fever_clinic": 6, "hospital": 12}
    strict = round_create(actor=district.hq, name="加急", result_limits={"fever_clinic": 4})
    assert strict.limit_hours("fever_clinic") == 4 and strict.limit_hours("hospital") == 12
    import pytest

    with pytest.raises(FieldError) as exc:
        round_create(actor=district.hq, name="x", result_limits={"mass": 3})
    assert (exc.value.field, exc.value.code) == ("result_limits", "unknown_choice")


def test_who_is_missing_is_not_guessed_once_the_round_is_past_retention(district, testing):
    """Anonymised samples (no person) made the NOT IN empty: the list said nobody was missing."""
    from fangkong.testing.models import Sample

    people = testing.people_a
    collect(testing.sampler, testing.round, [scan(p, "RET-1", testing.site, i) for i, p in enumerate(people[:3])])
    Sample.objects.filter(round=testing.round).update(person=None)  # what fangkong purge does past the period
    import pytest

    from fangkong.core.errors import FieldError

    with pytest.raises(FieldError) as exc:
        missing(user=district.worker_a, round_id=testing.round.pk, jurisdiction_id=district.a1.pk)
    assert (exc.value.field, exc.value.code) == ("round", "past_retention")
    page = district.client(district.worker_a).get(f"/testing/rounds/{testing.round.pk}/", {"missing": district.a1.pk})
    assert page.status_code == 200 and b'data-code="past_retention"' in page.content
