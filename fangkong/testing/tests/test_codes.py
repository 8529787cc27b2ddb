"""Personal codes issued in bulk before a round (service, API and the jurisdiction page)."""

from __future__ import annotations

from fangkong.conftest import make_person
from fangkong.core.models import AuditEvent
from fangkong.registry.codes import person_codes_issue
from fangkong.registry.models import PersonCode, new_person_codes


def test_issue_creates_codes_for_residents_without_one_and_only_once(district):
    visitor = make_person(district.a, district.a1, name="访客")
    visitor.is_resident = False
    visitor.save(update_fields=["is_resident"])
    first = person_codes_issue(actor=district.worker_a, jurisdiction_id=district.a1.pk)
    assert first == 1  # person_a; not the visitor, nobody outside grid A1
    assert set(PersonCode.objects.values_list("person_id", flat=True)) == {district.person_a.pk}
    assert person_codes_issue(actor=district.worker_a, jurisdiction_id=district.a1.pk) == 0
    assert person_codes_issue(actor=district.hq, jurisdiction_id=district.d.pk) == 1  # person_b now
    assert AuditEvent.objects.filter(action="testing.codes_issue").count() == 3


def test_codes_are_distinct_and_readable():
    codes = new_person_codes(5000)
    assert len(set(codes)) == 5000
    assert all(c[0] == "P" and len(c) == 12 and not set(c[1:]) & set("01IO") for c in codes)


def test_api_issues_codes_and_refuses_an_outsider(client, district, api_token):
    url = "/api/v1/testing/codes:issue"
    r = client.post(url, {"jurisdiction_id": district.a.pk}, content_type="application/json", **api_token(district.hq))
    assert r.status_code == 200 and r.json() == {"created": 1}
    r = client.post(
        url, {"jurisdiction_id": district.a.pk}, content_type="application/json", **api_token(district.worker_b)
    )
    assert r.status_code == 404
    assert PersonCode.objects.count() == 1


def test_page_button_issues_codes_and_refuses_an_outsider(client, district):
    client.force_login(district.worker_b)
    assert client.post(f"/testing/codes/{district.a.pk}/issue/").status_code == 404
    client.force_login(district.worker_a)
    r = client.post(f"/testing/codes/{district.a1.pk}/issue/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    said = [(m.extra_tags, str(m)) for m in r.context["messages"]]
    assert len(said) == 1 and said[0][0] == "codes_issued" and said[0][1].startswith("1 ")
    again = client.post(f"/testing/codes/{district.a1.pk}/issue/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert [m.extra_tags for m in again.context["messages"]] == ["codes_none"]  # everyone has one: said so
    assert client.get(f"/testing/codes/{district.a1.pk}/issue/").status_code == 405


def test_household_sheet_page_refuses_an_outsider(client, district):
    client.force_login(district.worker_b)
    assert client.get(f"/testing/codes/{district.a.pk}/households/").status_code == 404
    client.force_login(district.worker_a)
    assert client.get(f"/testing/codes/{district.a1.pk}/households/").status_code == 200


def test_issuing_codes_needs_the_power_to_edit_the_register_not_only_to_see_it(district, monkeypatch):
    import pytest

    from fangkong.conftest import make_user
    from fangkong.core import roles
    from fangkong.core.roles import Cap, Role
    from fangkong.core.scoping import Forbidden

    viewer = Role("registry_viewer", "查看", "jurisdiction", frozenset({Cap.REGISTRY_VIEW, Cap.PEOPLE_VIEW}))
    monkeypatch.setitem(roles.ROLES, viewer.code, viewer)
    user = make_user("viewer_a", "registry_viewer", jurisdiction=district.a)
    with pytest.raises(Forbidden):
        person_codes_issue(actor=user, jurisdiction_id=district.a1.pk)
    assert not PersonCode.objects.exists()
