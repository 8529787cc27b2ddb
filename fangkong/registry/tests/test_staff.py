"""Staff accounts and roles (issue 17, point 5): made and granted within reach, never beyond it; deactivation ends
tokens and sessions at once; the district keeps an administrator; roles end on their date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from fangkong.conftest import PASSWORD, make_user
from fangkong.core import clock
from fangkong.core.errors import Code
from fangkong.core.models import AccountState, AuditEvent
from fangkong.core.roles import Cap
from fangkong.core.scoping import scope_for
from fangkong.registry import errors
from fangkong.registry.models import RoleAssignment, StaffProfile, Unit

NEW = {"username": "wgy_01", "full_name": "网格员甲", "phone": "13800001111", "password": "Wgy-2026-初始-pass"}


def _post(client, headers, path, body=None):
    return client.post(f"/api/v1{path}", body or {}, content_type="application/json", **headers)


def _ready(user_id: int) -> None:
    """The person chose their own password (as on the page): the account may take a token."""
    AccountState.objects.filter(user_id=user_id).update(must_change_password=False)


@pytest.fixture
def checkpoint_a(district):
    return Unit.objects.create(
        kind="checkpoint", name="园丁卡口", code="CP-A", jurisdiction=district.a, jpath=district.a.path
    )


@pytest.fixture
def checkpoint_b(district):
    return Unit.objects.create(
        kind="checkpoint", name="胜利卡口", code="CP-B", jurisdiction=district.b, jpath=district.b.path
    )


def test_hq_makes_an_account_that_must_change_its_password(district, client, api_token):
    r = _post(client, api_token(district.hq), "/admin/users", NEW)
    assert r.status_code == 201, r.content
    user = get_user_model().objects.get(pk=r.json()["id"])
    assert user.check_password(NEW["password"]) and r.json()["password"] == ""
    profile = StaffProfile.objects.get(user=user)
    assert (profile.full_name, profile.jurisdiction, profile.created_by) == ("网格员甲", district.d, district.hq)
    assert AccountState.objects.get(user=user).must_change_password
    token = _post(client, {}, "/auth/token", {"username": "wgy_01", "password": NEW["password"]})
    assert (token.status_code, token.json()["code"]) == (403, Code.PASSWORD_CHANGE_REQUIRED)
    assert AuditEvent.objects.filter(action="staff.create", object_id=str(user.pk)).exists()


def test_a_drawn_password_is_returned_once(district, client, api_token):
    r = _post(client, api_token(district.hq), "/admin/users", {**NEW, "password": ""})
    user = get_user_model().objects.get(pk=r.json()["id"])
    assert len(r.json()["password"]) >= 10 and user.check_password(r.json()["password"])


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"username": "hq"}, "username", Code.DUPLICATE),
        ({"username": "HQ"}, "username", Code.DUPLICATE),
        ({"username": "a b"}, "username", Code.INVALID),
        ({"full_name": " "}, "full_name", Code.REQUIRED),
        ({"phone": "12"}, "phone", Code.INVALID),
        ({"password": "123"}, "password", Code.INVALID),
        ({"jurisdiction_id": 999999}, "jurisdiction_id", Code.NOT_FOUND),
    ],
)
def test_bad_account_input_names_the_field_and_makes_nothing(district, client, api_token, body, field, code):
    before = get_user_model().objects.count()
    r = _post(client, api_token(district.hq), "/admin/users", {**NEW, **body})
    assert r.status_code == 400, r.content
    assert (r.json()["errors"][0]["field"], r.json()["code"]) == (field, code)
    assert get_user_model().objects.count() == before


def test_a_street_officer_makes_accounts_in_their_street_only(district, client, api_token):
    headers = api_token(district.street1)
    r = _post(client, headers, "/admin/users", NEW)
    assert r.status_code == 201
    assert StaffProfile.objects.get(user_id=r.json()["id"]).jurisdiction == district.s1
    r = _post(client, headers, "/admin/users", {**NEW, "username": "x2", "jurisdiction_id": district.s2.pk})
    assert r.status_code == 403


@pytest.mark.parametrize(
    ("granter", "role", "place", "status"),
    [
        ("hq", "grid_worker", "a1", 201),
        ("hq", "hq_admin", "d", 201),
        ("hq", "portal_reviewer", "dept_a", 201),  # district-wide administrators grant any role
        ("street1", "grid_worker", "a1", 201),
        ("street1", "community_worker", "a", 201),
        ("street1", "street_officer", "s1", 201),
        ("street1", "checkpoint_staff", "unit_a", 201),  # a unit's own work within the street
        ("street1", "hq_admin", "d", 403),  # a street officer cannot make district HQ
        ("street1", "hq_admin", "s1", 403),  # …not even over their own street: powers they do not hold
        ("street1", "grid_worker", "b1", 403),  # beyond the street
        ("street1", "checkpoint_staff", "unit_b", 403),
        ("street1", "discipline_inspector", "dept_a", 403),  # oversight is district HQ's to grant
        ("street1", "safety_regulator", "dept_a", 403),
        ("worker_a", "grid_worker", "a1", 403),  # no power over accounts at all
    ],
)
def test_a_role_is_granted_only_within_reach(
    district, client, api_token, checkpoint_a, checkpoint_b, granter, role, place, status
):
    target = make_user("target", "grid_worker", jurisdiction=district.a2)  # visible to HQ and street 1
    dept = Unit.objects.create(
        kind="department", name="街道办", code="D-A", jurisdiction=district.a, jpath=district.a.path
    )
    places = {
        "unit_a": ("unit_id", checkpoint_a.pk),
        "unit_b": ("unit_id", checkpoint_b.pk),
        "dept_a": ("unit_id", dept.pk),
    }
    key, value = places.get(place) or ("jurisdiction_id", getattr(district, place).pk)
    r = _post(
        client, api_token(getattr(district, granter)), f"/admin/users/{target.pk}/roles", {"role": role, key: value}
    )
    assert r.status_code in (status, 404 if status == 403 else status), r.content
    if granter == "worker_a":
        assert r.status_code == 404  # not an administrator: no account is theirs to see
    elif status == 403:
        assert r.status_code == 403
    held = RoleAssignment.objects.filter(user=target, role=role).exclude(jurisdiction=district.a2).first()
    assert (held is not None) == (status == 201)
    if held:
        assert (held.granted_by, held.granted_at is not None) == (getattr(district, granter), True)
        assert r.json()["granted_by"] == getattr(district, granter).username


def test_nobody_raises_their_own_roles(district, client, api_token):
    r = _post(client, api_token(district.street1), f"/admin/users/{district.street1.pk}/roles",
              {"role": "street_officer", "jurisdiction_id": district.s2.pk})  # fmt: skip
    assert r.status_code == 403
    assert RoleAssignment.objects.filter(user=district.street1).count() == 1


def test_a_role_for_the_wrong_kind_of_place_or_an_unknown_role_is_a_clear_error(district, client, api_token):
    headers = api_token(district.hq)
    target = district.worker_a.pk
    r = _post(client, headers, f"/admin/users/{target}/roles", {"role": "sampler", "jurisdiction_id": district.a.pk})
    assert (r.status_code, r.json()["errors"][0]["field"]) == (400, "unit_id")
    r = _post(client, headers, f"/admin/users/{target}/roles", {"role": "mayor", "jurisdiction_id": district.a.pk})
    assert (r.status_code, r.json()["code"]) == (400, Code.UNKNOWN_CHOICE)
    past = (clock.localdate() - timedelta(days=1)).isoformat()
    r = _post(client, headers, f"/admin/users/{target}/roles",
              {"role": "grid_worker", "jurisdiction_id": district.a1.pk, "valid_until": past})  # fmt: skip
    assert (r.status_code, r.json()["code"]) == (400, Code.OUT_OF_RANGE)


def test_a_role_ends_on_its_date(district, client, api_token):
    target = make_user("temp", "street_officer", jurisdiction=district.s2)
    until = clock.localdate() + timedelta(days=2)
    r = _post(client, api_token(district.hq), f"/admin/users/{target.pk}/roles",
              {"role": "grid_worker", "jurisdiction_id": district.a1.pk, "valid_until": until.isoformat()})  # fmt: skip
    assert r.status_code == 201 and r.json()["in_force"]
    fresh = get_user_model().objects.get(pk=target.pk)
    assert scope_for(fresh, Cap.PEOPLE_VIEW).covers(district.a1.path)
    with clock.frozen_at(clock.start_of_day(until + timedelta(days=1))):
        later = get_user_model().objects.get(pk=target.pk)
        assert not scope_for(later, Cap.PEOPLE_VIEW).covers(district.a1.path)
        detail = client.get(f"/api/v1/admin/users/{target.pk}", **api_token(district.hq)).json()
        grant = next(g for g in detail["roles"] if g["role"] == "grid_worker")
        assert grant["in_force"] is False
        assert all(district.a1.name not in p["where"] for p in detail["capabilities"])


def test_deactivation_ends_tokens_and_sessions_at_once(district, client, api_token):
    headers = api_token(district.worker_a)
    assert client.get("/api/v1/people", **headers).status_code == 200
    browser = Client()
    browser.force_login(district.worker_a)
    assert browser.get("/people/").status_code == 200
    r = _post(
        client, api_token(district.street1), f"/admin/users/{district.worker_a.pk}/deactivate", {"reason": "调离"}
    )
    assert (r.status_code, r.json()) == (200, {"active": False})
    assert client.get("/api/v1/people", **headers).status_code == 401
    assert browser.get("/people/").status_code == 302  # to the sign-in page
    fresh = _post(client, {}, "/auth/token", {"username": "worker_a", "password": PASSWORD})
    assert fresh.status_code == 401
    assert get_user_model().objects.filter(pk=district.worker_a.pk).exists()  # never deleted
    event = AuditEvent.objects.get(action="staff.deactivate")
    assert (event.actor_name, event.reason) == ("street1", "调离")
    r = _post(client, api_token(district.street1), f"/admin/users/{district.worker_a.pk}/reactivate")
    assert r.json() == {"active": True}
    assert _post(client, {}, "/auth/token", {"username": "worker_a", "password": PASSWORD}).status_code == 200


def test_an_account_beyond_reach_is_not_found_and_one_partly_beyond_is_refused(district, client, api_token):
    headers = api_token(district.street1)
    assert _post(client, headers, f"/admin/users/{district.hq.pk}/deactivate").status_code == 404
    assert _post(client, headers, f"/admin/users/{district.worker_b.pk}/deactivate").status_code == 404
    both = make_user("both", "grid_worker", jurisdiction=district.a1)
    RoleAssignment.objects.create(user=both, role="grid_worker", jurisdiction=district.b1)
    assert _post(client, headers, f"/admin/users/{both.pk}/deactivate").status_code == 403
    assert _post(client, headers, f"/admin/users/{both.pk}/password:reset").status_code == 403
    assert get_user_model().objects.get(pk=both.pk).is_active


def test_the_last_district_administrator_stays(district, client, api_token):
    other = make_user("hq2", "hq_admin", jurisdiction=district.d)
    headers = api_token(other)
    assert _post(client, headers, f"/admin/users/{district.hq.pk}/deactivate").status_code == 200
    # hq2 is the last active administrator of the district: they cannot step down.
    r = _post(client, headers, f"/admin/users/{other.pk}/deactivate")
    assert (r.status_code, r.json()["code"]) == (400, errors.Code.LAST_ADMIN)
    grant = RoleAssignment.objects.get(user=other)
    r = _post(client, headers, f"/admin/users/{other.pk}/roles/{grant.pk}/revoke")
    assert (r.status_code, r.json()["code"]) == (400, errors.Code.LAST_ADMIN)
    assert get_user_model().objects.get(pk=other.pk).is_active and RoleAssignment.objects.filter(pk=grant.pk).exists()
    # With hq back, either may step down.
    _post(client, headers, f"/admin/users/{district.hq.pk}/reactivate")
    r = _post(client, headers, f"/admin/users/{other.pk}/roles/{grant.pk}/revoke")
    assert r.status_code == 200
    assert AuditEvent.objects.filter(action="role.revoke", actor_name="hq2").exists()


def test_an_expired_or_inactive_administrator_does_not_count(district, client, api_token):
    spare = make_user("spare", "hq_admin", jurisdiction=district.d)
    RoleAssignment.objects.filter(user=spare).update(valid_until=clock.localdate() - timedelta(days=1))
    r = _post(client, api_token(district.hq), f"/admin/users/{district.hq.pk}/deactivate")
    assert (r.status_code, r.json()["code"]) == (400, errors.Code.LAST_ADMIN)


def test_password_reset_draws_a_new_one_that_must_be_changed(district, client, api_token):
    old_headers = api_token(district.worker_a)
    r = _post(client, api_token(district.street1), f"/admin/users/{district.worker_a.pk}/password:reset")
    assert r.status_code == 200
    password = r.json()["password"]
    user = get_user_model().objects.get(pk=district.worker_a.pk)
    assert user.check_password(password) and not user.check_password(PASSWORD)
    assert AccountState.objects.get(user=user).must_change_password
    assert client.get("/api/v1/people", **old_headers).status_code == 401


def test_roles_are_listed_with_what_each_may_do(district, client, api_token):
    r = client.get("/api/v1/admin/roles", **api_token(district.street1))
    roles = {item["code"]: item for item in r.json()["items"]}
    assert {"hq_admin", "street_officer", "grid_worker", "community_worker", "checkpoint_staff"} <= set(roles)
    assert roles["grid_worker"]["binds"] == "jurisdiction" and roles["sampler"]["binds"] == "unit"
    labels = {c["code"]: c["label"] for c in roles["grid_worker"]["capabilities"]}
    assert labels["people.view"] == "查看人口底册（脱敏）"  # in the language asked for; Chinese first
    assert client.get("/api/v1/admin/roles", **api_token(district.worker_a)).status_code == 403


def test_a_user_page_shows_roles_and_effective_powers(district, client, api_token):
    r = client.get(f"/api/v1/admin/users/{district.worker_a.pk}", **api_token(district.street1))
    body = r.json()
    assert body["username"] == "worker_a" and body["active"]
    assert [g["role"] for g in body["roles"]] == ["community_worker"]
    powers = {p["code"]: p["where"] for p in body["capabilities"]}
    assert powers["people.view"] == [district.a.name]
    assert "accounts.admin" not in powers


def test_the_list_holds_the_accounts_within_reach(district, client, api_token):
    made = _post(client, api_token(district.street1), "/admin/users", NEW).json()["id"]
    names = {u["username"] for u in client.get("/api/v1/admin/users", **api_token(district.street1)).json()["items"]}
    assert names == {"street1", "worker_a", "wgy_01"}
    hq_names = {u["username"] for u in client.get("/api/v1/admin/users", **api_token(district.hq)).json()["items"]}
    assert {"hq", "street1", "worker_a", "worker_b", "wgy_01"} <= hq_names
    found = client.get("/api/v1/admin/users?q=网格员", **api_token(district.hq)).json()["items"]
    assert [u["id"] for u in found] == [made]


def test_which_staff_see_a_person_and_why(district, client, api_token):
    grid = make_user("grid_a1", "grid_worker", jurisdiction=district.a1)
    r = client.get(f"/api/v1/people/{district.person_a.pk}/viewers", **api_token(district.hq))
    seen = {(v["username"], v["place"]) for v in r.json()["items"]}
    assert seen == {("hq", "兴隆台区"), ("street1", "新工街道"), ("worker_a", "园丁社区"), ("grid_a1", "第一网格")}
    assert grid.pk
    assert (
        client.get(f"/api/v1/people/{district.person_a.pk}/viewers", **api_token(district.worker_a)).status_code == 404
    )
    assert (
        client.get(f"/api/v1/people/{district.person_b.pk}/viewers", **api_token(district.street1)).status_code == 404
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/users"),
        ("post", "/admin/users"),
        ("get", "/admin/users/{id}"),
        ("post", "/admin/users/{id}/roles"),
        ("post", "/admin/users/{id}/deactivate"),
        ("post", "/admin/users/{id}/reactivate"),
        ("post", "/admin/users/{id}/password:reset"),
        ("post", "/admin/users/{id}/roles/{grant}/revoke"),
    ],
)
def test_an_outsider_is_refused(district, client, api_token, method, path):
    grant = RoleAssignment.objects.get(user=district.worker_b)
    url = "/api/v1" + path.format(id=district.worker_b.pk, grant=grant.pk)
    headers = api_token(district.unit_staff)
    body = {"role": "grid_worker", "jurisdiction_id": district.b1.pk} if path.endswith("roles") else NEW
    r = (
        getattr(client, method)(url, body, content_type="application/json", **headers)
        if method == "post"
        else (client.get(url, **headers))
    )
    assert r.status_code in (403, 404), r.content
    if "{id}" in path:
        assert r.status_code == 404  # the account is not theirs to see
    assert get_user_model().objects.get(pk=district.worker_b.pk).is_active
    assert RoleAssignment.objects.filter(user=district.worker_b).count() == 1


# --- reach over powers, not only places (review) -----------------------------------------------------------------


@pytest.fixture
def inspector_in_street1(district):
    """A discipline inspector at a department that sits in street 1: within the officer's places, not powers."""
    dept = Unit.objects.create(kind="department", name="街道纪工委", code="D-JW", jurisdiction=district.s1,
                               jpath=district.s1.path)  # fmt: skip
    return make_user("jw", "discipline_inspector", unit=dept)


