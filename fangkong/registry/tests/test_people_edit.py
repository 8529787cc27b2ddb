"""A person's record kept true (issue 17, point 7): corrected, moved, marked moved away or deceased and back —
within reach, counted, audited."""

from __future__ import annotations

import pytest

from fangkong.core.errors import Code, FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import Forbidden
from fangkong.registry.counts import residents_rebuild
from fangkong.registry.models import Person, Place, ResidentCount
from fangkong.registry.people import PersonEditInput, person_end, person_restore, person_update

REASON = "家属来社区报告，已核实"


def _counts() -> dict[str, int]:
    return {r.jpath: r.n for r in ResidentCount.objects.filter(n__gt=0)}


def _kept_equals_rebuild() -> bool:
    kept = _counts()
    residents_rebuild()
    return kept == _counts()


def test_a_person_is_corrected_and_moved_to_another_grid_and_household(district):
    person = district.person_a
    household = Place.objects.create(kind="household", name="201", jurisdiction=district.a2, jpath=district.a2.path)
    data = PersonEditInput(name="李 四", phone="13911112222", grid=district.a2.pk, household=household.pk)
    updated = person_update(actor=district.worker_a, person_id=person.pk, data=data)
    assert (updated.name, updated.jurisdiction, updated.jpath, updated.household) == (
        "李 四",
        district.a2,
        district.a2.path,
        household,
    )
    assert updated.phone_masked == "139****2222"
    event = AuditEvent.objects.get(action="person.update")
    assert "13911112222" not in str(event.fields)
    assert _kept_equals_rebuild()


def test_a_move_needs_power_over_both_places(district):
    with pytest.raises(Forbidden):
        person_update(
            actor=district.worker_a, person_id=district.person_a.pk, data=PersonEditInput(community=district.b.pk)
        )
    moved = person_update(
        actor=district.hq, person_id=district.person_a.pk, data=PersonEditInput(community=district.b.pk)
    )
    assert (moved.community, moved.jurisdiction) == (district.b, district.b)
    assert _kept_equals_rebuild()


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"name": " "}, "name", Code.REQUIRED),
        ({"phone": "12"}, "phone", Code.INVALID),
        ({"grid": 999999}, "grid", Code.NOT_FOUND),
        ({"household": 999999}, "household", Code.NOT_FOUND),
    ],
)
def test_bad_edits_name_the_field_and_change_nothing(district, data, field, code):
    with pytest.raises(FieldError) as exc:
        person_update(actor=district.worker_a, person_id=district.person_a.pk, data=PersonEditInput(**data))
    assert (exc.value.field, exc.value.code) == (field, code)
    assert Person.objects.get(pk=district.person_a.pk).name == "李四"


def test_a_household_in_another_grid_is_refused(district):
    elsewhere = Place.objects.create(kind="household", name="9", jurisdiction=district.a2, jpath=district.a2.path)
    with pytest.raises(FieldError) as exc:
        person_update(
            actor=district.worker_a, person_id=district.person_a.pk, data=PersonEditInput(household=elsewhere.pk)
        )
    assert (exc.value.field, exc.value.code) == ("household", Code.INVALID)


def test_moved_away_and_back(district):
    person = person_end(actor=district.worker_a, person_id=district.person_a.pk, how="moved_away", reason=REASON)
    assert (person.ended, person.is_resident, person.ended_on is not None) == ("moved_away", False, True)
    assert _kept_equals_rebuild()
    with pytest.raises(FieldError) as exc:
        person_end(actor=district.worker_a, person_id=person.pk, how="deceased", reason=REASON)
    assert exc.value.code == Code.WRONG_STATE
    back = person_restore(actor=district.worker_a, person_id=person.pk, reason=REASON)
    assert (back.ended, back.is_resident) == ("", True)
    assert _kept_equals_rebuild()
    assert AuditEvent.objects.filter(action__in=["person.end", "person.restore"], reason=REASON).count() == 2


def test_ending_needs_a_reason_a_known_way_and_reach(district):
    with pytest.raises(FieldError) as exc:
        person_end(actor=district.worker_a, person_id=district.person_a.pk, how="emigrated", reason=REASON)
    assert exc.value.code == Code.UNKNOWN_CHOICE
    with pytest.raises(FieldError) as exc:
        person_end(actor=district.worker_a, person_id=district.person_a.pk, how="deceased", reason="")
    assert exc.value.code == Code.REASON_REQUIRED
    from fangkong.core.scoping import NotFound

    with pytest.raises(NotFound):
        person_end(actor=district.worker_a, person_id=district.person_b.pk, how="deceased", reason=REASON)


def test_the_api_edits_ends_and_restores(district, client, api_token):
    headers = api_token(district.worker_a)
    url = f"/api/v1/people/{district.person_a.pk}"
    r = client.patch(url, {"address": "园丁路9号"}, content_type="application/json", **headers)
    assert r.status_code == 200 and r.json()["address"] == "园丁路9号"
    r = client.post(f"{url}/end", {"how": "deceased", "reason": REASON}, content_type="application/json", **headers)
    assert (r.status_code, r.json()["ended"]) == (200, "deceased")
    r = client.post(f"{url}/restore", {"reason": REASON}, content_type="application/json", **headers)
    assert (r.status_code, r.json()["ended"]) == (200, "")
    outsider = api_token(district.worker_b)
    r = client.patch(url, {"address": "x"}, content_type="application/json", **outsider)
    assert r.status_code == 404


def test_the_edit_page_saves_moves_marks_and_says_so(district):
    c = district.client(district.worker_a)
    url = f"/people/{district.person_a.pk}/edit/"
    assert c.get(url).status_code == 200
    form = {"action": "edit", "name": "李四", "phone": "", "address": "园丁路1号", "community": district.a.pk,
            "grid": district.a2.pk, "household": 0}  # fmt: skip
    r = c.post(url, form, follow=True)
    assert "已保存" in str(next(iter(r.context["messages"]))) or "Saved" in str(next(iter(r.context["messages"])))
    person = Person.objects.get(pk=district.person_a.pk)
    assert (person.jurisdiction, person.address, person.phone_masked) == (district.a2, "园丁路1号", "139****5678")
    bad = c.post(url, {"action": "end", "how": "deceased", "reason": ""})
    assert bad.status_code == 400 and f'data-code="{Code.REASON_REQUIRED}"' in bad.content.decode()
    c.post(url, {"action": "end", "how": "deceased", "on": "2026-11-30", "reason": REASON})
    person.refresh_from_db()
    assert (person.ended, str(person.ended_on)) == ("deceased", "2026-11-30")
    assert "2026-11-30" in c.get(f"/people/{person.pk}/").content.decode()
    assert district.client(district.worker_b).get(url).status_code == 404
