"""Where an account is signed in, and signing a device out from elsewhere (core.devices): by its holder, one
device or all others; by an administrator within reach, everywhere. A device signed out finds itself signed out at
its next request (a field phone's outbox then stops sending: tests/e2e/test_offline_sampling.py)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

from fangkong.conftest import PASSWORD, make_user
from fangkong.core import clock
from fangkong.core.models import ApiToken, AuditEvent, SignedInDevice


def _phone(user, agent: str = "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"):
    c = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_USER_AGENT=agent)
    signed_in = c.post("/login/", {"username": user.get_username(), "password": PASSWORD})  # as a browser does
    assert signed_in.status_code == 302, signed_in.content[:300]
    return c


def _signed_in(c: Client) -> bool:
    return c.get("/inbox/").status_code == 200  # a signed-out browser is sent to sign in (302)


def test_the_holder_sees_their_devices_and_signs_one_out(district):
    phone = _phone(district.worker_a)
    desk = _phone(district.worker_a, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36")
    page = desk.get("/account/devices/")
    devices = page.context["devices"]
    assert [(d.agent, d.current) for d in devices] == [("Chrome · Windows", True), ("Chrome · Android", False)]
    lost = next(d for d in devices if not d.current)
    assert desk.post("/account/devices/", {"device": lost.id}).status_code == 302
    assert not _signed_in(phone) and _signed_in(desk)
    assert [d.current for d in desk.get("/account/devices/").context["devices"]] == [True]
    assert AuditEvent.objects.filter(action="device.sign_out", actor_id=district.worker_a.pk).exists()


def test_all_other_devices_are_signed_out_but_this_one(district):
    others = [_phone(district.worker_a) for _ in range(2)]
    here = _phone(district.worker_a)
    here.post("/account/devices/", {"all": "1"})
    assert _signed_in(here) and not any(_signed_in(c) for c in others)
    assert SignedInDevice.objects.filter(user=district.worker_a).count() == 1


def test_another_accounts_device_is_not_found(district):
    _phone(district.worker_b)
    theirs = SignedInDevice.objects.get(user=district.worker_b)
    assert _phone(district.worker_a).post("/account/devices/", {"device": theirs.pk}).status_code == 404
    assert _phone(district.worker_a).post("/account/devices/", {"device": "99999999999999999999"}).status_code == 404
    assert SignedInDevice.objects.filter(pk=theirs.pk).exists()


def test_signing_out_here_forgets_the_device(district):
    phone = _phone(district.worker_a)
    phone.post("/logout/")
    assert not SignedInDevice.objects.filter(user=district.worker_a).exists()


def test_an_administrator_signs_an_account_out_everywhere(district):
    grid = make_user("grid_lost", "grid_worker", jurisdiction=district.a1)
    phone = _phone(grid)
    ApiToken.objects.create(user=grid, digest="d" * 64, expires_at=clock.now() + timedelta(days=1))
    admin = _phone(district.street1)
    detail = admin.get(f"/admin/staff/{grid.pk}/")
    assert [d.agent for d in detail.context["devices"]] == ["Chrome · Android"]
    assert admin.post(f"/admin/staff/{grid.pk}/action", {"action": "sign_out"}).status_code == 302
    assert not _signed_in(phone)
    assert not ApiToken.objects.filter(user=grid).exists()
    assert AuditEvent.objects.filter(action="device.sign_out_all", actor_id=district.street1.pk).exists()
    # A community worker is no administrator: refused, the device stays signed in.
    again = _phone(grid)
    refused = _phone(district.worker_a).post(f"/admin/staff/{grid.pk}/action", {"action": "sign_out"})
    assert refused.status_code == 404 and _signed_in(again)  # not theirs to see


def test_a_password_change_keeps_the_device_on_the_list(district):
    """Changing the password gives the session a new key (the first sign-in of a new field phone must): the device
    stays listed, and can still be signed out from elsewhere."""
    phone = _phone(district.worker_a)
    changed = phone.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "a-new-long-Passw0rd", "new_password2": "a-new-long-Passw0rd"},
    )
    assert changed.status_code == 302
    listed = phone.get("/account/devices/").context["devices"]
    assert [d.current for d in listed] == [True]
    desk = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert desk.post("/login/", {"username": "worker_a", "password": "a-new-long-Passw0rd"}).status_code == 302
    desk.post("/account/devices/", {"all": "1"})
    assert not _signed_in(phone)


def test_a_browser_asks_whether_it_is_still_signed_in(district):
    phone = _phone(district.worker_a)
    asked = phone.get("/account/signed-in/")
    assert asked.status_code == 200 and asked.json() == {"user": district.worker_a.get_username()}
    assert "no-store" in asked["Cache-Control"]
    from django.contrib.sessions.models import Session

    row = Session.objects.filter(session_key=phone.session.session_key)
    expires = row.get().expire_date
    phone.get("/account/signed-in/")
    assert row.get().expire_date == expires  # asking every minute does not keep a session alive
    SignedInDevice.objects.get(user=district.worker_a)
    other = _phone(district.worker_a)
    other.post("/account/devices/", {"all": "1"})  # the phone signed out from the desk
    gone = phone.get("/account/signed-in/")
    assert gone.status_code == 401 and gone.json() == {"user": None}
    assert Client().post("/account/signed-in/").status_code == 405


def test_ended_sessions_and_their_devices_are_purged(district):
    from django.contrib.sessions.models import Session

    from fangkong.core.retention import sessions_purge

    _phone(district.worker_a)
    _phone(district.worker_b)
    old, alive = SignedInDevice.objects.get(user=district.worker_a), SignedInDevice.objects.get(user=district.worker_b)
    Session.objects.filter(session_key=old.session_key).update(expire_date=clock.now() - timedelta(days=3))
    SignedInDevice.objects.filter(pk=old.pk).update(signed_in_at=clock.now() - timedelta(days=4))
    before = clock.now() - timedelta(days=1)
    assert sessions_purge(before=before, dry_run=True) == {"devices_deleted": 1, "sessions_deleted": 1}
    assert SignedInDevice.objects.count() == 2
    assert sessions_purge(before=before) == {"devices_deleted": 1, "sessions_deleted": 1}
    assert list(SignedInDevice.objects.values_list("pk", flat=True)) == [alive.pk]
    assert not Session.objects.filter(session_key=old.session_key).exists()
    assert Session.objects.filter(session_key=alive.session_key).exists()


def test_a_session_that_must_change_its_password_is_still_told_who_it_is(district):
    """The field pages ask every minute: a session held at the password change (or the second factor) is answered,
    not sent to that page (and not given its notice again each time)."""
    from fangkong.core.models import AccountState

    AccountState.objects.create(user=district.worker_a, must_change_password=True)
    phone = _phone(district.worker_a)
    assert phone.get("/inbox/").status_code == 302  # held at the password change
    asked = phone.get("/account/signed-in/")
    assert asked.status_code == 200 and asked.json() == {"user": district.worker_a.get_username()}
