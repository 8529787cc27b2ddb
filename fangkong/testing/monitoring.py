"""How a round is going: the four stage timings (collect, deliver, test, report) per site and per lab with the tubes
over the round's limit, and coverage by grid — who is still missing, and why, so grid workers can chase them."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, scope_for
from fangkong.registry.models import Jurisdiction, Person, PersonTag

from . import errors
from .models import Round, Sample, SiteKind, Tube
from .selectors import round_get


class Stage(models.TextChoices):
    """The four stages of 采、送、检、报, each timed from a tube's timestamps. 报 is the lab reporting the result
    (结果报告), not a resident's travel report (报备): hence the context."""

    COLLECT = "collect", pgettext_lazy("testing stage", "Collect")
    DELIVER = "deliver", pgettext_lazy("testing stage", "Deliver")
    TEST = "test", pgettext_lazy("testing stage", "Test")
    REPORT = "report", pgettext_lazy("testing stage", "Report")


STAGES = tuple(Stage)


class MissingReason(models.TextChoices):
    """Why a resident is not sampled yet, as far as the platform knows."""

    AWAY = "away", gettext_lazy("away on a reported trip")
    BEDRIDDEN = "bedridden", gettext_lazy("bedridden: visit for home sampling")
    CLOSED_LOOP = "closed_loop", gettext_lazy("under closed-loop management")
    NOT_YET = "not_yet", gettext_lazy("not yet")


@dataclass
class StageRow:
    name: str
    tubes: int = 0
    minutes: dict[str, float | None] = field(default_factory=dict)  # median minutes per stage
    late: int = 0


def _minutes(a: datetime | None, b: datetime | None) -> float | None:
    return (b - a).total_seconds() / 60 if a and b else None


def stage_timings(*, user, round_id: int) -> dict:
    """Per site and per lab: median minutes of collect (tube opened → closed), deliver (closed → received at the
    lab), test (received → result) and report (opened → result, against the round's limit); late tubes listed."""
    round_ = round_get(user=user, round_id=round_id)
    if scope_for(user, Cap.TESTING_ADMIN).empty:
        raise NotFound
    now = clock.now()
    limits = {kind: timedelta(hours=round_.limit_hours(kind)) for kind in SiteKind.values}
    tubes = Tube.objects.filter(round=round_, retest=False).values_list(
        "code",
        "opened_at",
        "closed_at",
        "bag__received_at",
        "resulted_at",
        "site__name",
        "bag__lab__name",
        "site__kind",
    )
    by_site: dict[str, dict[str, list[float]]] = {}
    by_lab: dict[str, dict[str, list[float]]] = {}
    late_site: dict[str, int] = {}
    late_lab: dict[str, int] = {}
    late: list[dict] = []
    for code, opened, closed, received, resulted, site, lab, kind in tubes:
        limit = limits.get(kind or SiteKind.MASS, limits[SiteKind.MASS])
        spans = {
            Stage.COLLECT: _minutes(opened, closed),
            Stage.DELIVER: _minutes(closed, received),
            Stage.TEST: _minutes(received, resulted),
            Stage.REPORT: _minutes(opened, resulted),
        }
        for bucket, key in ((by_site, site or "—"), (by_lab, lab or "")):
            if bucket is by_lab and not key:
                continue
            stages = bucket.setdefault(key, {s: [] for s in (*STAGES, "_count")})
            stages["_count"].append(1)
            for stage, value in spans.items():
                if value is not None:
                    stages[stage].append(value)
        if (resulted or now) - opened > limit:
            stuck = Stage.REPORT if resulted else Stage.TEST if received else Stage.DELIVER if closed else Stage.COLLECT
            late.append(
                {
                    "tube": code,
                    "site": site,
                    "stage": stuck,
                    "hours": round(((resulted or now) - opened).total_seconds() / 3600, 1),
                }
            )
            late_site[site or "—"] = late_site.get(site or "—", 0) + 1
            if lab:
                late_lab[lab] = late_lab.get(lab, 0) + 1

    def rows(bucket, lates) -> list[StageRow]:
        return [
            StageRow(
                name,
                len(stages["_count"]),
                {s: round(statistics.median(stages[s]), 1) if stages[s] else None for s in STAGES},
                lates.get(name, 0),
            )
            for name, stages in sorted(bucket.items())
        ]

    return {
        "round": round_,
        "limit_hours": round_.result_limit_hours,
        "limits": {kind: round_.limit_hours(kind) for kind in SiteKind.values},
        "sites": rows(by_site, late_site),
        "labs": rows(by_lab, late_lab),
        "late": sorted(late, key=lambda x: -x["hours"])[:500],
        "late_count": len(late),
    }