def test_an_account_holding_powers_one_cannot_grant_is_not_taken_over(
    district, client, api_token, inspector_in_street1
):
    headers = api_token(district.street1)
    target = inspector_in_street1.pk
    assert _post(client, headers, f"/admin/users/{target}/password:reset").status_code == 403
    assert _post(client, headers, f"/admin/users/{target}/deactivate").status_code == 403
    grant = RoleAssignment.objects.get(user_id=target)
    assert _post(client, headers, f"/admin/users/{target}/roles/{grant.pk}/revoke").status_code == 403
    assert get_user_model().objects.get(pk=target).check_password(PASSWORD)
    assert _post(client, api_token(district.hq), f"/admin/users/{target}/password:reset").status_code == 200


def test_a_unit_role_is_held_at_its_kind_of_unit_and_lab_staff_are_made_by_hq(district, client, api_token):
    school = Unit.objects.create(kind="school", name="园丁小学", code="SC-A", jurisdiction=district.a,
                                 jpath=district.a.path)  # fmt: skip
    lab = Unit.objects.create(kind="lab", name="街道实验室", code="LAB-A", jurisdiction=district.a,
                              jpath=district.a.path)  # fmt: skip
    target = make_user("someone", "grid_worker", jurisdiction=district.a1)
    url = f"/admin/users/{target.pk}/roles"
    r = _post(client, api_token(district.hq), url, {"role": "checkpoint_staff", "unit_id": school.pk})
    assert (r.status_code, r.json()["code"]) == (400, Code.UNKNOWN_CHOICE)
    assert _post(client, api_token(district.street1), url, {"role": "lab_staff", "unit_id": lab.pk}).status_code == 403
    assert _post(client, api_token(district.hq), url, {"role": "lab_staff", "unit_id": lab.pk}).status_code == 201


def test_an_administrator_whose_grant_ends_soon_does_not_keep_the_district(district, client, api_token):
    soon = make_user("soon", "hq_admin", jurisdiction=district.d)
    RoleAssignment.objects.filter(user=soon).update(valid_until=clock.localdate() + timedelta(days=1))
    r = _post(client, api_token(district.hq), f"/admin/users/{district.hq.pk}/deactivate")
    assert (r.status_code, r.json()["code"]) == (400, errors.Code.LAST_ADMIN)
