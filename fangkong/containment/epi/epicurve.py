"""The epidemic curve: cases per day by onset or by report, confirmed and asymptomatic apart, for the viewer's area
(or a jurisdiction within it, or one cluster), optionally one series per street, with the testing volume beside it.

Counted in the database per district calendar day (TruncDate in the district's time zone, as core.daily does):
a hundred thousand cases come back as a few hundred rows. By onset, a case without an onset date (an asymptomatic
one, an onset not yet known) counts on its report day, and each day says how many of its cases that is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, Substr, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import clock, daily
from fangkong.core.errors import Code, FieldError
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap, scope_for
from fangkong.registry.models import Jurisdiction

from ..models import Case, Cluster

BY = ("onset", "report")
MAX_DAYS = 366  # a year: longer than any curve anyone reads day by day
SAMPLES = "testing.samples"  # testing's daily metric (core.daily): the samples taken each day


@dataclass
class Curve:
    by: str
    jurisdiction: Jurisdiction | None
    cluster: Cluster | None
    days: list[dict] = field(default_factory=list)
    streets: list[dict] = field(default_factory=list)
    testing_shown: bool = False

    @property
    def total(self) -> int:
        return sum(d["confirmed"] + d["asymptomatic"] for d in self.days)

    def as_dict(self) -> dict:
        return {
            "by": self.by,
            "jurisdiction": {"id": self.jurisdiction.pk, "name": self.jurisdiction.name} if self.jurisdiction else None,
            "cluster_id": self.cluster.pk if self.cluster else None,
            "testing_shown": self.testing_shown,
            "days": self.days,
            "streets": self.streets,
        }

    def chart(self) -> dict:
        """What the page's script draws: the days, the two classifications (or the streets) and the samples."""
        return {
            "days": [d["date"].isoformat() for d in self.days],
            "confirmed": [d["confirmed"] for d in self.days],
            "asymptomatic": [d["asymptomatic"] for d in self.days],
            "samples": [d["samples"] for d in self.days] if self.testing_shown else None,
            "streets": [{"name": s["name"], "values": [d["cases"] for d in s["days"]]} for s in self.streets],
            "labels": {
                "confirmed": _("Confirmed cases"),
                "asymptomatic": _("Asymptomatic infections"),
                "samples": _("Samples taken"),
            },
        }


