"""Screening's standing alert on the start page (registered with core.dashboard in apps.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from fangkong.core.dashboard import Alert
from fangkong.core.roles import Cap
from fangkong.core.scoping import has_cap

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
