"""System checks of containment's settings (`fangkong check`, `fangkong check --deploy`)."""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def status_list_key(app_configs, **kwargs):
    """The scanners' status list is signed with FANGKONG_STATUS_LIST_KEY: a malformed one is found at start, not by
    the first scanner's request; production should set its own (derived from the secret key otherwise, so that
    rotating the one rotates the other, and every scanner's kept list becomes void)."""
    seed = settings.STATUS_LIST_KEY
    if seed:
        try:
            ok = len(base64.b64decode(seed, validate=True)) == 32
        except (binascii.Error, ValueError):
            ok = False
        if not ok:
            return [
                Error(
                    "FANGKONG_STATUS_LIST_KEY is not base64 of 32 bytes.",
                    hint="Make one with: python3 -c "
                    '"import base64,os;print(base64.b64encode(os.urandom(32)).decode())"',
                    id="fangkong.E002",
                )
            ]
        return []
    if settings.PRODUCTION:
        return [
            Warning(
                "FANGKONG_STATUS_LIST_KEY is not set: the scanners' status list is signed with a key derived from the "
                "secret key.",
                hint="Set a key of its own (base64 of 32 random bytes) so that the secret key can be rotated without "
                "voiding every scanner's list; give scanners its public key (GET /api/v1/status-list/key) when they "
                "are set up.",
                id="fangkong.W001",
            )
        ]
    return []
