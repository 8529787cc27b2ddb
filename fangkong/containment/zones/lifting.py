"""When a zone may be lifted: each of its level's criteria as it stands today, the day it is met at the earliest,
and the whole-area testing round that lifting needs (the day a round must cover the area by, and whether one is
planned). The earliest day of lifting is the latest of those days: the date a zone page and the API show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Max, Q
from django.utils.translation import gettext as _

from fangkong.core import clock

from ..models import Case, CloseContact, Zone
from .inside import people_in_zone_ids


@dataclass
class Criterion:
    code: str
    label: str
    met: bool
    detail: str
    # The day it is met at the earliest if nothing new happens (None: not a matter of days, e.g. a stricter zone
    # inside that is still in force).
    date: date | None = None

    @property
    def key(self) -> str:
        return self.code


@dataclass
class RoundNeeded:
    """A whole-area negative round the lifting waits for: sampled from `start` up to `by` (the earliest lifting
    day), so that everyone inside is negative within the level's days when it is lifted."""

    start: date
    by: date
    planned: object | None = None  # testing's Round covering the area in time, if one is planned
    planned_by: date | None = None  # the planned round's deadline


@dataclass
class LiftOutlook:
    criteria: list[Criterion] = field(default_factory=list)
    earliest: date | None = None
    round_needed: RoundNeeded | None = None


def lifting_criteria(zone: Zone) -> list[Criterion]:
    """How each of the level's lifting criteria stands today."""
    return lift_outlook(zone).criteria


def lift_outlook(zone: Zone) -> LiftOutlook:
    """Each criterion with its day, the earliest day of lifting (never before today) and the round it needs."""
    from fangkong.testing.selectors import latest_negative

    level, now = zone.level, clock.now()
    today = clock.localdate(now)
    people = people_in_zone_ids(zone)
    out: list[Criterion] = []
    if level.quiet_days:
        last = Case.objects.filter(person_id__in=people).aggregate(m=Max("confirmed_at"))["m"]
        quiet_since = max(last, zone.starts_at) if last else zone.starts_at
        days = (now - quiet_since).days
        out.append(
            Criterion(
                "quiet_days",
                _("%(n)d days without a new case") % {"n": level.quiet_days},
                days >= level.quiet_days,
                _("last case %(at)s") % {"at": clock.localtime(last)} if last else _("no case inside so far"),
                clock.localdate(quiet_since + timedelta(days=level.quiet_days)),
            )
        )
    if level.contact_days:
        out.append(_contacts(level.contact_days, people, now, latest_negative))
    # The whole-area round is dated after the others: it must fall within its days before the day they allow.
    others = max([today, *(c.date for c in out if c.date)])
    round_needed = None
    if level.negative_days:
        criterion, round_needed = _negatives(zone, level.negative_days, people, now, others, latest_negative)
        out.append(criterion)
    if level.lifts_with_others:
        stricter = Zone.objects.filter(
            state=Zone.State.ACTIVE, level__rank__lt=level.rank, jpath__startswith=zone.jpath
        ).exclude(pk=zone.pk)
        n = stricter.count()
        out.append(
            Criterion(
                "others",
                _("no stricter zone remains within it"),
                n == 0,
                _("%(n)d stricter zones in force") % {"n": n},
            )
        )
    earliest = max([today, *(c.date for c in out if c.date)])
    return LiftOutlook(criteria=out, earliest=earliest, round_needed=round_needed)


def _contacts(days: int, people: list[int], now: datetime, latest_negative) -> Criterion:
    """The last close contact over `days` ago and tested negative since; a contact still under management counts
    until the protocol's end too (release needs the days served)."""
    rows = list(
        CloseContact.objects.filter(Q(case__person_id__in=people) | Q(person_id__in=people)).values_list(
            "person_id", "last_contact_at", "central_days", "home_days", "released_at", "handed_over_at"
        )
    )
    contacts: dict[int, datetime] = {}
    ends: list[datetime] = []
    for pid, at, central, home, released, handed in rows:
        contacts[pid] = max(contacts.get(pid, at), at)
        ends.append(at + timedelta(days=days))
        if released is None and handed is None:
            ends.append(at + timedelta(days=central + home))
    cutoff = now - timedelta(days=days)
    negatives = latest_negative(list(contacts))
    recent = [pid for pid, at in contacts.items() if at > cutoff]
    untested = [pid for pid, at in contacts.items() if pid not in negatives or negatives[pid] < at]
    end = max(ends) if ends else None
    return Criterion(
        "contact_days",
        _("last close contact over %(n)d days ago, and negative") % {"n": days},
        not recent and not untested and (end is None or end <= now),
        _("%(c)d close contacts, %(r)d within the period, %(u)d without a negative test since")
        % {"c": len(contacts), "r": len(recent), "u": len(untested)},
        clock.localdate(end) if end else None,
    )


def _negatives(
    zone: Zone, days: int, people: list[int], now: datetime, others: date, latest_negative
) -> tuple[Criterion, RoundNeeded | None]:
    """Everyone inside negative within `days`. Dated at the day the other criteria allow if the negatives held
    today still fall within the days then; else a round must sample the area from `others - days` to `others`, and
    a planned round covering the area in that time (or later) dates it."""
    since = now - timedelta(days=days)
    negatives = latest_negative(people)
    missing = len(people) - sum(1 for at in negatives.values() if at >= since)
    met = bool(people) and missing == 0
    criterion = Criterion(
        "negative_days",
        _("everyone inside negative in the last %(n)d days") % {"n": days},
        met,
        _("%(m)d of %(n)d without a negative result") % {"m": missing, "n": len(people)},
    )
    if not people:
        return criterion, None  # nobody inside: nobody to test, and the criterion is never met
    oldest = min(negatives.values()) if len(negatives) == len(people) else None
    if oldest is not None and clock.localdate(oldest + timedelta(days=days)) >= others:
        criterion.date = others
        return criterion, None
    start = others - timedelta(days=days)
    planned = _planned_round(zone, after=max(now, clock.start_of_day(start)))
    needed = RoundNeeded(start=start, by=others)
    criterion.date = others
    if planned is not None:
        needed.planned, needed.planned_by = planned, clock.localdate(planned.deadline)
        criterion.date = max(others, needed.planned_by)
    return criterion, needed


def _planned_round(zone: Zone, *, after: datetime):
    """The first testing round covering the whole zone (the whole district, or a jurisdiction holding it) that is
    still sampling after `after`."""
    from fangkong.testing.models import Round

    prefixes = [zone.jpath[: i + 1] for i, ch in enumerate(zone.jpath) if ch == "/"]
    return (
        Round.objects.filter(deadline__gte=after)
        .filter(Q(scope__isnull=True) | Q(scope__path__in=prefixes))
        .order_by("deadline", "pk")
        .first()
    )