def expected_people(round_: Round, scope_q: Q):
    """The residents a round expects within `scope_q`: the register, within the round's own scope."""
    people = Person.objects.filter(scope_q, is_resident=True)
    paths = list(round_.scope.values_list("path", flat=True))
    if paths:
        within = Q()
        for p in paths:
            within |= Q(jpath__startswith=p)
        people = people.filter(within)
    return people


def coverage(*, user, round_id: int, parent_id: int | None = None) -> dict:
    """Expected residents (the register, within the round's scope) against those sampled, per child of `parent`
    (the user's jurisdictions when none): streets for HQ, communities for a street, grids for a community."""
    round_ = round_get(user=user, round_id=round_id)
    scope = scope_for(user, Cap.TESTING_RECALL)
    if scope.empty:
        raise NotFound
    if parent_id is not None:
        parent = Jurisdiction.objects.filter(scope.q("path"), pk=parent_id).first()
        if parent is None:
            raise NotFound
        nodes = list(Jurisdiction.objects.filter(parent=parent).order_by("path"))
    else:
        parent = None
        nodes = list(Jurisdiction.objects.filter(path__in=scope.paths).order_by("path"))
    expected_by_path = dict(expected_people(round_, scope.q()).values_list("jpath").annotate(n=Count("*")).order_by())
    sampled_by_path = dict(
        Sample.objects.filter(scope.q(), round=round_, retest=False)
        .values_list("jpath")
        .annotate(n=Count("*"))
        .order_by()
    )
    rows = []
    for node in nodes:
        expected = sum(n for path, n in expected_by_path.items() if path.startswith(node.path))
        sampled = sum(n for path, n in sampled_by_path.items() if path.startswith(node.path))
        rows.append(
            {
                "jurisdiction": node,
                "expected": expected,
                "sampled": sampled,
                "missing": max(expected - sampled, 0),
                "percent": round(100 * sampled / expected, 1) if expected else None,
            }
        )
    return {"round": round_, "parent": parent, "rows": rows}


def missing(*, user, round_id: int, jurisdiction_id: int):
    """Residents of a jurisdiction not yet sampled in the round, each with the reason known: away on a reported
    trip, bedridden (a home sampling visit is needed), under closed-loop management, or not yet."""
    from fangkong.screening.models import FollowUp, TravelReport

    round_ = round_get(user=user, round_id=round_id)
    scope = scope_for(user, Cap.TESTING_RECALL)
    place = Jurisdiction.objects.filter(scope.q("path"), pk=jurisdiction_id).first()
    if place is None:
        raise NotFound
    if Sample.objects.filter(round=round_, person__isnull=True).exists():
        # Past its retention period the round's samples no longer name their person (fangkong purge): who was
        # sampled is not known any more, so who is missing cannot be said — not "nobody", not "everybody".
        raise FieldError(
            "round",
            _("This round is past its retention period: who was sampled is no longer kept."),
            code=errors.Code.PAST_RETENTION,
        )
    sampled = Sample.objects.filter(
        round=round_, retest=False, jpath__startswith=place.path, person__isnull=False
    ).values("person_id")
    people = list(
        expected_people(round_, scope.q())
        .filter(jpath__startswith=place.path)
        .exclude(pk__in=sampled)
        .select_related("jurisdiction")
        .order_by("jpath", "name")[:2000]
    )
    ids = [p.pk for p in people]
    today = clock.localdate()
    away = set(
        TravelReport.objects.filter(
            person_id__in=ids, depart_on__lte=today, return_on__gte=today, cancelled_at__isnull=True
        ).values_list("person_id", flat=True)
    )
    bedridden = set(
        PersonTag.objects.filter(person_id__in=ids, tag=PersonTag.Tag.BEDRIDDEN).values_list("person_id", flat=True)
    )
    isolated = set(
        FollowUp.objects.filter(person_id__in=ids, released_at__isnull=True).values_list("person_id", flat=True)
    )
    out = []
    for p in people:
        reason = (
            MissingReason.AWAY
            if p.pk in away
            else MissingReason.BEDRIDDEN
            if p.pk in bedridden
            else MissingReason.CLOSED_LOOP
            if p.pk in isolated
            else MissingReason.NOT_YET
        )
        out.append({"person": p, "reason": reason})
    return {"round": round_, "jurisdiction": place, "people": out}
