"""How long work safety keeps who reported a hazard (the district sets the period: fangkong.dataprotection).

A named reporter's name and phone (encrypted, shown only to designated staff) are erased once the report was
closed longer ago than the period: rejected (when, the audit trail says), or verified with its hazard closed.
The report itself — where, what, the hazard it became, the reward — stays; it reads as named, identity erased.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import CharField, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce

from fangkong.core.models import AuditEvent
from fangkong.core.purging import in_ranges

from .models import PublicReport


def reporter_identities_purge(*, before: datetime, dry_run: bool = False) -> int:
    """Erase the reporter of each public hazard report closed before `before`."""
    rejected_at = Subquery(
        AuditEvent.objects.filter(
            action="safety.tip_reject",
            object_type=PublicReport._meta.label_lower,
            object_id=Cast(OuterRef("pk"), CharField()),
        )
        .order_by("at")
        .values("at")[:1]
    )
    State = PublicReport.State
    closed = (
        PublicReport.objects.filter(Q(name_cipher__isnull=False) | Q(phone_cipher__isnull=False))
        .annotate(rejected_at=Coalesce(rejected_at, "reported_at"))
        .filter(
            Q(state=State.REJECTED, rejected_at__lt=before)
            | Q(state=State.VERIFIED, hazard__closed_at__lt=before)
            # A verified report whose hazard is gone (never by the platform): closed, from when it came in.
            | Q(state=State.VERIFIED, hazard__isnull=True, reported_at__lt=before)
        )
    )
    return in_ranges(closed, _erase, dry_run=dry_run)


def _erase(rows) -> int:
    return PublicReport.objects.filter(pk__in=rows.values("pk")).update(name_cipher=None, phone_cipher=None)
