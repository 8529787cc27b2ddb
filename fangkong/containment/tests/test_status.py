"""The status is derived from each source, kept as a cache that every change rewrites."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.containment.cases import case_confirm, case_release
from fangkong.containment.models import PersonStatus
from fangkong.containment.status import status_of, status_refresh
from fangkong.containment.zones import zone_approve, zone_request
from fangkong.core import clock
from fangkong.core.actors import System
from fangkong.screening.models import FollowUp


def _followup(district, person, measure):
    return FollowUp.objects.create(
        person=person,
        level="high",
        measure=measure,
        reason="来自高风险区",
        community=district.a,
        jurisdiction=district.a1,
        jpath=district.a1.path,
        contact_due_at=clock.now() + timedelta(hours=2),
        measure_ends_at=clock.now() + timedelta(days=7),
    )


def test_nothing_means_green_without_reasons(district):
    s = status_of(district.person_a.pk)
    assert (s.colour, s.reasons, s.since) == ("green", [], None)


@pytest.mark.parametrize(
    ("measure", "colour"), [("central_isolation", "red"), ("home_isolation", "yellow"), ("tests_only", "yellow")]
)
def test_a_closed_loop_case_colours_the_status_until_released(district, measure, colour):
    from fangkong.core import events

    person = district.person_a
    f = _followup(district, person, measure)
    events.emit("screening.followup_opened", {"person_id": person.pk, "followup_id": f.pk})
    s = status_of(person.pk)
    assert s.colour == colour and s.reasons[0]["kind"] == "followup" and s.since is not None
    f.released_at = clock.now()
    f.save()
    events.emit("screening.followup_released", {"person_id": person.pk, "followup_id": f.pk})
    assert status_of(person.pk).colour == "green"


def test_a_confirmed_case_is_red_until_released(district):
    case = case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing", reference="T1")
    assert status_of(district.person_a.pk).colour == "red"
    assert (
        case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing").pk == case.pk
    )  # one open
    case_release(actor=district.hq, case_id=case.pk, note="治愈出院，隔离期满")
    assert status_of(district.person_a.pk).colour == "green"


def test_the_strictest_reason_wins_and_all_are_kept(district, containment):
    person = containment.residents[0]
    zone = zone_request(
        actor=district.hq, name="管控", level="controlled", basis="划定管控区的依据", places=[containment.compound.pk]
    )
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    assert status_of(person.pk).colour == "yellow"
    case_confirm(actor=System("test"), person_id=person.pk, source="testing")
    s = status_of(person.pk)
    assert s.colour == "red"
    assert [r["kind"] for r in s.reasons] == ["case", "zone"]


def test_the_cache_is_rewritten_by_each_change_and_read_back(district):
    person = district.person_a.pk
    status_refresh([person])
    row = PersonStatus.objects.get(pk=person)
    assert row.colour == "green"
    case_confirm(actor=System("test"), person_id=person, source="testing")
    assert PersonStatus.objects.get(pk=person).colour == "red"


def test_a_move_makes_the_cached_status_stale(district, containment):
    person = containment.outsider
    zone = zone_request(
        actor=district.hq, name="封控", level="sealed", basis="划定封控区的依据", places=[containment.compound.pk]
    )
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    assert status_of(person.pk).colour == "green"
    person.household = containment.home101  # moves into the sealed compound (registry edit, no event)
    person.save(update_fields=["household"])
    assert status_of(person.pk).colour == "red"
    assert PersonStatus.objects.get(pk=person.pk).household_id == containment.home101.pk


def test_a_writer_wins_over_a_readers_stale_recompute(district):
    from fangkong.containment.status import _store_if_unchanged, compute

    person = district.person_a.pk
    stale = compute([person])[person]  # a reader computed green …
    case_confirm(actor=System("test"), person_id=person, source="testing")  # … then a writer made it red
    _store_if_unchanged(stale, None, clock.now())  # the reader's insert must not overwrite
    assert PersonStatus.objects.get(pk=person).colour == "red"


def test_an_invalidated_status_is_recomputed_on_reading_and_a_stale_reader_cannot_store(district):
    from fangkong.containment.status import EXPIRED, _store_if_unchanged, compute, status_invalidate

    person = district.person_a.pk
    status_refresh([person])
    seen = PersonStatus.objects.get(pk=person).computed_at
    stale = compute([person])[person]  # a reader computed green from the state before the change …
    f = _followup(district, district.person_a, "central_isolation")
    status_invalidate([person])  # … the change expired the row in its own transaction
    _store_if_unchanged(stale, seen, clock.now())  # the reader's write must not land
    row = PersonStatus.objects.get(pk=person)
    assert row.valid_until == EXPIRED
    s = status_of(person)
    assert s.colour == "red" and s.reasons[0]["kind"] == "followup"
    assert PersonStatus.objects.get(pk=person).colour == "red"  # stored by the reading
    f.delete()


def test_a_case_needs_an_actor_and_the_system_is_named_in_the_trail(district):
    import pytest

    from fangkong.core.models import AuditEvent

    with pytest.raises(TypeError):  # None no longer waves the checks through
        case_confirm(actor=None, person_id=district.person_a.pk, source="testing")
    case_confirm(actor=System("testing.case_confirmed"), person_id=district.person_a.pk, source="testing")
    event = AuditEvent.objects.get(action="case.confirm")
    assert (event.actor_id, event.actor_name) == (None, "system:testing.case_confirmed")
