"""System checks for a deployment (`fangkong check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Production needs a cache every server process shares: the scanners' rate limits count there, and a revoked
    API token is refused at once by every process only through it."""
    if settings.PRODUCTION and "locmem" in settings.CACHES["default"]["BACKEND"]:
        return [
            Error(
                "No shared cache: set FANGKONG_CACHE_URL (e.g. redis://127.0.0.1:6379/1).",
                hint="Without it each server process counts rate limits on its own and honours a revoked token "
                "only after up to 5 seconds.",
                id="fangkong.E001",
            )
        ]
    return []
