"""Passages are whereabouts: kept for the district's retention period, then deleted."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from fangkong.core import clock
from fangkong.core.audit import audit_record

from .models import FollowUp, Passage, ScreeningSettings


@transaction.atomic
def passages_purge() -> int:
    """Delete passages older than the retention period. A passage that opened a case still running stays until
    the case is released; cases and violations keep their own dates and places without it."""
    days = ScreeningSettings.current().passage_retention_days
    cutoff = clock.now() - timedelta(days=days)
    running = FollowUp.objects.filter(released_at__isnull=True, passage__isnull=False).values("passage_id")
    _, per_model = Passage.objects.filter(at__lt=cutoff).exclude(pk__in=running).delete()
    count = per_model.get(Passage._meta.label, 0)
    if count:
        audit_record(
            actor=None,
            action="passages.purge",
            object_type="screening.passage",
            fields={"deleted": count, "older_than": cutoff.isoformat(), "retention_days": days},
        )
    return count
