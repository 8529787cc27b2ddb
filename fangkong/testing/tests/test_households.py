"""One household per tube in the round's (sealed) compounds; household codes at the site."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.conftest import make_person
from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.registry.codes import household_codes_for_print
from fangkong.registry.models import PersonTag, Place
from fangkong.testing.models import Sample, Tube
from fangkong.testing.rounds import round_create

from .conftest import collect, scan


def _compound(district, name="幸福里"):
    a = district.a
    compound = Place.objects.create(kind="compound", name=name, jurisdiction=a, jpath=a.path)
    building = Place.objects.create(kind="building", name="1号楼", parent=compound, jurisdiction=a, jpath=a.path)
    return compound, building


def _household(district, building, n: int, name: str):
    a = district.a
    home = Place.objects.create(kind="household", name=name, parent=building, jurisdiction=a, jpath=a.path)
    people = [make_person(a, district.a1, name=f"{name}{i}") for i in range(n)]
    for p in people:
        p.household = home
        p.save(update_fields=["household"])
    return home, people


@pytest.fixture
def sealed(district, testing):
    compound, building = _compound(district)
    round_ = round_create(
        actor=district.hq,
        name="封控区核酸",
        pool_size=10,
        starts_at=clock.now() - timedelta(hours=1),
        household_places=[compound.pk],
    )
    return round_, building


def test_a_household_fills_its_own_tube_and_it_closes_when_all_are_in(district, testing, sealed):
    round_, building = sealed
    home, family = _household(district, building, 3, "101室")
    reply = collect(testing.sampler, round_, [scan(p, "HH-1", testing.site, i) for i, p in enumerate(family)])
    assert reply == {"accepted": 3, "rejected": []}
    tube = Tube.objects.get(code="HH-1")
    assert (tube.household_id, tube.pool_size, tube.count) == (home.pk, 3, 3)
    assert tube.closed_at is not None


def test_nobody_else_enters_a_household_tube(district, testing, sealed):
    round_, building = sealed
    _, family = _household(district, building, 3, "101室")
    _, neighbours = _household(district, building, 2, "102室")
    outsider = testing.people_a[0]  # lives in community A, not in the compound
    reply = collect(
        testing.sampler,
        round_,
        [
            scan(family[0], "HH-2", testing.site, 0),
            scan(neighbours[0], "HH-2", testing.site, 1),
            scan(outsider, "HH-2", testing.site, 2),
            scan(outsider, "POOL-2", testing.site, 3),
            scan(neighbours[1], "POOL-2", testing.site, 4),
        ],
    )
    assert reply["accepted"] == 2
    messages = {r["index"]: r["message"] for r in reply["rejected"]}
    assert set(messages) == {1, 2, 4}
    assert "another household" in messages[1] and "another household" in messages[2]
    assert "use a new tube for this household" in messages[4]
    assert Tube.objects.get(code="POOL-2").household_id is None


def test_key_population_in_a_sealed_compound_is_still_tested_alone(district, testing, sealed):
    round_, building = sealed
    _, family = _household(district, building, 2, "201室")
    PersonTag.objects.create(person=family[0], tag=PersonTag.Tag.KEY_POPULATION)
    reply = collect(testing.sampler, round_, [scan(family[0], "ALONE-1", testing.site)])
    assert reply["accepted"] == 1
    tube = Tube.objects.get(code="ALONE-1")
    assert (tube.pool_size, tube.household_id) == (1, None)


def test_other_rounds_pool_households_as_usual(district, testing):
    _, building = _compound(district)
    _, family = _household(district, building, 2, "301室")
    reply = collect(testing.sampler, testing.round, [scan(p, "MIX-1", testing.site, i) for i, p in enumerate(family)])
    assert reply["accepted"] == 2
    assert Tube.objects.get(code="MIX-1").pool_size == 10


def test_household_places_are_compounds_or_buildings_within_reach(district, testing):
    home = Place.objects.create(kind="household", name="x", jurisdiction=district.a, jpath=district.a.path)
    with pytest.raises(FieldError) as exc:
        round_create(actor=district.hq, name="r", household_places=[home.pk])
    assert (exc.value.field, exc.value.code) == ("household_places", "not_found")
    far = Place.objects.create(kind="compound", name="远方", jurisdiction=district.b, jpath=district.b.path)
    from fangkong.conftest import make_user

    hq_a = make_user("hq_a", "hq_admin", jurisdiction=district.a)
    with pytest.raises(FieldError) as exc:
        round_create(actor=hq_a, name="r", household_places=[far.pk])
    assert (exc.value.field, exc.value.code) == ("household_places", "not_found")


def test_household_sheet_lists_each_household_with_a_code(district, testing):
    _, building = _compound(district)
    home, _family = _household(district, building, 2, "401室")
    sheet = household_codes_for_print(actor=district.worker_a, jurisdiction_id=district.a1.pk)
    assert [(h.pk, len(m)) for h, _code, m in sheet] == [(home.pk, 2)]
    code = sheet[0][1]
    assert code.startswith("H") and len(code) == 12
    again = household_codes_for_print(actor=district.worker_a, jurisdiction_id=district.a1.pk)
    assert again[0][1] == code


def test_household_code_at_the_site_page_samples_the_ticked_members(client, district, testing, sealed):
    round_, building = sealed
    home, family = _household(district, building, 3, "501室")
    _, strangers = _household(district, building, 1, "502室")
    code = household_codes_for_print(actor=district.hq, jurisdiction_id=district.a.pk)[0][1]
    client.force_login(testing.sampler)
    url = f"/testing/sites/{testing.site.pk}/"
    shown = client.post(url, {"round": round_.pk, "person": code.lower(), "tube_code": "FAM-1"})
    assert shown.status_code == 200
    body = shown.content.decode()
    assert body.count('type="checkbox" name="member"') == 3
    assert family[0].name not in body and f"{family[0].name[:1]}*" in body  # masked
    ticked = [family[0].pk, family[2].pk, strangers[0].pk]  # a tampered id from another household is ignored
    none = client.post(url, {"round": round_.pk, "person": code, "member": [""], "tube_code": "FAM-1"})
    # Every box unticked: the form still sends the (empty) list, and the page asks for the members sampled.
    assert none.status_code == 400 and none.context["error"].code == "required"
    done = client.post(url, {"round": round_.pk, "person": code, "member": ticked, "tube_code": "FAM-1"})
    assert done.status_code == 200, done.content.decode()
    sampled = set(Sample.objects.filter(round=round_).values_list("person_id", flat=True))
    assert sampled == {family[0].pk, family[2].pk}
    assert Tube.objects.get(code="FAM-1").household_id == home.pk


def test_unknown_household_code_is_an_error_on_the_person_field(client, district, testing):
    client.force_login(testing.sampler)
    r = client.post(
        f"/testing/sites/{testing.site.pk}/",
        {"round": testing.round.pk, "person": "HAAAAAAAAAAA", "tube_code": "X1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 400
    assert "Unknown household code" in r.content.decode()
    assert (r.context["error"].field, r.context["error"].code) == ("person", "not_found")


def test_rounds_page_sets_household_compounds(client, district, testing):
    compound, _ = _compound(district)
    client.force_login(district.hq)
    page = client.get("/testing/")
    assert f'value="{compound.pk}"' in page.content.decode()
    r = client.post(
        "/testing/",
        {
            "name": "封控区第二轮",
            "pool_size": "10",
            "household_places": [str(compound.pk)],
            "household_places_shown": "1",
        },
    )
    assert r.status_code == 302
    from fangkong.testing.models import Round

    assert list(Round.objects.get(name="封控区第二轮").household_places.all()) == [compound]


def test_rounds_page_with_no_compound_chosen_means_none(client, district, testing, monkeypatch):
    """The list shown with nothing selected is a choice (one household per tube nowhere), not "the sealed ones"."""
    compound, _ = _compound(district)
    monkeypatch.setattr("fangkong.testing.rounds.sealed_places", lambda: [compound.pk])
    client.force_login(district.hq)
    assert client.post("/testing/", {"name": "不选", "household_places_shown": "1"}).status_code == 302
    assert client.post("/testing/", {"name": "默认"}).status_code == 302
    from fangkong.testing.models import Round

    assert not Round.objects.get(name="不选").household_places.exists()
    assert list(Round.objects.get(name="默认").household_places.all()) == [compound]
