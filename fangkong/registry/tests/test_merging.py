"""Duplicate records found and merged (issue 17, point 7): every reference moves to the kept record, the merged
one stays as a tombstone pointing to it, the whole merge is audited; bad merges are refused whole."""

from __future__ import annotations

import pytest

from fangkong.conftest import make_id_number, make_person
from fangkong.core import pii
from fangkong.core.errors import Code, FieldError
from fangkong.core.ids import DocType, check_char
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import Forbidden, NotFound
from fangkong.registry import errors
from fangkong.registry.merging import people_duplicates, person_merge
from fangkong.registry.models import Person, PersonCode, PersonTag, ResidentCount
from fangkong.screening.tests.conftest import screening  # noqa: F401  (the checkpoint's fixture)

REASON = "同一人重复登记，核实身份后合并"


def _number(person: Person) -> str:
    return pii.decrypt(person.doc_cipher)


def _pairs(found) -> set[tuple[tuple[int, ...], str]]:
    return {(tuple(d.people), d.reason) for d in found}


def test_duplicates_are_found_for_each_reason_within_reach(district):
    a, b = district.a, district.b
    same1 = make_person(a, name="周同名", number=make_id_number("19700101"), phone="13800000011")
    same2 = make_person(a, name="周同名", number=make_id_number("19700101"), phone="13800000011")
    card = make_person(a, name="吴证件", phone="13800000022")
    passport = make_person(a, name="吴证件", phone="13800000022", number="E12345678", doc_type=DocType.PASSPORT)
    first17 = "211103196502030011"[:17]
    new_form = make_person(a, name="郑老证", number=first17 + check_char(first17), phone="13800000033")
    old_form = make_person(a, name="郑老证", number="211103650203001", doc_type=DocType.OTHER, phone="13900000044")
    beyond1 = make_person(b, name="王外区", number=make_id_number("19800101"), phone="13800000055")
    beyond2 = make_person(b, name="王外区", number=make_id_number("19800101"), phone="13800000055")
    found = _pairs(people_duplicates(user=district.street1))
    assert found == {
        ((same1.pk, same2.pk), "name_birth_phone"),
        ((card.pk, passport.pk), "documents"),
        ((new_form.pk, old_form.pk), "old_id"),
    }
    assert ((beyond1.pk, beyond2.pk), "name_birth_phone") in _pairs(people_duplicates(user=district.hq))
    with pytest.raises(Forbidden):
        people_duplicates(user=district.worker_a)


@pytest.fixture
def pair(district):
    """The kept record (person_a, in grid a1) and a duplicate of theirs under a passport, each with traces."""
    kept = district.person_a
    dup = make_person(district.a, district.a2, name=kept.name, number="E7654321", doc_type=DocType.PASSPORT)
    PersonTag.objects.create(person=kept, tag="elderly_alone")
    PersonTag.objects.create(person=dup, tag="elderly_alone")
    PersonTag.objects.create(person=dup, tag="key_population")
    PersonCode.objects.create(person=kept)
    PersonCode.objects.create(person=dup)
    return kept, dup


def test_a_merge_moves_every_reference_and_leaves_a_tombstone(district, pair, screening):  # noqa: F811
    from fangkong.screening.models import Passage
    from fangkong.screening.passages import PassageInput, passage_register

    kept, dup = pair

    def arrive(number, doc_type, name):
        data = PassageInput(direction="in", document_type=doc_type, document_number=number, name=name,
                            destination_community=district.a.pk, origin="沈阳")  # fmt: skip
        return passage_register(actor=screening.staff1, checkpoint_id=screening.cp1.pk, data=data)

    arrive("E7654321", "passport", dup.name)
    residents_before = sum(ResidentCount.objects.values_list("n", flat=True))
    result = person_merge(actor=district.street1, person_id=dup.pk, into=kept.pk, reason=REASON)
    assert result.pk == kept.pk
    assert Passage.objects.get().person_id == kept.pk
    assert sorted(PersonTag.objects.filter(person=kept).values_list("tag", flat=True)) == [
        "elderly_alone",
        "key_population",
    ]
    assert not PersonTag.objects.filter(person=dup).exists()
    assert PersonCode.objects.filter(person=kept).count() == 1 and not PersonCode.objects.filter(person=dup).exists()
    dup.refresh_from_db()
    assert (dup.merged_into_id, dup.merged_at is not None) == (kept.pk, True)
    assert sum(ResidentCount.objects.values_list("n", flat=True)) == residents_before - 1
    event = AuditEvent.objects.get(action="person.merge")
    assert (event.reason, event.fields["merged"], event.fields["moved"]["screening.passage"]) == (REASON, dup.pk, 1)
    # The duplicate's passport still finds the person: a second arrival goes to the kept record.
    arrive("E7654321", "passport", dup.name)
    assert set(Passage.objects.values_list("person_id", flat=True)) == {kept.pk}


def test_the_tombstone_answers_404_with_its_pointer_and_leaves_the_lists(district, pair, client, api_token):
    kept, dup = pair
    headers = api_token(district.street1)
    r = client.post(f"/api/v1/people/{dup.pk}/merge", {"into": kept.pk, "reason": REASON},
                    content_type="application/json", **headers)  # fmt: skip
    assert r.status_code == 200 and r.json()["id"] == kept.pk
    gone = client.get(f"/api/v1/people/{dup.pk}", **headers)
    assert (gone.status_code, gone.json()["merged_into"], gone.json()["code"]) == (404, kept.pk, errors.Code.MERGED)
    listed = {p["id"] for p in client.get("/api/v1/people?page_size=100", **headers).json()["items"]}
    assert kept.pk in listed and dup.pk not in listed
    page = district.client(district.street1).get(f"/people/{dup.pk}/")
    assert page.status_code == 302 and page["Location"] == f"/people/{kept.pk}/"
    # An outsider learns nothing of it.
    assert client.get(f"/api/v1/people/{dup.pk}", **api_token(district.worker_b)).json().get("merged_into") is None


