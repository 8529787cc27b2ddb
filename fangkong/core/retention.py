"""What core keeps of personal data past its use, and its purge (data protection's `sessions` class)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.sessions.models import Session
from django.db import transaction

from .models import SignedInDevice


def sessions_purge(*, before: datetime, dry_run: bool = False) -> dict[str, int]:
    """Sessions that ended before `before`, and the device rows they leave (data protection's `sessions` class).

    A session row holds whose it was and what the browser kept in it; a device row, the browser's User-Agent and
    when it signed in. Neither is of use once the session has ended (it cannot be signed out any more), and nothing
    else deletes them: Django leaves expired sessions in the table. Devices are found by their sessions (both
    statements go by an index: the sessions' expiry, the devices' session key); a device whose session row went
    some other way is swept when its account's devices page is read (core.devices)."""
    ended = Session.objects.filter(expire_date__lt=before)
    left = SignedInDevice.objects.filter(session_key__in=ended.values("session_key"))
    if dry_run:
        return {"devices_deleted": left.count(), "sessions_deleted": ended.count()}
    with transaction.atomic():
        devices = left._raw_delete(left.db)
        sessions = ended._raw_delete(ended.db)
    return {"devices_deleted": devices, "sessions_deleted": sessions}
