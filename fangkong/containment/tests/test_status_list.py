"""The scanners' signed status list (issue 22, point 3): who gets it, what it marks (every red or yellow code at
its time, never a green one but by a hash's chance), its signature and its age."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from fangkong.conftest import make_person
from fangkong.containment import status_list
from fangkong.containment.models import PersonStatus
from fangkong.containment.status import status_invalidate, status_of
from fangkong.containment.zones.decisions import zone_approve
from fangkong.containment.zones.requests import zone_request
from fangkong.core import clock, pii
from fangkong.core.ids import clean_document
from fangkong.registry.codes import person_code


@pytest.fixture(autouse=True)
def _no_kept_list():
    cache.delete(status_list.CACHE_KEY)
    yield
    cache.delete(status_list.CACHE_KEY)


def doc_hash(person) -> str:
    return pii.lookup_hash(clean_document("resident_id", pii.decrypt(person.doc_cipher)))


def seal(district, containment):
    zone = zone_request(
        actor=district.hq, name="幸福里", level="sealed", basis="确诊病例居住小区", places=[containment.compound.pk]
    )
    return zone_approve(actor=containment.hq2, zone_id=zone.pk)


def public_key() -> bytes:
    return status_list.public_key_bytes()


def test_the_list_marks_every_red_and_yellow_code_and_no_green_one(district, containment):
    inside = containment.residents  # all three end up red (sealed)
    codes = {p.pk: person_code(actor=district.hq, person_id=p.pk) for p in [*inside, containment.outsider]}
    seal(district, containment)
    payload = status_list.status_list_build()
    assert status_list.verify(payload, public_key()) is None
    for person in inside:
        assert status_of(person.pk).colour == "red"
        assert status_list.marks(payload, codes[person.pk])
        assert status_list.marks(payload, codes[person.pk].lower())  # as typed: the look-up's own spelling
        assert status_list.marks(payload, doc_hash(person))  # what an ID-card reader sends
    assert not status_list.marks(payload, codes[containment.outsider.pk])
    assert not status_list.marks(payload, doc_hash(containment.outsider))
    assert payload["count"] == 6  # a code and a document for each of the three
    assert set(payload) >= {"issued_at", "expires_at", "format", "data", "signature"}
    assert payload["format"] == "h32-delta-leb128"


def test_stale_statuses_are_settled_first(district, containment):
    """An invalidated row (a pool just positive, nobody has read it since), a person who moved into the sealed
    compound, and one registered there after the zone started: each is marked as a scanner's read would find."""
    seal(district, containment)
    moved, newcomer = containment.outsider, make_person(district.a, district.a1, name="新住户")
    status_of(moved.pk)  # green, stored for their old home
    codes = {p.pk: person_code(actor=district.hq, person_id=p.pk) for p in (moved, newcomer)}
    moved.household = containment.home101
    moved.save(update_fields=["household"])
    newcomer.household = containment.home101
    newcomer.save(update_fields=["household"])
    assert not PersonStatus.objects.filter(person=newcomer).exists()
    status_invalidate([containment.residents[0].pk])
    payload = status_list.status_list_build()
    assert status_list.marks(payload, codes[moved.pk]) and status_list.marks(payload, codes[newcomer.pk])
    assert PersonStatus.objects.get(person=newcomer).colour == "red"
    assert PersonStatus.objects.get(person=containment.residents[0]).colour == "red"


def test_a_status_about_to_turn_is_marked_already(district, containment):
    """A zone that starts in an hour: green now, red before the list expires."""
    person = containment.residents[0]
    code = person_code(actor=district.hq, person_id=person.pk)
    zone = zone_request(
        actor=district.hq,
        name="幸福里",
        level="sealed",
        basis="确诊病例居住小区",
        places=[containment.compound.pk],
        starts_at=clock.now() + timedelta(hours=1),
    )
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    assert status_of(person.pk).colour == "green"
    assert status_list.marks(status_list.status_list_build(), code)


