"""Screening's standing alert on the start page (registered with core.dashboard in apps.py), and the hall's alert
for contact deadlines that passed (a sweep registered with core.alerts)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

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


RECENT = timedelta(days=1)  # a deadline missed longer ago is not news for the wall (the first sweep, cron stopped)


def sweep_missed(now: datetime) -> int:
    """The contact deadlines that passed since the last sweep: one alert per community (twenty arrivals missed at
    once are one thing to act on, not twenty lines on the wall), each case announced once; those missed more than a
    day ago are marked without an alert (they are on the lists and the reconciliation already). Answers the alerts.
    core.alerts.sweep_all keeps two runs from sweeping at once."""
    unseen = FollowUp.objects.filter(
        released_at__isnull=True, contacted_at__isnull=True, missed_alerted_at__isnull=True, contact_due_at__lt=now
    )
    by_community = Counter(unseen.filter(contact_due_at__gte=now - RECENT).values_list("community_id", flat=True))
    communities = Jurisdiction.objects.in_bulk(list(by_community))
    link = reverse("screening:followups") + "?state=" + FollowUp.State.MISSED + "&jurisdiction="
    raise_alerts(
        [
            HallAlert(
                kind=CONTACT_MISSED_ALERT,
                at=now,
                subject=f"{communities[pk].name}（{n}）",
                jpath=communities[pk].path,
                link=f"{link}{pk}",
                ref=f"screening.missed:{pk}:{now:%Y%m%d%H%M%S}",
            )
            for pk, n in sorted(by_community.items())
        ]
    )
    unseen.update(missed_alerted_at=now)
    return len(by_community)