def test_bad_merges_are_refused_and_change_nothing(district, pair):
    kept, dup = pair
    with pytest.raises(FieldError) as exc:
        person_merge(actor=district.street1, person_id=kept.pk, into=kept.pk, reason=REASON)
    assert exc.value.code == Code.INVALID
    with pytest.raises(FieldError) as exc:
        person_merge(actor=district.street1, person_id=dup.pk, into=kept.pk, reason="合并")
    assert exc.value.code == Code.REASON_REQUIRED
    person_merge(actor=district.street1, person_id=dup.pk, into=kept.pk, reason=REASON)
    third = make_person(district.a, name=kept.name)
    with pytest.raises(FieldError) as exc:
        person_merge(actor=district.street1, person_id=third.pk, into=dup.pk, reason=REASON)
    assert (exc.value.field, exc.value.code) == ("into", errors.Code.MERGED)
    with pytest.raises(NotFound):  # beyond reach: as if it did not exist
        person_merge(actor=district.street1, person_id=district.person_b.pk, into=kept.pk, reason=REASON)
    with pytest.raises(Forbidden):
        person_merge(actor=district.worker_a, person_id=third.pk, into=kept.pk, reason=REASON)
    third.refresh_from_db()
    assert third.merged_into_id is None


def test_two_open_cases_are_a_conflict_and_nothing_moves(district, pair):
    from fangkong.containment.models import Case

    kept, dup = pair
    Case.objects.create(person=kept, source="clinic", jpath=kept.jpath)
    Case.objects.create(person=dup, source="clinic", jpath=dup.jpath)
    with pytest.raises(FieldError) as exc:
        person_merge(actor=district.hq, person_id=dup.pk, into=kept.pk, reason=REASON)
    assert exc.value.code == errors.Code.CONFLICT
    assert PersonTag.objects.filter(person=dup).count() == 2  # the transaction rolled back: nothing moved
    dup.refresh_from_db()
    assert dup.merged_into_id is None


def test_the_duplicates_page_lists_groups_and_merges_with_a_reason(district, pair):
    kept, dup = pair
    make_person(district.a, name="周同名", number=make_id_number("19700101"), phone="13800000011")
    other = make_person(district.a, name="周同名", number=make_id_number("19700101"), phone="13800000011")
    c = district.client(district.street1)
    page = c.get("/people/duplicates/")
    assert page.status_code == 200 and "周同名" in page.content.decode()
    group = [p.pk for p in page.context["groups"][0]["people"]]
    bad = c.post("/people/duplicates/", {"into": group[0], "people": group, "reason": ""})
    assert bad.status_code == 400 and f'data-code="{Code.REASON_REQUIRED}"' in bad.content.decode()
    done = c.post("/people/duplicates/", {"into": group[0], "people": group, "reason": REASON})
    assert done.status_code == 302 and done["Location"] == f"/people/{group[0]}/"
    assert Person.objects.get(pk=group[1]).merged_into_id == group[0]
    assert other.pk in group and kept.pk and dup.pk
    assert district.client(district.worker_a).get("/people/duplicates/").status_code == 404


def test_a_chain_of_merges_points_every_tombstone_to_the_last_kept_record(district, pair):
    kept, dup = pair
    third = make_person(district.a, name=kept.name, number="E5550001", doc_type=DocType.PASSPORT)
    person_merge(actor=district.street1, person_id=dup.pk, into=third.pk, reason=REASON)
    person_merge(actor=district.street1, person_id=third.pk, into=kept.pk, reason=REASON)
    assert Person.objects.get(pk=dup.pk).merged_into_id == kept.pk
    from fangkong.registry.selectors import person_holding

    assert person_holding(DocType.PASSPORT, "E7654321").pk == kept.pk


def test_a_group_on_the_page_merges_whole_or_not_at_all(district, pair):
    from fangkong.containment.models import Case

    kept, dup = pair
    clash = make_person(district.a, name=kept.name, number="E5550002", doc_type=DocType.PASSPORT)
    Case.objects.create(person=kept, source="clinic", jpath=kept.jpath)
    Case.objects.create(person=clash, source="clinic", jpath=clash.jpath)
    c = district.client(district.street1)
    r = c.post("/people/duplicates/", {"into": kept.pk, "people": [kept.pk, dup.pk, clash.pk], "reason": REASON})
    assert r.status_code == 400 and f'data-code="{errors.Code.CONFLICT}"' in r.content.decode()
    assert Person.objects.get(pk=dup.pk).merged_into_id is None  # the first of the group did not stay merged


def test_a_roster_naming_a_tombstone_and_its_kept_record_updates_the_person_once(district, pair):
    from fangkong.registry.importing import people_import

    kept, dup = pair
    person_merge(actor=district.street1, person_id=dup.pk, into=kept.pk, reason=REASON)
    text = (
        "姓名,证件类型,证件号码,社区\n"
        f"{kept.name},居民身份证,{_number(kept)},{district.a.name}\n"
        f"{kept.name},护照,E7654321,{district.a.name}\n"
    )
    result = people_import(actor=district.worker_a, filename="r.csv", content=text.encode())
    assert [(r["row"], r["code"]) for r in result.rejected] == [(3, Code.DUPLICATE)]
