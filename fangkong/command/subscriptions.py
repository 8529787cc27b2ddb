"""What command hears from the other modules: facts that somebody has to act on become inbox lines."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy

from fangkong.containment.events import SENTINEL_ALERT, SentinelAlerted
from fangkong.core import events


def _sentinel_alert(payload: SentinelAlerted) -> None:
    """A clinic saw someone of a community who came from a risk area or was recently positive: tell the
    community's workers (after commit: the report stands whether or not the messages go out)."""
    from fangkong.containment.models import SentinelAlert
    from fangkong.core.inbox import notify, words
    from fangkong.core.roles import Cap
    from fangkong.registry.selectors import users_with_cap

    alert = SentinelAlert.objects.select_related("person").filter(pk=payload["alert_id"]).first()
    if alert is None or alert.person.community_id is None:
        return
    community = alert.person.community_id
    workers = users_with_cap(Cap.TASK_WORK, jurisdiction_ids=[community]).get(("j", community), [])
    with transaction.atomic():
        notify(
            workers,
            title=words(gettext_lazy("Sentinel alert: %(r)s"), r=alert.reason[:150]),
            link="/containment/alerts/",
        )


def connect() -> None:
    events.subscribe(SENTINEL_ALERT, _sentinel_alert)
