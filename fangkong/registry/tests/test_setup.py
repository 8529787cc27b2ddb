"""A fresh installation (issue 17, point 1): `fangkong setup` makes the district and its first administrator, who
must choose their own password before anything else — on the pages and through the API."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from fangkong.core.errors import Code, FieldError
from fangkong.core.models import AccountState, AuditEvent
from fangkong.registry.models import Jurisdiction, RoleAssignment
from fangkong.registry.setup import district_setup

PASSWORD = "Xlt-首任-2026-pass"


def _setup(**kw):
    args = {"code": "211103", "name": "兴隆台区", "admin_username": "xlt_admin", "admin_password": PASSWORD, **kw}
    return district_setup(**args)


def test_setup_makes_the_district_and_its_first_administrator(db):
    done = _setup()
    d = Jurisdiction.objects.get()
    assert (d.code, d.name, d.level, d.path, d.parent) == ("211103", "兴隆台区", "district", "211103/", None)
    assert RoleAssignment.objects.filter(user=done.admin, role="hq_admin", jurisdiction=d).exists()
    assert AccountState.objects.get(user=done.admin).must_change_password
    assert done.admin.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="district.setup", actor_name="system:setup").exists()


@pytest.mark.parametrize(
    ("kw", "field", "code"),
    [
        ({"code": "21110"}, "code", Code.INVALID),
        ({"code": "011103"}, "code", Code.INVALID),
        ({"name": "  "}, "name", Code.REQUIRED),
        ({"admin_username": "a b"}, "admin_username", Code.INVALID),
        ({"admin_password": "123"}, "admin_password", Code.INVALID),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(db, kw, field, code):
    with pytest.raises(FieldError) as exc:
        _setup(**kw)
    assert (exc.value.field, exc.value.code) == (field, code)
    assert not Jurisdiction.objects.exists() and not get_user_model().objects.exists()


def test_a_second_district_is_refused(db):
    _setup()
    with pytest.raises(FieldError) as exc:
        _setup(code="211102", admin_username="other")
    assert (exc.value.field, exc.value.code) == ("code", Code.DUPLICATE)
    assert Jurisdiction.objects.count() == 1 and get_user_model().objects.count() == 1


def test_the_command_prints_a_drawn_password_once_and_refuses_a_second_run(db):
    out = io.StringIO()
    call_command("setup", code="211103", name="兴隆台区", admin="xlt_admin", stdout=out)
    drawn = out.getvalue().split("first password (shown once): ")[1].strip()
    assert get_user_model().objects.get(username="xlt_admin").check_password(drawn)
    with pytest.raises(CommandError, match="code: "):
        call_command("setup", code="211103", name="兴隆台区", admin="another", stdout=io.StringIO())


def test_the_first_sign_in_leads_to_the_password_change_and_nowhere_else(db, settings):
    settings.FANGKONG = {**settings.FANGKONG, "REQUIRE_2FA": False}
    done = _setup()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    r = client.post("/login/", {"username": "xlt_admin", "password": PASSWORD})
    assert r.status_code == 302
    for path in ("/", "/hall/", "/people/"):
        r = client.get(path)
        assert r.status_code == 302 and r["Location"] == "/account/password/", path
    # The API mints no token until the password is the person's own.
    r = client.post(
        "/api/v1/auth/token", {"username": "xlt_admin", "password": PASSWORD}, content_type="application/json"
    )
    assert r.status_code == 403 and r.json()["code"] == "password_change_required"

    new = "Mine-兴隆-2026-secret"
    r = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert r.status_code == 302
    assert not AccountState.objects.get(user=done.admin).must_change_password
    assert client.get("/").status_code == 200
    assert client.get("/hall/").status_code == 200  # the district's hall, with nothing in it yet
    r = client.post("/api/v1/auth/token", {"username": "xlt_admin", "password": new}, content_type="application/json")
    assert r.status_code == 200 and r.json()["token"]


def test_accounts_without_the_requirement_are_not_stopped(district):
    client = district.client(district.worker_a)
    assert client.get("/").status_code == 200
