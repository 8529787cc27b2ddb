"""Where an account is signed in, and signing a device out from elsewhere (issue 22: a field phone lost, or
handed on with scans still in its outbox).

Each sign-in in a browser is a `SignedInDevice` (its session); signing out deletes it. Signing a device out from
elsewhere deletes its session: its next request finds itself signed out — a page is sent to sign in, and the
field pages' outbox stops sending (outbox.js: the scans it holds wait for that account to sign in again on that
phone). The holder signs out their own devices (`/account/devices/`); an administrator signs out every device of
an account they manage (registry.staff), with its API tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils.module_loading import import_string

from . import clock
from .audit import audit_record
from .models import SignedInDevice
from .scoping import NotFound


@dataclass(frozen=True)
class Device:
    id: int
    agent: str  # "Chrome · Android", from the User-Agent
    signed_in_at: datetime
    current: bool  # the browser asking


def describe_agent(agent: str) -> str:
    """A User-Agent as a person recognises their device: the browser and the system."""
    text = agent or ""
    browser = next(
        (
            name
            for key, name in (
                ("Edg/", "Edge"),
                ("MicroMessenger", "WeChat"),
                ("Firefox/", "Firefox"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
            )
            if key in text
        ),
        "",
    )
    system = next(
        (
            name
            for key, name in (
                ("Android", "Android"),
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Windows", "Windows"),
                ("Mac OS X", "macOS"),
                ("Linux", "Linux"),
            )
            if key in text
        ),
        "",
    )
    return " · ".join(p for p in (browser, system) if p) or text[:60]


def _store():
    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")


DEVICE_KEY = "fangkong_device"  # the session's own row, found again when the session's key changes


def _on_login(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is None or not session.session_key:
        return
    row, _made = SignedInDevice.objects.update_or_create(
        session_key=session.session_key,
        defaults={"user": user, "agent": request.headers.get("User-Agent", "")[:200], "signed_in_at": clock.now()},
    )
    session[DEVICE_KEY] = row.pk


def device_rekey(request) -> None:
    """The session got a new key (a password change cycles it): its device row follows, else the device would
    drop off the list while still signed in — and could no longer be signed out from elsewhere."""
    session = getattr(request, "session", None)
    if session is None or not session.get(DEVICE_KEY):
        return
    if not session.session_key:
        session.save()
    SignedInDevice.objects.filter(pk=session[DEVICE_KEY], user=request.user).update(session_key=session.session_key)


def _on_logout(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        SignedInDevice.objects.filter(session_key=session.session_key).delete()


def connect() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="fangkong.devices.on_login")
    user_logged_out.connect(_on_logout, dispatch_uid="fangkong.devices.on_logout")


def devices_of(*, user, current_key: str | None = None) -> list[Device]:
    """The account's devices still signed in (their sessions alive), newest first; those whose session has ended
    are swept on the way."""
    rows = list(SignedInDevice.objects.filter(user=user))
    alive = set(
        Session.objects.filter(session_key__in=[r.session_key for r in rows], expire_date__gt=clock.now()).values_list(
            "session_key", flat=True
        )
    )
    ended = [r.pk for r in rows if r.session_key not in alive]
    if ended:
        SignedInDevice.objects.filter(pk__in=ended).delete()
    return [
        Device(r.pk, describe_agent(r.agent), r.signed_in_at, r.session_key == current_key)
        for r in rows
        if r.session_key in alive
    ]


def _end(rows: list[SignedInDevice]) -> int:
    store = _store()
    for row in rows:
        store(session_key=row.session_key).delete()  # the session itself (its cache too, with cached_db)
    SignedInDevice.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)


@transaction.atomic
def device_sign_out(*, actor, device_id: int) -> None:
    """The holder signs one of their devices out (not another's: 404)."""
    row = SignedInDevice.objects.filter(pk=device_id, user=actor).first()
    if row is None:
        raise NotFound
    _end([row])
    audit_record(actor=actor, action="device.sign_out", obj=actor, fields={"device": describe_agent(row.agent)})


@transaction.atomic
def devices_sign_out(*, actor, user, keep_key: str | None = None) -> int:
    """Every device of `user` signed out but the one `keep_key` names (the holder's "all others"); how many. The
    caller has checked that `actor` may (the holder, or their administrator: registry.staff)."""
    rows = list(SignedInDevice.objects.filter(user=user).exclude(session_key=keep_key or ""))
    ended = _end(rows)
    audit_record(actor=actor, action="device.sign_out_all", obj=user, fields={"devices": ended})
    return ended
