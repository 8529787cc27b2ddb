"""A password someone else chose is changed at first sign-in: the first administrator's (from `fangkong setup`)
and, later, an account an administrator creates or resets.

The flag is read once, when the user signs in, into the session: every page after that checks the session (no
query per request), and reaches nothing but the password change until it is done. The API mints no token for such
an account (`password_change_required`): the change is made on the page, by the person.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import clock
from .models import AccountState

SESSION_KEY = "fangkong_must_change_password"
# What a session that must change its password may still reach: the change itself, signing out, the language,
# the second factor (which comes first where it is required), static files. The API answers on its own.
_OPEN = (
    "/account/password/",
    "/account/second-factor/",
    "/logout/",
    "/i18n/",
    "/static/",
    "/api/",
    "/account/signed-in/",  # the field pages ask it every minute: not sent to the password page each time
)


def password_change_require(user) -> None:
    """`user` must change the password before anything else (the caller audits why)."""
    AccountState.objects.update_or_create(user=user, defaults={"must_change_password": True})


def must_change_password(user) -> bool:
    return AccountState.objects.filter(user=user, must_change_password=True).exists()


def password_changed(request, user) -> None:
    """The person changed their password: the requirement is met, for this session too."""
    AccountState.objects.filter(user=user, must_change_password=True).update(
        must_change_password=False, changed_at=clock.now()
    )
    request.session.pop(SESSION_KEY, None)


def _on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session") and must_change_password(user):
        request.session[SESSION_KEY] = True


def connect() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="fangkong.passwords.on_login")


class PasswordChangeMiddleware:
    """A session that must change its password reaches only the password change (after the second factor)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) and not request.path.startswith(_OPEN):
            from django.contrib import messages

            messages.info(
                request, _("Choose your own password before you start: the one you were given is known to others.")
            )
            return redirect("password_change")
        return self.get_response(request)