def epicurve(
    *,
    user,
    by: str = "report",
    jurisdiction_id: int | None = None,
    cluster: Cluster | None = None,
    by_street: bool = False,
    since: date | None = None,
    until: date | None = None,
) -> Curve:
    """The curve as the viewer may see it: their reach (Cap.STATUS_VIEW), narrowed to `jurisdiction_id` (404
    outside it) or to the cases of `cluster` (found by the caller, in scope); `since`/`until` bound the days
    (default: the first day with a case to today)."""
    if not has_cap(user, Cap.STATUS_VIEW):
        raise Forbidden(Cap.STATUS_VIEW)
    if by not in BY:
        raise FieldError("by", _("Count by onset or by report date."), code=Code.UNKNOWN_CHOICE)
    if since and until and until < since:
        raise FieldError("until", _("The last day comes before the first."), code=Code.END_BEFORE_START)
    scope = scope_for(user, Cap.STATUS_VIEW)
    within: Jurisdiction | None = None
    if jurisdiction_id is not None:
        within = Jurisdiction.objects.filter(scope.q("path"), pk=jurisdiction_id).first()
        if within is None:
            raise NotFound
    elif len(scope.paths) == 1:
        within = Jurisdiction.objects.filter(path=scope.paths[0]).first()
    cases = Case.objects.filter(scope.q())
    if within is not None:
        cases = cases.filter(jpath__startswith=within.path)
    if cluster is not None:
        cases = cases.filter(cluster=cluster)
    tz = timezone.get_default_timezone()
    reported = TruncDate("confirmed_at", tzinfo=tz)
    day = Coalesce("onset_date", reported) if by == "onset" else reported
    counted = cases.annotate(day=day)
    if since:
        counted = counted.filter(day__gte=since)
    if until:
        counted = counted.filter(day__lte=until)
    rows = list(
        counted.values_list("day")
        .annotate(
            confirmed=Count("pk", filter=Q(classification=Case.Classification.CONFIRMED)),
            asymptomatic=Count("pk", filter=~Q(classification=Case.Classification.CONFIRMED)),
            onset_unknown=Count("pk", filter=Q(onset_date__isnull=True)),
        )
        .order_by()
    )
    curve = Curve(by=by, jurisdiction=within, cluster=cluster)
    if not rows and not since:
        return curve
    today = clock.localdate()
    latest = max((r[0] for r in rows), default=today)
    # Up to today, so that the quiet days since the last case show; an outbreak over for a year ends at its last day.
    last = until or (max(today, latest) if (today - latest).days < MAX_DAYS else latest)
    first = since or min(r[0] for r in rows)
    if (last - first).days >= MAX_DAYS:
        if since and until:
            raise FieldError("since", _("Ask for a year of days at most."), code=Code.OUT_OF_RANGE)
        first = last - timedelta(days=MAX_DAYS - 1)  # the most recent year
    counts = {r[0]: r[1:] for r in rows}
    paths = [within.path] if within else list(scope.paths)
    # Testing volume: only for those who may see testing's figures (the hall's rule for its trend).
    curve.testing_shown = cluster is None and has_cap(user, Cap.TESTING_RECALL)
    samples: dict[date, int] = {}
    if curve.testing_shown:
        for path in paths:
            for d, n in daily.series(SAMPLES, path, first, last).items():
                samples[d] = samples.get(d, 0) + n
    span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    for d in span:
        confirmed, asymptomatic, unknown = counts.get(d, (0, 0, 0))
        curve.days.append(
            {
                "date": d,
                "confirmed": confirmed,
                "asymptomatic": asymptomatic,
                "onset_unknown": unknown if by == "onset" else 0,
                "samples": samples.get(d, 0) if curve.testing_shown else None,
            }
        )
    if by_street:
        curve.streets = _by_area(counted, within, paths, span)
    return curve


def curve_areas(*, user) -> list[Jurisdiction]:
    """The areas a reader may narrow the curve to: the district, streets and communities in their reach (a grid has
    too few cases a day for a curve)."""
    reach = scope_for(user, Cap.STATUS_VIEW)
    levels = ["district", "street", "community"]
    return list(Jurisdiction.objects.filter(reach.q("path"), level__in=levels).order_by("path")[:500])


def _by_area(counted, within: Jurisdiction | None, paths: list[str], span: list[date]) -> list[dict]:
    """One series per jurisdiction right below the area (the streets of a district, the communities of a street):
    grouped in the database by the leading part of each case's path (one query per length of those paths)."""
    if within is not None:
        areas = list(Jurisdiction.objects.filter(parent=within).order_by("path"))
    else:  # a viewer over several areas: each of them
        areas = list(Jurisdiction.objects.filter(path__in=paths).order_by("path"))
    if not areas:
        return []
    first, last = span[0], span[-1]
    counts: dict[str, dict[date, int]] = {a.path: {} for a in areas}
    for length in sorted({len(a.path) for a in areas}):
        rows = (
            counted.annotate(area=Substr("jpath", 1, length))
            .values_list("area", "day")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for area, d, n in rows:  # the days outside the curve's span left out here: a few rows, not the cases
            if area in counts and first <= d <= last:
                counts[area][d] = counts[area].get(d, 0) + n
    return [
        {
            "id": a.pk,
            "name": a.name,
            "total": sum(counts[a.path].values()),
            "days": [{"date": d, "cases": counts[a.path].get(d, 0)} for d in span],
        }
        for a in areas
    ]
