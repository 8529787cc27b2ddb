"""Deleting what is no longer needed, module by module (`fangkong purge-expired`, run daily from cron or a timer)."""

from __future__ import annotations

from datetime import timedelta

from fangkong.core import clock
from fangkong.core.models import IdempotencyRecord
from fangkong.screening.retention import passages_purge

IDEMPOTENCY_DAYS = 2  # a device retries within minutes; after two days a key has done its work


def purge_all() -> dict[str, int]:
    replies, _ = IdempotencyRecord.objects.filter(
        created_at__lt=clock.now() - timedelta(days=IDEMPOTENCY_DAYS)
    ).delete()
    return {"passages": passages_purge(), "idempotency_replies": replies}
