from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.conftest import make_person
from fangkong.core import clock
from fangkong.core.scoping import Forbidden
from fangkong.registry.codes import person_code
from fangkong.registry.models import PersonTag
from fangkong.testing.collection import Scan, tube_close
from fangkong.testing.models import Sample, Tube
from fangkong.testing.rounds import round_create
from fangkong.testing.tests.conftest import collect, scan


def test_ten_in_one_tube_closes_when_full(district, testing):
    scans = [scan(p, "T0001", testing.site, i) for i, p in enumerate(testing.people_a[:10])]
    reply = collect(testing.sampler, testing.round, scans)
    assert reply == {"accepted": 10, "rejected": []}
    tube = Tube.objects.get(code="T0001")
    assert (tube.count, tube.pool_size) == (10, 10) and tube.closed_at is not None
    over = collect(testing.sampler, testing.round, [scan(testing.people_a[10], "T0001", testing.site)])
    assert over["accepted"] == 0 and "closed" in over["rejected"][0]["message"]


def test_each_bad_scan_is_named_and_the_good_ones_written(district, testing):
    round2 = round_create(actor=district.hq, name="第二轮", starts_at=clock.now() - timedelta(hours=1))
    collect(testing.sampler, round2, [scan(testing.people_a[11], "OLD1", testing.site)])
    p = testing.people_a
    scans = [
        scan(p[0], "TB01", testing.site, 0),  # fine
        scan(p[0], "TB01", testing.site, 1),  # the same person again in this batch
        scan(p[1], "OLD1", testing.site, 2),  # tube of another round
        scan(p[2], "TB01", testing.other_site, 3),  # not this sampler's site
        scan(p[3], "TB01", testing.site, 4, collected_at=clock.now() + timedelta(hours=1)),
        scan(p[4], "TB01", testing.site, 5, collected_at=clock.now() - timedelta(hours=2)),  # before the round
        Scan(
            index=6,
            document_number="110105194912310021",
            tube_code="TB01",
            site_id=testing.site.pk,
            collected_at=clock.now(),
        ),
        Scan(index=7, person_code="PNOTACODE123", tube_code="TB01", site_id=testing.site.pk, collected_at=clock.now()),
        scan(p[5], "x", testing.site, 8),  # bad tube code
        Scan(index=9, tube_code="TB01", site_id=testing.site.pk, collected_at=clock.now()),  # nobody
    ]
    reply = collect(testing.sampler, testing.round, scans)
    assert reply["accepted"] == 1
    assert [r["index"] for r in reply["rejected"]] == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    messages = {r["index"]: r["message"] for r in reply["rejected"]}
    assert "already sampled" in messages[1] and "another round" in messages[2] and "site" in messages[3]
    assert "future" in messages[4] and "before the round" in messages[5] and "check character" in messages[6]
    assert "Unknown personal code" in messages[7] and "tube code" in messages[8]
    # Sampled once per round, across batches too.
    again = collect(testing.sampler, testing.round, [scan(p[0], "TB02", testing.site)])
    assert "already sampled" in again["rejected"][0]["message"]
    assert Sample.objects.filter(round=testing.round).count() == 1


def test_closed_loop_and_key_population_are_tested_alone(district, testing):
    key = testing.people_a[0]
    PersonTag.objects.create(person=key, tag=PersonTag.Tag.KEY_POPULATION)
    reply = collect(
        testing.sampler,
        testing.round,
        [scan(testing.people_a[1], "POOL1", testing.site, 0), scan(key, "POOL1", testing.site, 1)],
    )
    assert "tested alone" in reply["rejected"][0]["message"]
    single = collect(testing.sampler, testing.round, [scan(key, "SOLO1", testing.site)])
    assert single["accepted"] == 1
    tube = Tube.objects.get(code="SOLO1")
    assert (tube.pool_size, tube.closed_at is not None) == (1, True)


def test_person_code_fills_the_identity(district, testing):
    code = person_code(actor=district.worker_a, person_id=testing.people_a[0].pk)
    assert code.startswith("P") and len(code) == 12
    assert person_code(actor=district.worker_a, person_id=testing.people_a[0].pk) == code  # stable
    reply = collect(
        testing.sampler,
        testing.round,
        [Scan(index=0, person_code=code.lower(), tube_code="CODE1", site_id=testing.site.pk, collected_at=clock.now())],
    )
    assert reply["accepted"] == 1


def test_round_scope_limits_who_is_sampled(district, testing):
    scoped = round_create(
        actor=district.hq, name="园丁社区加测", scope=[district.a.pk], starts_at=clock.now() - timedelta(hours=1)
    )
    outsider = make_person(district.b, name="外社区")
    reply = collect(
        testing.sampler,
        scoped,
        [scan(testing.people_a[0], "SCOPE1", testing.site, 0), scan(outsider, "SCOPE1", testing.site, 1)],
    )
    assert reply["accepted"] == 1 and "scope" in reply["rejected"][0]["message"]


def test_roles(district, testing):
    with pytest.raises(Forbidden):
        collect(district.worker_a, testing.round, [scan(testing.people_a[0], "ROLE1", testing.site)])
    with pytest.raises(Forbidden):
        round_create(actor=testing.sampler, name="x")
    reply = collect(testing.other_sampler, testing.round, [scan(testing.people_a[0], "ROLE1", testing.site)])
    assert "site" in reply["rejected"][0]["message"]


def test_closing_a_tube_on_demand(district, testing):
    collect(
        testing.sampler, testing.round, [scan(p, "HALF", testing.site, i) for i, p in enumerate(testing.people_a[:3])]
    )
    tube = tube_close(actor=testing.sampler, code="half")
    assert tube.closed_at is not None and tube.count == 3


def test_close_api(district, testing, client, api_token):
    collect(testing.sampler, testing.round, [scan(testing.people_a[0], "API-CLOSE", testing.site)])
    r = client.post("/api/v1/testing/tubes/api-close/close", **api_token(testing.sampler))
    assert r.status_code == 200 and r.json()["count"] == 1 and r.json()["closed_at"]
    assert client.post("/api/v1/testing/tubes/API-CLOSE/close", **api_token(testing.other_sampler)).status_code == 404


def test_a_tube_code_in_another_script_is_not_a_second_tube(district, testing):
    from fangkong.core.errors import FieldError
    from fangkong.testing.collection import clean_code

    p = testing.people_a
    reply = collect(
        testing.sampler,
        testing.round,
        [
            scan(p[0], "TB12", testing.site, 0),
            scan(p[1], "ＴＢ１２", testing.site, 1),  # full-width: the same tube
            scan(p[2], "TB١٢", testing.site, 2),  # Arabic-Indic digits: was a second tube "TB١٢"
            scan(p[3], "\u0422B12", testing.site, 3),  # a Cyrillic Т
        ],
    )
    assert reply["accepted"] == 2 and [r["index"] for r in reply["rejected"]] == [2, 3]
    assert list(Tube.objects.values_list("code", "count")) == [("TB12", 2)]
    with pytest.raises(FieldError) as exc:
        clean_code("seal_code", "BAG١٢٣")
    assert (exc.value.field, exc.value.code) == ("seal_code", "digits")
