"""What the field pages' outbox panel (core/_outbox.html) needs from the server."""

from __future__ import annotations

from django import template

from fangkong.core.outbox import kept_limit

register = template.Library()


@register.simple_tag
def outbox_max_age() -> int:
    """Seconds a scan may wait on the phone before the outbox drops it as too old to send (core.outbox)."""
    return int(kept_limit().total_seconds())
