"""Pool sizes per grid (issue 19, point 8): the plan from the last completed round, HQ's choice, and sampling
that follows it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from fangkong.conftest import make_person
from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import NotFound
from fangkong.registry.models import Person, Place, Unit
from fangkong.testing.models import LabCapacity, Round, RoundPoolSize, Sample, Tube
from fangkong.testing.pool_choice import round_pool_sizes_choose
from fangkong.testing.pool_plan import Basis, basis_round_for, pool_plan
from fangkong.testing.rounds import round_create
from fangkong.testing.tests.conftest import collect, scan


def past_round(district, pools_by_grid: dict, *, size: int = 10, days_ago: int = 3) -> Round:
    """A completed round: for each grid, (pools, positive pools) of `size` people each, with results."""
    start = clock.now() - timedelta(days=days_ago)
    round_ = round_create(
        actor=district.hq,
        name=f"第{days_ago}天前的一轮",
        starts_at=start,
        deadline=start + timedelta(hours=24),
        household_places=[],
    )
    n = 0
    for grid, (pools, positive) in pools_by_grid.items():
        for i in range(pools):
            n += 1
            tube = Tube.objects.create(
                code=f"P{round_.pk}X{n:05d}",
                round=round_,
                pool_size=size,
                count=size,
                closed_at=start,
                result=Tube.Result.POSITIVE if i < positive else Tube.Result.NEGATIVE,
                resulted_at=start + timedelta(hours=6),
                jpath=grid.parent.path,
            )
            # The samples' people are past retention (no longer named): the counts stay, which is all the plan reads.
            Sample.objects.bulk_create(
                Sample(
                    round=round_,
                    tube=tube,
                    person=None,
                    collected_at=start,
                    recorded_by=district.hq,
                    jpath=grid.path,
                )
                for _ in range(size)
            )
    return round_


@pytest.fixture
def planned(district, testing):
    """A round to plan (the testing fixture's, running) after a completed one: grid a1 10 % of pools positive
    (p ≈ 1 %), a2 40 % (p ≈ 5 %), b1 only five pools (too few); 13 residents in a1, 4 in a2, 1 in b1."""
    basis = past_round(district, {district.a1: (30, 3), district.a2: (25, 10), district.b1: (5, 1)})
    for i in range(4):
        make_person(district.a, district.a2, name=f"二网格{i}")
    return basis


def _rows(plan):
    return {r.grid.pk: r for r in plan.grids}


def test_suggestions_from_the_last_completed_round(district, testing, planned):
    plan = pool_plan(user=district.hq, round_id=testing.round.pk)
    assert plan.basis_round == planned
    rows = _rows(plan)
    a1, a2, b1 = rows[district.a1.pk], rows[district.a2.pk], rows[district.b1.pk]
    assert (a1.sampled, a1.pools, a1.positive_pools, a1.mean_size) == (300, 30, 3, 10)
    assert a1.positivity == pytest.approx(1 - 0.9**0.1)  # ≈ 1.05 %
    assert (a1.basis, a1.suggested, a1.unconstrained) == (Basis.ESTIMATE, 10, 10)
    assert a2.positivity == pytest.approx(1 - 0.6**0.1)  # ≈ 5 %
    assert (a2.basis, a2.suggested) == (Basis.ESTIMATE, 5)
    assert (b1.basis, b1.suggested, b1.pools) == (Basis.THIN, 10, 5)  # the round's size
    # The new round's people are the register's: 12 + 李四 in a1, four in a2, 王五 in b1.
    assert (a1.residents, a2.residents, b1.residents) == (13, 4, 1)
    assert a1.suggested_load.tubes == 2 and a2.suggested_load.tubes == 1
    p = a1.positivity
    assert a1.suggested_load.positive_pools == pytest.approx((1 - (1 - p) ** 10) + (1 - (1 - p) ** 3))
    assert a1.suggested_load.recalls == pytest.approx(10 * (1 - (1 - p) ** 10) + 3 * (1 - (1 - p) ** 3))
    assert plan.suggested.tubes == 2 + 1 + 1 and plan.suggested.people == 18


def test_no_data_without_a_completed_round(district, testing):
    plan = pool_plan(user=district.hq, round_id=testing.round.pk)
    assert plan.basis_round is None
    row = _rows(plan)[district.a1.pk]
    assert (row.basis, row.suggested, row.positivity, row.pools) == (Basis.NO_DATA, 10, None, 0)
    # Tubes are known from the register; positives and recalls are not, and are not counted as zero silently.
    assert row.suggested_load.tubes == 2 and row.suggested_load.unknown == 1
    assert plan.suggested.unknown == 3
    # A round still running is not a basis; one ended is.
    start = clock.now() - timedelta(days=2)
    round_create(actor=district.hq, name="进行中", starts_at=start, deadline=clock.now() + timedelta(hours=1))
    assert basis_round_for(testing.round) is None
    ended = round_create(actor=district.hq, name="已结束", starts_at=start, deadline=clock.now() - timedelta(hours=1))
    assert basis_round_for(testing.round) == ended


def test_lab_hours_and_the_24_hour_limit(district, testing, planned):
    plan = pool_plan(user=district.hq, round_id=testing.round.pk)
    assert (plan.labs, plan.tubes_per_hour, plan.suggested.lab_hours, plan.fits(plan.suggested)) == (0, 0, None, None)
    lab = Unit.objects.get(code="LAB1")
    LabCapacity.objects.create(unit=lab, tubes_per_hour=4)
    plan = pool_plan(user=district.hq, round_id=testing.round.pk)
    lab_tubes = plan.suggested.tubes + plan.suggested.recalls
    assert plan.suggested.lab_hours == pytest.approx(lab_tubes / 4)
    row = _rows(plan)[district.a1.pk]
    assert row.suggested_load.lab_hours == pytest.approx((2 + row.suggested_load.recalls) / 4)
    assert plan.fits(plan.suggested) is True  # about 1.1 h
    # Labs add up.
    extra = Unit.objects.create(
        kind="lab", name="第二实验室", code="LAB2", jurisdiction=district.d, jpath=district.d.path
    )
    LabCapacity.objects.create(unit=extra, tubes_per_hour=6)
    plan = pool_plan(user=district.hq, round_id=testing.round.pk)
    assert (plan.labs, plan.tubes_per_hour) == (2, 10)
    assert plan.suggested.lab_hours == pytest.approx((plan.suggested.tubes + plan.suggested.recalls) / 10)


def test_the_24_hour_check_fails_when_the_labs_cannot_keep_up(district, testing, planned):
    LabCapacity.objects.create(unit=Unit.objects.get(code="LAB1"), tubes_per_hour=1)
    Round.objects.filter(pk=testing.round.pk).update(result_limit_hours=2)
    plan = pool_plan(user=district.hq, round_id=testing.round.pk)
    assert plan.suggested.lab_tubes > 2
    assert plan.fits(plan.suggested) is False


def test_one_household_per_tube_shown_apart(district, testing, planned):
    compound = Place.objects.create(kind="compound", name="封控小区", jurisdiction=district.a2, jpath=district.a2.path)
    building = Place.objects.create(
        kind="building", name="1号楼", parent=compound, jurisdiction=district.a2, jpath=district.a2.path
    )
    homes = [
        Place.objects.create(
            kind="household", name=f"{i}01", parent=building, jurisdiction=district.a2, jpath=district.a2.path
        )
        for i in range(2)
    ]
    people = list(Person.objects.filter(jpath=district.a2.path).order_by("pk"))
    Person.objects.filter(pk__in=[p.pk for p in people[:3]]).update(household=homes[0])
    Person.objects.filter(pk=people[3].pk).update(household=homes[1])
    round_ = round_create(
        actor=district.hq, name="封控小区按户", starts_at=clock.now(), household_places=[compound.pk], pool_size=5
    )
    row = _rows(pool_plan(user=district.hq, round_id=round_.pk))[district.a2.pk]
    assert (row.households, row.mean_household) == (2, 2.0)
    assert row.household_sizes == {3: 1, 1: 1} and row.sealed_sizes == {3: 1, 1: 1}
    assert row.households_load.tubes == 2
    # Everyone of a2 lives in the sealed compound: two household tubes, no pooled tube, whatever the size.
    assert row.suggested_load.tubes == 2 and row.decided_load.tubes == 2
    p = row.positivity
    assert row.suggested_load.recalls == pytest.approx(3 * (1 - (1 - p) ** 3))


def test_hq_chooses_per_grid_audited_and_sampling_follows(district, testing, planned):
    sizes = round_pool_sizes_choose(actor=district.hq, round_id=testing.round.pk, grids=[district.a1.pk], pool_size=5)
    assert sizes == {5: 1}
    chosen = RoundPoolSize.objects.get(round=testing.round, jurisdiction=district.a1)
    assert (chosen.pool_size, chosen.suggested, chosen.chosen_by, chosen.jpath) == (
        5,
        10,
        district.hq,
        district.a1.path,
    )
    event = AuditEvent.objects.filter(action="testing.round_pool_sizes").latest("pk")
    assert event.object_id == str(testing.round.pk)
    assert event.fields["chosen"] == {district.a1.code: 5} and event.fields["before"] == {district.a1.code: None}
    plan = pool_plan(user=district.hq, round_id=testing.round.pk)
    assert _rows(plan)[district.a1.pk].chosen == 5 and _rows(plan)[district.a1.pk].decided_load.tubes == 3
    # A tube opened for a1's residents now holds five and closes when full.
    result = collect(
        testing.sampler,
        testing.round,
        [scan(p, "POOL5-1", testing.site, i) for i, p in enumerate(testing.people_a[:5])],
    )
    assert result["accepted"] == 5
    tube = Tube.objects.get(code="POOL5-1")
    assert (tube.pool_size, tube.count) == (5, 5) and tube.closed_at is not None
    refused = collect(testing.sampler, testing.round, [scan(testing.people_a[5], "POOL5-1", testing.site)])
    assert refused["accepted"] == 0
    # Elsewhere the round's size holds.
    collect(testing.other_sampler, testing.round, [scan(district.person_b, "POOL10-B", testing.other_site)])
    assert Tube.objects.get(code="POOL10-B").pool_size == 10


def test_hq_takes_every_suggestion_at_once(district, testing, planned):
    sizes = round_pool_sizes_choose(actor=district.hq, round_id=testing.round.pk, all_grids=True)
    assert sizes == {5: 1, 10: 2}
    assert dict(RoundPoolSize.objects.values_list("jurisdiction_id", "pool_size")) == {
        district.a1.pk: 10,
        district.a2.pk: 5,
        district.b1.pk: 10,
    }
    # Chosen again: the rows are updated, not doubled, and the trail says from what.
    round_pool_sizes_choose(actor=district.hq, round_id=testing.round.pk, grids=[district.a2.pk], pool_size=20)
    assert RoundPoolSize.objects.count() == 3
    assert RoundPoolSize.objects.get(jurisdiction=district.a2).pool_size == 20
    event = AuditEvent.objects.filter(action="testing.round_pool_sizes").latest("pk")
    assert event.fields["before"] == {district.a2.code: 5} and event.fields["sizes"] == {"20": 1}
    # Under one community only.
    round_pool_sizes_choose(
        actor=district.hq, round_id=testing.round.pk, all_grids=True, pool_size=1, jurisdiction=district.b.pk
    )
    assert RoundPoolSize.objects.get(jurisdiction=district.b1).pool_size == 1
    assert RoundPoolSize.objects.get(jurisdiction=district.a1).pool_size == 10


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"grids": ["a1"], "pool_size": 7}, "pool_size", "unknown_choice"),
        ({"pool_size": 10}, "grids", "required"),
        ({"grids": ["a"], "pool_size": 10}, "grids", "not_found"),  # a community is not a grid
        ({"grids": [999_999], "pool_size": 10}, "grids", "not_found"),
    ],
)
def test_bad_choices_name_the_field(district, testing, planned, kwargs, field, code):
    kwargs = {**kwargs}
    if "grids" in kwargs:
        kwargs["grids"] = [getattr(district, g).pk if isinstance(g, str) else g for g in kwargs["grids"]]
    with pytest.raises(FieldError) as exc:
        round_pool_sizes_choose(actor=district.hq, round_id=testing.round.pk, **kwargs)
    assert (exc.value.field, exc.value.code) == (field, code)
    assert not RoundPoolSize.objects.exists()


def test_an_ended_round_is_not_planned(district, testing, planned):
    with pytest.raises(FieldError) as exc:
        round_pool_sizes_choose(actor=district.hq, round_id=planned.pk, all_grids=True)
    assert (exc.value.field, exc.value.code) == ("round", "wrong_state")


def test_the_plan_is_hqs_outsiders_get_404(district, testing, planned, client, api_token):
    for user in (district.worker_a, district.street1, testing.sampler, testing.lab, district.unit_staff):
        with pytest.raises(NotFound):
            pool_plan(user=user, round_id=testing.round.pk)
        with pytest.raises(NotFound):
            round_pool_sizes_choose(actor=user, round_id=testing.round.pk, all_grids=True, pool_size=5)
        assert district.client(user).get(f"/testing/rounds/{testing.round.pk}/pools/").status_code == 404
        url = f"/api/v1/testing/rounds/{testing.round.pk}/pool-sizes"
        assert client.get(url, **api_token(user)).status_code == 404
        r = client.post(url, {"all_grids": True}, content_type="application/json", **api_token(user))
        assert r.status_code == 404
    assert not RoundPoolSize.objects.exists()
    with pytest.raises(NotFound):
        pool_plan(user=district.hq, round_id=testing.round.pk, jurisdiction_id=999_999)
    with pytest.raises(NotFound):
        pool_plan(user=district.hq, round_id=999_999)


def test_api_returns_the_suggestions_and_takes_the_choice(district, testing, planned, client, api_token):
    LabCapacity.objects.create(unit=Unit.objects.get(code="LAB1"), tubes_per_hour=100)
    headers = api_token(district.hq)
    url = f"/api/v1/testing/rounds/{testing.round.pk}/pool-sizes"
    body = client.get(url, {"jurisdiction": district.a.pk}, **headers).json()
    assert body["basis_round"]["id"] == planned.pk and body["allowed_sizes"] == [1, 5, 10, 20]
    assert (body["count"], body["labs"], body["tubes_per_hour"], body["limit_hours"]) == (2, 1, 100, 24)
    grids = {g["grid"]["id"]: g for g in body["grids"]}
    a2 = grids[district.a2.pk]
    assert (a2["basis"], a2["suggested"], a2["chosen"], a2["size"], a2["unconstrained_best"]) == (
        "estimate",
        5,
        None,
        10,
        5,
    )
    assert a2["implied"]["tubes"] == 1 and a2["decided"]["tubes"] == 1
    assert body["suggested"]["fits_limit"] is True and body["suggested"]["lab_hours"] > 0
    assert body["suggested"]["people"] == 17
    r = client.post(url, {"grids": [district.a2.pk]}, content_type="application/json", **headers)
    assert r.status_code == 200 and r.json() == {"grids": 1, "sizes": {"5": 1}}
    r = client.post(url, {"grids": [district.a2.pk], "pool_size": 3}, content_type="application/json", **headers)
    assert r.status_code == 400 and r.json()["code"] == "unknown_choice"
    body = client.get(url, {"jurisdiction": district.a.pk, "page_size": 1}, **headers).json()
    assert len(body["grids"]) == 1 and body["count"] == 2


def test_the_page_chooses_and_says_what_happened(district, testing, planned):
    c = district.client(district.hq)
    url = f"/testing/rounds/{testing.round.pk}/pools/"
    page = c.get(url)
    assert page.status_code == 200
    assert str(district.a1.name) in page.content.decode() and page.context["plan"].basis_round == planned
    r = c.post(url, {"grids": [district.a2.pk], "pool_size": ""}, follow=True)
    assert r.status_code == 200
    said = [m for m in r.context["messages"] if "pool_sizes_chosen" in m.tags]
    assert said and "1 grid" in str(said[0])
    assert RoundPoolSize.objects.get(jurisdiction=district.a2).pool_size == 5
    bad = c.post(url, {"pool_size": "10"})
    assert bad.status_code == 400 and (bad.context["error"].field, bad.context["error"].code) == ("grids", "required")
    worse = c.post(url, {"grids": ["x"], "pool_size": "10"})
    assert worse.status_code == 400 and worse.context["error"].field == "grids"
    # Reached from the round's page and the rounds list.
    assert url in c.get(f"/testing/rounds/{testing.round.pk}/").content.decode()
    assert url in c.get("/testing/").content.decode()


def test_the_page_in_chinese_shows_no_raw_codes(district, testing, planned):
    from lxml import html as lxml_html

    from fangkong.site.tests.visible import Rules, visible_text

    LabCapacity.objects.create(unit=Unit.objects.get(code="LAB1"), tubes_per_hour=100)
    round_pool_sizes_choose(actor=district.hq, round_id=testing.round.pk, all_grids=True)
    with translation.override(settings.LANGUAGE_CODE):
        c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        c.force_login(district.hq)
        page = c.get(f"/testing/rounds/{testing.round.pk}/pools/")
    assert page.status_code == 200
    rules = Rules(language="zh-hans", allowed={"hq"})
    # The page's own content (the navigation is every module's, walked by site/tests/test_no_raw_codes.py).
    main = lxml_html.tostring(lxml_html.fromstring(page.content).get_element_by_id("main"))
    found = [(t, text) for text in visible_text(main) for t in rules.raw_tokens(text)]
    assert not found, found[:20]
    body = page.content.decode()
    assert "estimate" not in body and "no_data" not in body
