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
    else deletes them: Django leaves expired sessions in the table. A device whose session row is gone already
    (deleted by a sign-out elsewhere) goes once it signed in before `before` too."""
    ended = Session.objects.filter(expire_date__lt=before)
    still = Session.objects.filter(expire_date__gte=before).values("session_key")
    left = SignedInDevice.objects.filter(signed_in_at__lt=before).exclude(session_key__in=still)
    if dry_run:
        return {"devices_deleted": left.count(), "sessions_deleted": ended.count()}
    with transaction.atomic():
        devices = left._raw_delete(left.db)
        sessions = ended._raw_delete(ended.db)
    return {"devices_deleted": devices, "sessions_deleted": sessions}
