"""Staff sign-in: attempt limits per account, per address and overall (shared by all processes: counted in the
database), audited failures and refusals, the second factor for district HQ, tokens revoked and purged,
password changes held to the validators."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.conftest import PASSWORD, make_user
from fangkong.core import clock, signin, throttle
from fangkong.core.models import ApiToken, AuditEvent

JSON = "application/json"


def _token(client, username, password=PASSWORD, **extra):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password, **extra}, content_type=JSON, **{}
    )


def test_an_account_is_locked_after_five_failures_even_for_the_right_password(district, client):
    for _ in range(5):
        r = _token(client, "hq", "wrong-password")
        assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"
    locked = _token(client, "hq")
    assert locked.status_code == 429 and locked.json()["code"] == "rate_limited"
    assert 0 < int(locked["Retry-After"]) <= 15 * 60
    assert AuditEvent.objects.filter(action="auth.failed", object_repr="hq").count() == 5
    assert AuditEvent.objects.filter(action="auth.refused", object_repr="hq").count() == 1
    # Another account from elsewhere is not affected; the locked one opens again when the window ends.
    assert _token(Client(REMOTE_ADDR="10.0.0.9"), "street1").status_code == 200
    with clock.advanced(timedelta(minutes=16)):
        assert _token(client, "hq").status_code == 200


def test_a_success_forgives_the_accounts_failures(district, client):
    for _ in range(4):
        _token(client, "hq", "wrong-password")
    assert _token(client, "hq").status_code == 200
    for _ in range(4):
        _token(client, "hq", "wrong-password")
    assert _token(client, "hq").status_code == 200  # 8 failures in the window, never 5 in a row


def test_one_address_trying_many_accounts_is_stopped(district):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(signin.FAIL_ADDRESS.limit):
        assert _token(attacker, f"guess{i}", "password123").status_code == 401
    assert _token(attacker, "hq").status_code == 429
    assert _token(Client(REMOTE_ADDR="198.51.100.2"), "hq").status_code == 200


def test_the_overall_limit_stops_a_spread_out_attack(district, monkeypatch):
    monkeypatch.setattr(signin, "FAIL_ALL", throttle.Limit("signin-fail-all", 3, 60))
    for i in range(3):
        _token(Client(REMOTE_ADDR=f"192.0.2.{i}"), f"guess{i}", "password123")
    assert _token(Client(REMOTE_ADDR="192.0.2.99"), "hq").status_code == 429


def test_the_login_page_locks_and_says_so(district):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(5):
        r = browser.post("/login/", {"username": "worker_a", "password": "nope"})
        assert r.status_code == 200 and b"Wrong username or password" in r.content
    r = browser.post("/login/", {"username": "worker_a", "password": PASSWORD})
    assert r.status_code == 429 and r["Retry-After"]
    assert b"Too many failed attempts" in r.content
    assert "_auth_user_id" not in browser.session
    assert AuditEvent.objects.filter(action="auth.failed", fields__via="page").count() == 5


def test_counts_are_shared_rows_not_process_memory(district, client):
    _token(client, "hq", "wrong-password")
    assert throttle.used(signin.FAIL_ACCOUNT, "hq") == 1  # read back from the database table
    with clock.advanced(timedelta(days=2)):
        assert throttle.purge() >= 1


# ---------------------------------------------------------------- second factor


@pytest.fixture
def two_factor(settings):
    settings.FANGKONG = {**settings.FANGKONG, "REQUIRE_2FA": True}


def _code(device: TOTPDevice, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():06d}"


def test_hq_sets_up_the_second_factor_before_anything_else(district, two_factor):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    r = browser.post("/login/", {"username": "hq", "password": PASSWORD})
    assert r.status_code == 302
    page = browser.get("/people/")
    assert page.status_code == 302 and page["Location"].startswith("/account/second-factor/")
    setup = browser.get("/account/second-factor/")
    assert setup.status_code == 200 and b"data:image/svg+xml;base64," in setup.content
    device = TOTPDevice.objects.get(user=district.hq, confirmed=False)
    assert browser.post("/account/second-factor/", {"code": "000000"}).status_code == 400
    done = browser.post("/account/second-factor/", {"code": _code(device)})
    assert done.status_code == 302
    assert browser.get("/people/").status_code == 200
    assert TOTPDevice.objects.get(user=district.hq).confirmed
    assert AuditEvent.objects.filter(action="auth.second_factor_set_up", actor_id=district.hq.pk).exists()
    # Whoever administers accounts needs it too: a street officer makes grid workers and checkpoint staff.
    officer = Client()
    officer.post("/login/", {"username": "street1", "password": PASSWORD})
    assert officer.get("/people/")["Location"].startswith("/account/second-factor/")
    # A worker's role does not need it.
    worker = Client()
    worker.post("/login/", {"username": "worker_a", "password": PASSWORD})
    assert worker.get("/people/").status_code == 200


def test_the_code_is_asked_at_every_sign_in_and_wrong_codes_count(district, two_factor):
    device = TOTPDevice.objects.create(user=district.hq, name="phone", confirmed=True)
    browser = Client()
    browser.post("/login/", {"username": "hq", "password": PASSWORD})
    assert browser.get("/people/").status_code == 302
    for _ in range(5):
        assert browser.post("/account/second-factor/", {"code": "123456"}).status_code in (400, 429)
    assert browser.post("/account/second-factor/", {"code": _code(device)}).status_code == 429
    assert AuditEvent.objects.filter(action="auth.failed", fields__why="second_factor").count() >= 5


def test_api_tokens_for_hq_need_the_code(district, client, two_factor):
    assert _token(client, "hq").json()["code"] == "otp_setup_required"
    device = TOTPDevice.objects.create(user=district.hq, name="phone", confirmed=True)
    assert _token(client, "hq").json()["code"] == "otp_required"
    assert _token(client, "hq", otp="000000").json()["code"] in ("otp_invalid",)
    assert _token(client, "hq", otp=_code(device)).status_code == 200
    assert _token(client, "worker_a").status_code == 200  # no second factor for a community worker


# ---------------------------------------------------------------- tokens


def test_logout_revokes_the_token_at_once(district, client, api_token):
    headers = api_token(district.worker_a)
    other = api_token(district.worker_a)
    assert client.get("/api/v1/people", **headers).status_code == 200
    r = client.post("/api/v1/auth/logout", **headers)
    assert r.status_code == 200 and r.json() == {"revoked": 1}
    assert client.get("/api/v1/people", **headers).status_code == 401
    assert client.get("/api/v1/people", **other).status_code == 200  # only the token that logged out
    assert client.post("/api/v1/auth/tokens:revoke", **other).json() == {"revoked": 1}
    assert client.get("/api/v1/people", **other).status_code == 401


def test_an_administrator_revokes_a_users_tokens(district, client, api_token):
    victim = api_token(district.worker_a)
    assert client.post("/api/v1/users/worker_a/tokens:revoke", **api_token(district.worker_b)).status_code == 403
    r = client.post("/api/v1/users/worker_a/tokens:revoke", **api_token(district.hq))
    assert r.status_code == 200 and r.json()["revoked"] == 1
    assert client.get("/api/v1/people", **victim).status_code == 401
    assert client.post("/api/v1/users/nobody/tokens:revoke", **api_token(district.hq)).status_code == 404
    assert AuditEvent.objects.filter(action="auth.tokens_revoke", object_repr="worker_a").count() == 1


def test_expired_tokens_are_purged(district, api_token):
    from fangkong.core.auth import tokens_purge

    api_token(district.worker_a)
    assert tokens_purge() == 0
    with clock.advanced(timedelta(days=8)):
        assert tokens_purge() == 1
    assert not ApiToken.objects.exists()


# ---------------------------------------------------------------- passwords


def test_a_password_change_is_held_to_the_validators(district):
    user = make_user("harbourmaster", "community_worker", jurisdiction=district.a)
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(user)
    weak = browser.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 200 and b"too short" in weak.content
    similar = browser.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "harbourmaster1", "new_password2": "harbourmaster1"},
    )
    assert b"too similar" in similar.content
    ok = browser.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "Harbour lights 2026", "new_password2": "Harbour lights 2026"},
    )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Harbour lights 2026")
    assert AuditEvent.objects.filter(action="auth.password_change", actor_id=user.pk).exists()


def test_public_forms_are_limited_per_address_in_the_shared_table(district):
    from fangkong.core.models import RateCount

    reporter = Client(REMOTE_ADDR="203.0.113.20")
    body = {"place": "园丁小区南门加油站", "description": "加油站旁堆放易燃物"}
    for _ in range(throttle.PUBLIC_FORM.limit):
        assert reporter.post("/api/v1/public/hazard-reports", body, content_type=JSON).status_code == 201
    limited = reporter.post("/api/v1/public/hazard-reports", body, content_type=JSON)
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert RateCount.objects.get(subject="public-form:tip:203.0.113.20").count == throttle.PUBLIC_FORM.limit + 1
    page = Client(REMOTE_ADDR="203.0.113.20", HTTP_ACCEPT_LANGUAGE="en").post("/me/report-hazard/", body)
    assert page.status_code == 400 and b"Too many reports from here" in page.content  # the page shares the count


def test_a_lost_phone_is_reset_by_an_administrator(district, two_factor):
    from django.core.management import call_command

    TOTPDevice.objects.create(user=district.hq, name="phone", confirmed=True)
    call_command("reset_second_factor", "hq", "--reason", "手机丢失，本人申请")
    assert not TOTPDevice.objects.filter(user=district.hq).exists()
    assert AuditEvent.objects.filter(action="auth.second_factor_reset", reason="手机丢失，本人申请").exists()
    browser = Client()
    browser.post("/login/", {"username": "hq", "password": PASSWORD})
    assert b"data:image/svg+xml" in browser.get("/account/second-factor/").content  # set up anew


def test_the_daily_purge_clears_old_tokens_counters_and_codes(district, client, api_token):
    from fangkong.residents.models import OneTimeCode
    from fangkong.site.retention import housekeeping

    api_token(district.worker_a)
    _token(client, "hq", "wrong-password")
    Client(REMOTE_ADDR="192.0.2.50").post("/me/login/", {"phone": "13000000000"})
    assert housekeeping() == {
        "api_tokens": 0,
        "rate_counts": 0,
        "login_codes": 0,
        "hall_alerts": 0,
        "article_images": 0,
    }
    with clock.advanced(timedelta(days=8)):
        done = housekeeping()
    assert done["api_tokens"] == 1 and done["rate_counts"] >= 3 and done["login_codes"] == 1
    assert not ApiToken.objects.exists() and not OneTimeCode.objects.exists()


def test_signing_in_again_does_not_forgive_wrong_codes(district, two_factor):
    """A right password alone must not clear the wrong codes before it (4 guesses, sign in again, 4 more …)."""
    TOTPDevice.objects.create(user=district.hq, name="phone", confirmed=True)
    statuses = []
    for _ in range(3):
        browser = Client()
        browser.post("/login/", {"username": "hq", "password": PASSWORD})
        for _ in range(2):
            statuses.append(browser.post("/account/second-factor/", {"code": "000000"}).status_code)
    assert statuses[-1] == 429  # six wrong codes: the account is locked, however often the password was right


def test_after_the_second_factor_the_next_page_stays_on_this_site(district, two_factor):
    device = TOTPDevice.objects.create(user=district.hq, name="phone", confirmed=True)
    browser = Client()
    browser.post("/login/", {"username": "hq", "password": PASSWORD})
    r = browser.post("/account/second-factor/?next=https://evil.example/x", {"code": _code(device)})
    assert r.status_code == 302 and r["Location"] == "/"


def test_changing_ones_password_ends_ones_api_tokens(district, client, api_token):
    headers = api_token(district.worker_a)
    browser = Client()
    browser.force_login(district.worker_a)
    new = "Harbour lights 2026"
    r = browser.post("/account/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert r.status_code == 302
    assert client.get("/api/v1/people", **headers).status_code == 401


def test_a_flood_of_refused_attempts_is_audited_once_per_window(district, client):
    for _ in range(5):
        _token(client, "hq", "wrong-password")
    for _ in range(20):
        assert _token(client, "hq").status_code == 429
    assert AuditEvent.objects.filter(action="auth.refused").count() == 1