def test_a_tampered_list_or_another_key_is_refused(district, containment):
    person_code(actor=district.hq, person_id=containment.residents[0].pk)
    seal(district, containment)
    payload = status_list.status_list_build()
    empty = base64.b64encode(b"").decode()
    assert status_list.verify({**payload, "data": empty}, public_key()) == "signature"  # "nobody is marked"
    later = (clock.now() + timedelta(days=2)).isoformat()
    assert status_list.verify({**payload, "expires_at": later}, public_key()) == "signature"
    with override_settings(STATUS_LIST_KEY=base64.b64encode(bytes(32)).decode()):
        assert status_list.verify(payload, status_list.public_key_bytes()) == "signature"
    assert status_list.verify({**payload, "signature": "not base64!"}, public_key()) == "signature"


def test_a_list_past_its_time_or_from_the_future_is_refused(district, containment):
    payload = status_list.status_list_build()
    with clock.advanced(timedelta(hours=12)):
        assert status_list.verify(payload, public_key()) == "expired"
    with clock.advanced(-timedelta(hours=1)):
        assert status_list.verify(payload, public_key()) == "future"
    with clock.advanced(timedelta(hours=11, minutes=59)):
        assert status_list.verify(payload, public_key()) is None


def test_the_encoding_round_trips_and_is_compact():
    values = sorted({status_list.entry(b"salt", f"P{i:07d}") for i in range(10_000)})
    data = status_list.encode(values)
    assert status_list.decode(data) == values
    assert len(data) < 3 * len(values)  # ~2.2 bytes an entry at this density, against 4 raw
    assert status_list.decode(status_list.encode([0, 1, 2**32 - 1])) == [0, 1, 2**32 - 1]


def test_the_api_hands_out_the_kept_list_and_rebuilds_it_when_old(client, district, containment, api_token):
    scanner = api_token(containment.scanner)
    code = person_code(actor=district.hq, person_id=containment.residents[0].pk)
    first = client.get("/api/v1/status-list", **scanner)
    assert first.status_code == 200
    body = first.json()
    key = client.get("/api/v1/status-list/key", **scanner).json()
    assert key["algorithm"] == "Ed25519" and key["key_id"] == body["key_id"]
    assert status_list.verify(body, base64.b64decode(key["public_key"])) is None
    assert not status_list.marks(body, code)
    seal(district, containment)
    assert client.get("/api/v1/status-list", **scanner).json()["signature"] == body["signature"]  # kept 5 minutes
    with clock.advanced(timedelta(minutes=6)):
        again = client.get("/api/v1/status-list", **scanner).json()
    assert again["issued_at"] > body["issued_at"] and status_list.marks(again, code)


