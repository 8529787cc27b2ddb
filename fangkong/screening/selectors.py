"""Reads of screening data, scoped here and nowhere else.

Jurisdiction-bound roles see what belongs to their jurisdiction (`jpath`); unit-bound roles see their unit's
share: checkpoint staff their checkpoint's passages, an employer's HR its staff's travel reports.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from fangkong.core import clock
from fangkong.core.ids import clean_document, parse_doc_type
from fangkong.core.memo import ttl_memo
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, scope_for, unit_ids_for
from fangkong.registry.models import Jurisdiction
from fangkong.registry.selectors import person_holding

from . import platform_status
from .models import Checkpoint, FollowUp, Passage, PassRequest, RiskArea, TravelReport, Violation


def _get(qs: QuerySet, pk: int):
    try:
        return qs.get(pk=pk)
    except qs.model.DoesNotExist as exc:
        raise NotFound from exc


def _scoped(user, cap: str, unit_field: str | None = None) -> Q:
    query = scope_for(user, cap).q("jpath")
    units = unit_ids_for(user, cap)
    if unit_field and units:
        query |= Q(**{f"{unit_field}__in": units})
    return query


# ---------------------------------------------------------------- risk areas (public information for all staff)


def risk_areas(*, user, active_at: datetime | None = None, level: str = "") -> QuerySet[RiskArea]:
    if not getattr(user, "is_authenticated", False):
        raise NotFound
    qs = RiskArea.objects.all()
    if active_at is not None:
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=active_at), valid_from__lte=active_at)
    if level:
        qs = qs.filter(level=level)
    return qs


# ---------------------------------------------------------------- checkpoints


def checkpoints_workable(*, user) -> QuerySet[Checkpoint]:
    """Where the user may register passages: their own checkpoint (staff), or all in their jurisdiction (HQ)."""
    return Checkpoint.objects.filter(_scoped(user, Cap.CHECKPOINT_WORK, "unit_id"), active=True).select_related(
        "responsible_unit", "unit"
    )


def checkpoint_for_work(*, user, checkpoint_id: int) -> Checkpoint:
    """The checkpoint if the user may work there (404 otherwise). Called on every registration: one primary-key
    read, and the permission decided from the roles already loaded for the request — the same rule as
    checkpoints_workable."""
    checkpoint = checkpoints_by_id().get(checkpoint_id)
    if (
        checkpoint is None
        or not checkpoint.active
        or not (
            checkpoint.unit_id in unit_ids_for(user, Cap.CHECKPOINT_WORK)
            or scope_for(user, Cap.CHECKPOINT_WORK).covers(checkpoint.jpath)
        )
    ):
        raise NotFound
    return checkpoint


@ttl_memo(60.0)
def checkpoints_by_id() -> dict[int, Checkpoint]:
    """Checkpoints change by decision, rarely; registrations read one each time (a minute's staleness at most in
    other processes for a newly opened or closed checkpoint)."""
    return {c.pk: c for c in Checkpoint.objects.all()}


def checkpoints_managed(*, user) -> QuerySet[Checkpoint]:
    return Checkpoint.objects.filter(scope_for(user, Cap.CHECKPOINT_MANAGE).q("jpath")).select_related(
        "responsible_unit"
    )


# ---------------------------------------------------------------- passages and follow-ups


def passages_visible(*, user) -> QuerySet[Passage]:
    return Passage.objects.filter(_scoped(user, Cap.PASSAGE_VIEW, "checkpoint__unit_id")).select_related(
        "checkpoint", "person", "destination_community"
    )


def passage_get(*, user, passage_id: int) -> Passage:
    return _get(passages_visible(user=user), passage_id)


def followups_visible(*, user, state: str = "", within: str = "") -> QuerySet[FollowUp]:
    """The closed-loop cases in the user's reach (under `within`, a jurisdiction's path, when given) by state."""
    qs = FollowUp.objects.filter(scope_for(user, Cap.FOLLOWUP_WORK).q("jpath")).select_related(
        "person", "community", "jurisdiction", "passage__risk_area"
    )
    if within:
        qs = qs.filter(jpath__startswith=within)
    now = clock.now()
    if state == FollowUp.State.RELEASED:
        qs = qs.filter(released_at__isnull=False)
    elif state == FollowUp.State.CONTACTED:
        qs = qs.filter(released_at__isnull=True, contacted_at__isnull=False)
    elif state == FollowUp.State.MISSED:
        qs = qs.filter(released_at__isnull=True, contacted_at__isnull=True, contact_due_at__lt=now)
    elif state == FollowUp.State.OPEN:
        qs = qs.filter(released_at__isnull=True, contacted_at__isnull=True, contact_due_at__gte=now)
    elif state == "active":
        qs = qs.filter(released_at__isnull=True)
    return qs


def followup_get(*, user, followup_id: int, for_update: bool = False) -> FollowUp:
    """The one access path to a closed-loop case (404 outside the user's reach); `for_update` locks its row."""
    if for_update:
        return _get(followups_visible(user=user).select_for_update(of=("self",)), followup_id)
    return _get(followups_visible(user=user).prefetch_related("tests"), followup_id)


def followups_missed(*, user) -> QuerySet[FollowUp]:
    """Arrivals nobody contacted in time, for the street and HQ (the alert list)."""
    scope = scope_for(user, Cap.RECONCILE_VIEW)
    return (
        FollowUp.objects.filter(
            scope.q("jpath"), released_at__isnull=True, contacted_at__isnull=True, contact_due_at__lt=clock.now()
        )
        .select_related("person", "community")
        .order_by("contact_due_at")
    )


def reconciliation(*, user, since: datetime, until: datetime) -> list[dict]:
    """Per community: arrivals, follow-ups owned, contacted in time, overdue, released — "nobody missed".

    Four grouped queries over indexed columns, whatever the number of passages.
    """
    scope = scope_for(user, Cap.RECONCILE_VIEW)
    if scope.empty:
        raise NotFound
    communities = list(
        Jurisdiction.objects.filter(scope.q("path"), level=Jurisdiction.Level.COMMUNITY).order_by("path")
    )
    ids = [c.pk for c in communities]
    arrivals = dict(
        Passage.objects.filter(destination_community_id__in=ids, direction="in", at__gte=since, at__lt=until)
        .values_list("destination_community_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    cases = FollowUp.objects.filter(community_id__in=ids, opened_at__gte=since, opened_at__lt=until)
    now = clock.now()
    figures = (
        cases.values("community_id")
        .annotate(
            owned=Count("*"),
            in_time=Count("pk", filter=Q(contacted_at__isnull=False, contacted_at__lte=F("contact_due_at"))),
            overdue=Count("pk", filter=Q(contacted_at__isnull=True, released_at__isnull=True, contact_due_at__lt=now)),
            late=Count("pk", filter=Q(contacted_at__isnull=False, contacted_at__gt=F("contact_due_at"))),
            released=Count("pk", filter=Q(released_at__isnull=False)),
        )
        .order_by()
    )
    by_community: dict[int, Any] = {row["community_id"]: row for row in figures}
    rows = []
    for c in communities:
        f = by_community.get(c.pk, {})
        rows.append(
            {
                "community": c,
                "arrivals": arrivals.get(c.pk, 0),
                "owned": f.get("owned", 0),
                "contacted_in_time": f.get("in_time", 0),
                "contacted_late": f.get("late", 0),
                "overdue": f.get("overdue", 0),
                "released": f.get("released", 0),
            }
        )
    return rows


# ---------------------------------------------------------------- discipline, travel, violations


def pass_requests_visible(*, user) -> QuerySet[PassRequest]:
    """Discipline inspection (a district-wide unit) sees all; HQ its jurisdiction; staff their checkpoint's."""
    qs = PassRequest.objects.select_related("checkpoint", "requester_unit", "recorded_by")
    if unit_ids_for(user, Cap.DISCIPLINE_VIEW):
        return qs
    query = scope_for(user, Cap.DISCIPLINE_VIEW).q("checkpoint__jpath")
    units = unit_ids_for(user, Cap.CHECKPOINT_WORK)
    if units:
        query |= Q(checkpoint__unit_id__in=units)
    return qs.filter(query)


def travel_reports_visible(*, user) -> QuerySet[TravelReport]:
    query = _scoped(user, Cap.TRAVEL_REPORT, "unit_id")
    approver_units = unit_ids_for(user, Cap.TRAVEL_APPROVE)
    if approver_units:
        query |= Q(unit_id__in=approver_units)
    return TravelReport.objects.filter(query).select_related("person", "unit")


def travel_report_get(*, user, report_id: int, for_update: bool = False) -> TravelReport:
    """A travel report the user sees (404 otherwise). `for_update`: locked until the transaction ends (the report's
    row only, not the joined person and unit), for a change decided on its current state."""
    qs = travel_reports_visible(user=user)
    return _get(qs.select_for_update(of=("self",)) if for_update else qs, report_id)


def violations_visible(*, user) -> QuerySet[Violation]:
    return Violation.objects.filter(_scoped(user, Cap.VIOLATION_HANDLE, "unit_id")).select_related(
        "person", "checkpoint", "community", "unit"
    )


def violation_get(*, user, violation_id: int, for_update: bool = False) -> Violation:
    """A violation the user sees (404 otherwise). `for_update`: its row locked until the transaction ends."""
    qs = violations_visible(user=user)
    return _get(qs.select_for_update(of=("self",)) if for_update else qs, violation_id)


def violation_counts(qs: QuerySet[Violation]) -> tuple[list[dict], list[dict]]:
    """How many unreported exits per employer and per community, largest first."""
    by_unit = [
        {"unit": r["unit__name"] or "", "count": r["n"]}
        for r in qs.values("unit__name").annotate(n=Count("*")).order_by("-n", "unit__name")
    ]
    by_community = [
        {"community": r["community__name"] or "", "count": r["n"]}
        for r in qs.values("community__name").annotate(n=Count("*")).order_by("-n", "community__name")
    ]
    return by_unit, by_community


def pass_request_counts(qs: QuerySet[PassRequest]) -> list[dict]:
    """How many requests to pass unregistered each unit made, largest first."""
    return [
        {"unit": r["requester_unit_name"], "count": r["n"]}
        for r in qs.values("requester_unit_name").annotate(n=Count("*")).order_by("-n", "requester_unit_name")
    ]


def travel_reports_of(*, person_ids: list[int]) -> QuerySet[TravelReport]:
    """The latest trips the phone's people reported (the residents' session has established who they are)."""
    return TravelReport.objects.filter(person_id__in=person_ids).order_by("-filed_at")[:20]


def restriction_at_checkpoint(*, user, checkpoint_id: int, document_type: str, document_number: str):
    """For staff at their checkpoint: the platform's status of this document's holder when it restricts them
    (yellow or red), else None — for a green holder as for a number nobody holds, so that the answer never says
    whether a number is registered. Raises InvalidDocument for a malformed number."""
    checkpoint_for_work(user=user, checkpoint_id=checkpoint_id)
    doc_type = parse_doc_type(document_type)
    number = clean_document(doc_type, document_number)
    person = person_holding(doc_type, number)
    status = platform_status.status_for(person.pk) if person is not None else None
    return status if status is not None and status.colour != "green" else None


def destination_choices() -> list[tuple[str, list[Jurisdiction]]]:
    """Every community and village of the district, grouped by street: any arrival may be headed to any of them."""
    streets: dict[str, list[Jurisdiction]] = {}
    for c in Jurisdiction.objects.filter(level="community").select_related("parent").order_by("path"):
        streets.setdefault(c.parent.name if c.parent else "", []).append(c)
    return list(streets.items())


def open_followups_of(person_ids: list[int]) -> list[tuple[int, int, str, datetime]]:
    """(follow-up, person, measure, opened) of the closed-loop cases still open, for the status service
    (containment): facts about people the caller already holds, not a listing, so no user scope applies."""
    from fangkong.core.bulk import in_list, select_rows

    if not person_ids:
        return []
    sql, params = in_list("person_id", person_ids)
    return [
        (fid, pid, measure, clock.as_aware(opened))
        for fid, pid, measure, opened in select_rows(
            f"SELECT id, person_id, measure, opened_at FROM {FollowUp._meta.db_table}"
            f" WHERE released_at IS NULL AND {sql}",
            params,
        )
    ]
