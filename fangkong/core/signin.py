"""Signing in, for staff (pages and API tokens): attempt limits with lockout, the second factor, the audit of
failures and refusals.

Limits count failures only (a colleague who types the password right is never slowed by an attacker's tries on
another account), in three ways at once, all shared by every server process (`core.throttle`):
- per account: an attacker guessing one account's password is locked out of it for the rest of the window;
- per address: one machine trying many accounts;
- overall: many machines trying many accounts (a botnet) — past it every sign-in waits for the window's end.
A success clears the account's failures. Refusals answer 429 with Retry-After and are audited like failures.

District HQ and administrators also need a second factor (TOTP, django-otp) when FANGKONG["REQUIRE_2FA"] is on
(the default in production): the password alone never opens their session or mints their API token.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import throttle
from .audit import audit_record
from .errors import Code, FieldError
from .middleware import client_address
from .ratelimit import RateLimited
from .roles import ROLES, Cap
from .scoping import roles_for

FAIL_ACCOUNT = throttle.Limit("signin-fail-account", 5, 15 * 60)
FAIL_ADDRESS = throttle.Limit("signin-fail-address", 30, 15 * 60)
FAIL_ALL = throttle.Limit("signin-fail-all", 500, 60)
REFUSAL_AUDITED = throttle.Limit("signin-refusal-audited", 1, 15 * 60)

# Roles whose holders must use a second factor (with superusers): district HQ can change the whole district, and
# whoever administers accounts can hand out powers (a street officer makes its grid workers and checkpoint staff).
SECOND_FACTOR_ROLES = frozenset(code for code, role in ROLES.items() if Cap.ACCOUNTS_ADMIN in role.caps)


def _limits(username: str, address: str) -> list[tuple[throttle.Limit, str]]:
    return [(FAIL_ACCOUNT, username.strip().lower()), (FAIL_ADDRESS, address), (FAIL_ALL, "all")]


def _audit(action: str, *, username: str, via: str, user=None, why: str = "") -> None:
    audit_record(
        actor=user,
        action=action,
        object_type="auth.user",
        object_id=getattr(user, "pk", "") or "",
        object_repr=username[:150],
        fields={"via": via, **({"why": why} if why else {})},
    )


def signin_guard(request, *, username: str, via: str) -> None:
    """Refuse (RateLimited) while the account, this address or the whole site is over its failure limit."""
    try:
        throttle.check(*_limits(username, client_address(request)))
    except RateLimited:
        # Once per account and address in a window: a flood of refused attempts must not grow the trail without
        # bound (the failures that caused the lock are each recorded already).
        if throttle.count(REFUSAL_AUDITED, f"{username.strip().lower()}|{client_address(request)}") == 1:
            _audit("auth.refused", username=username, via=via, why="locked")
        raise


def signin_failed(request, *, username: str, via: str, why: str = "password") -> None:
    for limit, subject in _limits(username, client_address(request)):
        throttle.count(limit, subject)
    _audit("auth.failed", username=username, via=via, why=why)


def signin_succeeded(*, username: str) -> None:
    throttle.clear(FAIL_ACCOUNT, username.strip().lower())


def needs_second_factor(user) -> bool:
    if not settings.FANGKONG["REQUIRE_2FA"]:
        return False
    return bool(user.is_superuser or any(a.role in SECOND_FACTOR_ROLES for a in roles_for(user)))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def check_second_factor(request, *, user, token: str, via: str):
    """The user's confirmed TOTP device if `token` is its current code; a failure counts like a wrong password
    (six digits are guessable without a limit)."""
    device = match_token(user, "".join((token or "").split())) if token else None
    if device is None:
        signin_failed(request, username=user.get_username(), via=via, why="second_factor")
        raise FieldError("otp", _("Wrong or expired code from the authenticator app."), code=Code.OTP_INVALID)
    return device


def api_signin(request, *, username: str, password: str, otp: str = ""):
    """The user for an API token request, or a FieldError/RateLimited. The second factor, where needed, is sent
    with the password (`otp`): a token is a session of its own."""
    signin_guard(request, username=username, via="api")
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        signin_failed(request, username=username, via="api")
        raise FieldError("password", _("Wrong username or password."), code=Code.INVALID_CREDENTIALS)
    if needs_second_factor(user):
        if confirmed_device(user) is None:
            raise FieldError(
                "otp",
                _("Set up the authenticator app on the web first (sign in on a page); then send its code as otp."),
                code=Code.OTP_SETUP_REQUIRED,
            )
        if not otp:
            raise FieldError("otp", _("Send the code from your authenticator app as otp."), code=Code.OTP_REQUIRED)
        check_second_factor(request, user=user, token=otp, via="api")
    signin_succeeded(username=username)
    return user


# Pages a signed-in user who still owes the second factor may open: the factor's own pages, signing out, the
# language switch, static files, and the field pages' "who is signed in here?" (it says the caller's name only).
_OPEN_WHILE_PENDING = ("/account/second-factor/", "/logout/", "/i18n/", "/static/", "/api/", "/account/signed-in/")


class SecondFactorMiddleware:
    """A session whose user needs a second factor and has not given it this session reaches nothing but the
    second-factor pages (set-up the first time, the code after that). The API has its own check (tokens are
    minted only with the code)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_WHILE_PENDING)
            and needs_second_factor(user)
            and not user.is_verified()
        ):
            from django.shortcuts import redirect

            return redirect("second_factor")
        return self.get_response(request)