def test_the_list_is_for_scanners_only_and_limited_per_device(client, district, containment, api_token):
    assert client.get("/api/v1/status-list", **api_token(district.unit_staff)).status_code == 403
    assert client.get("/api/v1/status-list/key", **api_token(district.unit_staff)).status_code == 403
    assert client.get("/api/v1/status-list").status_code == 401
    assert client.get("/api/v1/status-list/key").status_code == 401
    device = api_token(containment.scanner)
    with override_settings(FANGKONG={**settings.FANGKONG, "STATUS_LIST_RATE_PER_MINUTE": 2}):
        codes = [client.get("/api/v1/status-list", **device).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_command_makes_and_keeps_the_list(db, capsys):
    call_command("status_list")
    assert "status list: 0 entries" in capsys.readouterr().out
    assert cache.get(status_list.CACHE_KEY)["count"] == 0


def test_a_person_moved_to_a_sealed_grid_without_a_household_is_marked(district, containment, client, api_token):
    """A grid changed, the household not (none): what a scanner's read treats as stale, the list settles too."""
    zone = zone_request(
        actor=district.hq, name="一网格", level="sealed", basis="确诊病例", jurisdictions=[district.a1.pk]
    )
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    person = make_person(district.a, district.a2, name="搬家人")
    code = person_code(actor=district.hq, person_id=person.pk)
    assert status_of(person.pk).colour == "green"  # stored for grid a2
    person.jpath = district.a1.path
    person.save(update_fields=["jpath"])
    assert status_list.marks(status_list.status_list_build(), code)
    assert client.get(f"/api/v1/status/{code}", **api_token(containment.scanner)).json()["colour"] == "red"


def test_one_builder_at_a_time_and_the_others_get_the_kept_list(district, containment):
    first = status_list.status_list_build()
    cache.set(status_list.BUILDING_KEY, "another process", timeout=60)
    assert status_list.status_list_refresh() is None  # beat's run: another is building
    with clock.advanced(timedelta(minutes=11)):  # past two refresh periods, the list still valid
        assert status_list.status_list_current()["signature"] == first["signature"]
    cache.delete(status_list.BUILDING_KEY)
    with clock.advanced(timedelta(minutes=11)):
        again = status_list.status_list_current()
    assert again["issued_at"] > first["issued_at"]
    assert cache.get(status_list.BUILDING_KEY) is None  # the builder lifted its own lock


def test_an_older_build_never_replaces_a_newer_list(district, containment):
    with clock.advanced(timedelta(minutes=10)):
        newer = status_list.status_list_build()
    status_list.status_list_build()  # began earlier, finished later
    assert cache.get(status_list.CACHE_KEY)["issued_at"] == newer["issued_at"]


def test_a_list_signed_with_another_key_is_not_handed_out(district, containment):
    status_list.status_list_build()
    with override_settings(STATUS_LIST_KEY=base64.b64encode(bytes(range(32))).decode()):
        payload = status_list.status_list_current()
        assert payload["key_id"] == status_list.key_id()
        assert status_list.verify(payload, status_list.public_key_bytes()) is None


def test_times_are_written_in_one_shape(district, containment):
    payload = status_list.status_list_build()
    for field in ("issued_at", "expires_at"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", payload[field])
    assert status_list.verify({**payload, "format": "other"}, public_key()) == "signature"  # the format is signed
    with pytest.raises(ValueError):
        status_list.decode(b"\x80")  # cut inside a value


def test_the_account_limit_holds_across_new_tokens(client, district, containment, api_token):
    with override_settings(FANGKONG={**settings.FANGKONG, "STATUS_LIST_RATE_PER_MINUTE": 1}):
        codes = [client.get("/api/v1/status-list", **api_token(containment.scanner)).status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]  # ten devices' worth, whatever the number of tokens


def test_the_key_setting_is_checked_at_start(settings):
    from fangkong.containment.checks import status_list_key

    settings.STATUS_LIST_KEY = "not a key"
    assert [e.id for e in status_list_key(None)] == ["fangkong.E002"]
    settings.STATUS_LIST_KEY = base64.b64encode(bytes(16)).decode()
    assert [e.id for e in status_list_key(None)] == ["fangkong.E002"]
    settings.STATUS_LIST_KEY = base64.b64encode(bytes(32)).decode()
    assert status_list_key(None) == []
    settings.STATUS_LIST_KEY = ""
    settings.PRODUCTION = True
    assert [e.id for e in status_list_key(None)] == ["fangkong.W001"]


def test_a_move_by_the_register_expires_the_stored_status(district, containment):
    """registry.person_moved: the row is invalidated in the move's transaction, so the hall's counts by colour and
    place never count the person where they were, even before anyone scans them."""
    from fangkong.registry.people import PersonEditInput, person_update

    zone = zone_request(
        actor=district.hq, name="二网格", level="sealed", basis="确诊病例", jurisdictions=[district.a2.pk]
    )
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    person = make_person(district.a, district.a1, name="迁入人")
    assert status_of(person.pk).colour == "green"
    person_update(actor=district.hq, person_id=person.pk, data=PersonEditInput(grid=district.a2.pk))
    assert PersonStatus.objects.get(person=person).colour is None  # not known until recomputed
    assert status_of(person.pk).colour == "red"
