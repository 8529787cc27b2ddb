"""Livelihood reads: what staff see in their reach, what a signed-in resident sees of their own, and whether a
home is kept shut by a zone (the condition for having supplies brought)."""

from __future__ import annotations

from django.db.models import QuerySet

from fangkong.core.roles import Cap
from fangkong.core.scoping import scope_for

from .models import PriceReport, SupplyRequest, Volunteer

# Zone colours whose residents stay home (sealed: red; controlled: yellow) and so have supplies brought.
STAY_HOME_COLOURS = ("red", "yellow")


def zone_keeping_home(person_id: int) -> int | None:
    """The zone in force that keeps this person at home, if any (read from the person's status reasons)."""
    from fangkong.containment.status import status_of

    for reason in status_of(person_id).reasons:
        if reason.get("kind") == "zone" and reason.get("colour") in STAY_HOME_COLOURS:
            return int(reason["ref"])
    return None


def supply_requests_visible(*, user) -> QuerySet[SupplyRequest]:
    scope = scope_for(user, Cap.LIVELIHOOD_WORK)
    if scope.empty:
        return SupplyRequest.objects.none()
    return (
        SupplyRequest.objects.filter(scope.q("jpath"))
        .select_related("person", "person__household", "zone", "handled_by")
        .order_by("-urgent", "created_at")
    )


def volunteers_visible(*, user) -> QuerySet[Volunteer]:
    scope = scope_for(user, Cap.LIVELIHOOD_WORK)
    if scope.empty:
        return Volunteer.objects.none()
    return Volunteer.objects.filter(scope.q("jpath")).select_related("person").order_by("state", "-applied_at")


def price_reports_visible(*, user) -> QuerySet[PriceReport]:
    """The public's reports name a shop as typed, not a place in the register: whoever watches prices sees them
    all, with the case each joined (price_watch)."""
    from .price_watch.selectors import can_watch

    if not can_watch(user):
        return PriceReport.objects.none()
    return PriceReport.objects.select_related("case", "case__market", "case__item").order_by("state", "-reported_at")


def my_supply_requests(person_ids: list[int]) -> list[SupplyRequest]:
    """A signed-in resident's own requests (`person_ids`: the people their phone is registered for)."""
    return list(
        SupplyRequest.objects.filter(person_id__in=person_ids).select_related("delivery").order_by("-created_at")[:20]
    )


def my_volunteering(person_ids: list[int]) -> list[Volunteer]:
    return list(Volunteer.objects.filter(person_id__in=person_ids).order_by("-applied_at")[:5])
