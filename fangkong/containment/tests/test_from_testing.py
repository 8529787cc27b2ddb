"""Testing's facts reach the status in the same commit: a positive pool puts its members under temporary
control; a negative retest releases; a positive retest is a case (red)."""

from __future__ import annotations

from fangkong.containment.models import Case
from fangkong.containment.status import status_of
from fangkong.testing.custody import bag_receive, bag_seal
from fangkong.testing.models import Recall, Tube
from fangkong.testing.results import ResultRow, recall_sample, results_ingest
from fangkong.testing.tests.conftest import collect, scan, testing  # noqa: F401  (the fixture)


def test_pool_positive_to_temporary_control_to_release_or_case(district, testing):  # noqa: F811
    members = testing.people_a[:10]
    collect(testing.sampler, testing.round, [scan(p, "POOL-S", testing.site, i) for i, p in enumerate(members)])
    bag_seal(actor=testing.sampler, seal_code="SEAL-S", tube_codes=["POOL-S"])
    bag_receive(actor=testing.lab, seal_code="SEAL-S")
    results_ingest(actor=testing.lab, rows=[ResultRow(0, "POOL-S", "positive")])
    for p in members:
        s = status_of(p.pk)
        assert s.colour == "yellow"
        assert s.reasons[0]["kind"] == "recall" and s.reasons[0]["ref"] == "POOL-S"
    assert status_of(testing.people_a[10].pk).colour == "green"  # not in the tube
    first, second = list(Recall.objects.filter(source_tube__code="POOL-S").order_by("id")[:2])
    recall_sample(actor=testing.sampler, recall_id=first.pk, tube_code="RE-S1")
    recall_sample(actor=testing.sampler, recall_id=second.pk, tube_code="RE-S2")
    bag_seal(actor=testing.sampler, seal_code="SEAL-S2", tube_codes=["RE-S1", "RE-S2"])
    bag_receive(actor=testing.lab, seal_code="SEAL-S2")
    results_ingest(actor=testing.lab, rows=[ResultRow(0, "RE-S1", "negative"), ResultRow(1, "RE-S2", "positive")])
    assert status_of(first.person_id).colour == "green"
    confirmed = status_of(second.person_id)
    assert confirmed.colour == "red" and confirmed.reasons[0]["kind"] == "case"
    assert Case.objects.get(person_id=second.person_id).reference == "RE-S2"


def test_a_single_tube_positive_is_a_case_at_once(district, testing):  # noqa: F811
    person = testing.people_a[0]
    collect(testing.sampler, testing.round, [scan(person, "ONE-S", testing.site)])
    Tube.objects.filter(code="ONE-S").update(closed_at=Tube.objects.get(code="ONE-S").opened_at)
    bag_seal(actor=testing.sampler, seal_code="SEAL-O", tube_codes=["ONE-S"])
    bag_receive(actor=testing.lab, seal_code="SEAL-O")
    results_ingest(actor=testing.lab, rows=[ResultRow(0, "ONE-S", "positive")])
    assert status_of(person.pk).colour == "red"


def test_a_round_pools_one_household_per_tube_in_sealed_zones_by_default(district, testing, containment):  # noqa: F811
    from datetime import timedelta

    from fangkong.containment.zones import zone_approve, zone_request
    from fangkong.core import clock
    from fangkong.testing.rounds import round_create

    zone = zone_request(
        actor=district.hq, name="幸福里", level="sealed", basis="确诊病例居住小区", places=[containment.compound.pk]
    )
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    chosen = round_create(actor=district.hq, name="封控区轮次", starts_at=clock.now() - timedelta(hours=1))
    assert list(chosen.household_places.all()) == [containment.compound]
    none = round_create(
        actor=district.hq, name="不分户", starts_at=clock.now() - timedelta(hours=1), household_places=[]
    )
    assert not none.household_places.exists()
    family = containment.residents[:2]  # household 101
    reply = collect(testing.sampler, chosen, [scan(p, "FAM-Z", testing.site, i) for i, p in enumerate(family)])
    assert reply["accepted"] == 2
    assert Tube.objects.get(code="FAM-Z").household_id == containment.home101.pk
