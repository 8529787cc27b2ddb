"""Residents sign in with their phone number and a one-time code; no password, no account."""

from __future__ import annotations

from django.db import models

from fangkong.core import clock


class OneTimeCode(models.Model):
    """A six-digit sign-in code sent by text message: only its keyed hash is kept; five tries, five minutes."""

    phone_hash = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "portal_onetimecode"  # born in the portal (moved here without copying a row)
        indexes = [models.Index(fields=["phone_hash", "created_at"], name="otc_phone_created")]
