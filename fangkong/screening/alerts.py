"""Screening's standing alert on the start page (registered with core.dashboard in apps.py), and the hall's alert
for contact deadlines that passed (a sweep registered with core.alerts)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.urls import reverse
from django.utils.translation import ngettext

from fangkong.core.alerts import raise_alerts
from fangkong.core.dashboard import Alert
from fangkong.core.models import HallAlert
from fangkong.core.roles import Cap
from fangkong.core.scoping import has_cap
from fangkong.registry.models import Jurisdiction

from .events import CONTACT_MISSED_ALERT
from .models import FollowUp
from .selectors import followups_missed


def missed_followups(user) -> Alert | None:
    """The street's and HQ's: arrivals from risk areas nobody contacted in time, in the user's jurisdiction."""
    if not has_cap(user, Cap.RECONCILE_VIEW):
        return None
    n = followups_missed(user=user).count()
    if not n:
        return None
    text = ngettext(
        "%(n)s arrival from a risk area was not contacted in time.",
        "%(n)s arrivals from risk areas were not contacted in time.",
        n,
    ) % {"n": n}
    return Alert(text=text, link=reverse("screening:reconciliation"), count=n)


def sweep_missed(now: datetime) -> int:
    """The contact deadlines that passed since the last sweep: one alert per community (twenty arrivals missed at
    once are one thing to act on, not twenty lines on the wall), each case announced once. Answers the alerts."""
    rows = list(
        FollowUp.objects.select_for_update(skip_locked=True)
        .filter(
            released_at__isnull=True, contacted_at__isnull=True, missed_alerted_at__isnull=True, contact_due_at__lt=now
        )
        .values_list("pk", "community_id")
    )
    if not rows:
        return 0
    by_community = Counter(c for _, c in rows)
    communities = Jurisdiction.objects.in_bulk(list(by_community))
    link = reverse("screening:followups") + "?state=" + FollowUp.State.MISSED
    raise_alerts(
        [
            HallAlert(
                kind=CONTACT_MISSED_ALERT,
                at=now,
                subject=f"{communities[pk].name}（{n}）",
                jpath=communities[pk].path,
                link=link,
                ref=f"screening.missed:{pk}:{now:%Y%m%d%H%M%S}",
            )
            for pk, n in sorted(by_community.items())
        ]
    )
    FollowUp.objects.filter(pk__in=[pk for pk, _ in rows]).update(missed_alerted_at=now)
    return len(by_community)
