"""Overdue hazards are announced, once each: a rectification past its deadline to the enterprise's safety officers
and its regulators (a major one to district HQ as well); an application for acceptance the regulator has not
reviewed within 10 days to the regulators and district HQ. The flags themselves are read from the clock (hazards.
flags); this only tells people. Run by `fangkong escalate` from cron and on opening the hazard pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy

from fangkong.core import clock
from fangkong.core.actors import System
from fangkong.core.audit import audit_record
from fangkong.core.roles import Cap

from .hazards import REVIEW_DAYS
from .models import Hazard
from .selectors import supervising_departments

S = Hazard.State
BATCH = 1000


def _recipients(hazards: list[Hazard]) -> dict[int, list]:
    """hazard id → who is told: the enterprise's officers, the departments supervising it (directly or by its
    industry) — in two queries for the whole batch."""
    from fangkong.registry.selectors import users_with_cap

    by_enterprise = supervising_departments({h.enterprise_id: h.enterprise for h in hazards}.values())
    depts_of = {h.pk: by_enterprise[h.enterprise_id] for h in hazards}
    units = {h.enterprise_id for h in hazards} | {d for ds in depts_of.values() for d in ds}
    officers = users_with_cap(Cap.SAFETY_SELF, unit_ids=units)
    regulators = users_with_cap(Cap.SAFETY_REGULATE, unit_ids=units)
    return {
        h.pk: [
            *officers.get(("u", h.enterprise_id), []),
            *(u for d in depts_of[h.pk] for u in regulators.get(("u", d), [])),
        ]
        for h in hazards
    }


def escalate_hazards(now: datetime | None = None) -> int:
    """Announce newly overdue rectifications and reviews; idempotent (a stamp per hazard, taken atomically, so
    two processes never announce one twice)."""
    from fangkong.core.inbox import notify, words
    from fangkong.registry.selectors import district_users

    now = now or clock.now()
    base = Hazard.objects.select_related("enterprise", "enterprise__safety_profile")
    overdue = list(
        base.filter(deadline__lt=now, overdue_notified_at__isnull=True).exclude(state__in=[S.ACCEPTED, S.CLOSED])[
            :BATCH
        ]
    )
    # A later application (after a failed re-inspection) is announced again when it too waits too long.
    unannounced = Q(review_notified_at__isnull=True) | Q(review_notified_at__lt=F("applied_at"))
    review = list(base.filter(unannounced, state=S.APPLIED, applied_at__lt=now - timedelta(days=REVIEW_DAYS))[:BATCH])
    if not overdue and not review:
        return 0
    who = _recipients(overdue + review)
    hq = district_users(Cap.SAFETY_REGULATE)
    count = 0
    for h in overdue:
        with transaction.atomic():
            if Hazard.objects.filter(pk=h.pk, overdue_notified_at__isnull=True).update(overdue_notified_at=now) == 0:
                continue
            notify(
                who[h.pk] + (hq if h.grade == Hazard.Grade.MAJOR or h.listed else []),
                title=words(gettext_lazy("Hazard overdue: %(e)s — %(d)s"), e=h.enterprise.name, d=h.description[:60]),
                body=words(gettext_lazy("Rectification was due %(at)s."), at=clock.localtime(h.deadline)),
                link=f"/safety/hazards/{h.pk}/",
            )
            audit_record(actor=System("hazard.escalate_overdue"), action="hazard.escalate_overdue", obj=h)
            count += 1
    for h in review:
        assert h.applied_at is not None  # selected on applied_at
        with transaction.atomic():
            if Hazard.objects.filter(unannounced, pk=h.pk, state=S.APPLIED).update(review_notified_at=now) == 0:
                continue
            notify(
                who[h.pk] + hq,
                title=words(gettext_lazy("Review overdue: %(e)s — %(d)s"), e=h.enterprise.name, d=h.description[:60]),
                body=words(
                    gettext_lazy("Acceptance was applied for %(at)s; the regulator reviews within %(n)s days."),
                    at=clock.localtime(h.applied_at),
                    n=REVIEW_DAYS,
                ),
                link=f"/safety/hazards/{h.pk}/",
            )
            audit_record(actor=System("hazard.escalate_review"), action="hazard.escalate_review", obj=h)
            count += 1
    return count
