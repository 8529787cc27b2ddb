"""Reads about one zone for the people who see it: the cases inside."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fangkong.core import pii
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for

from ..models import Case, Zone
from ..models.zones import ZoneDrafting
from .inside import people_in_zone_ids


@dataclass
class ZoneCase:
    pk: int
    name: str  # masked: the zone's page is read by more people than the case's
    confirmed_at: datetime
    classification: str
    drafted_it: bool  # the case the platform drafted the zone for
    openable: bool  # within the reader's cases (a link to the case page)


def zone_cases(*, user, zone: Zone, limit: int = 200) -> list[ZoneCase]:
    """The cases of the people inside the zone (open or released), newest first; each linkable only for a reader
    whose reach holds the case."""
    rows = list(
        Case.objects.filter(person_id__in=people_in_zone_ids(zone))
        .select_related("person")
        .order_by("-confirmed_at", "-pk")[:limit]
    )
    openable: set[int] = set()
    if rows:
        from ..cases.reading import cases_visible

        try:
            visible = cases_visible(user=user).filter(pk__in=[c.pk for c in rows])
            openable = set(visible.values_list("pk", flat=True))
        except Forbidden:
            pass  # no cases of their own to work: the list stays, without links
    return [
        ZoneCase(
            pk=c.pk,
            name=pii.mask_name(c.person.name),
            confirmed_at=c.confirmed_at,
            classification=c.get_classification_display(),
            drafted_it=c.pk == zone.drafted_for_id,
            openable=c.pk in openable,
        )
        for c in rows
    ]


def zone_drafting_state(*, user) -> tuple[ZoneDrafting, bool]:
    """The drafting setting (whether confirmed cases draft zones), and whether `user` may turn it (district HQ: a
    district-wide rule)."""
    return ZoneDrafting.load(), scope_for(user, Cap.ZONE_PROTOCOL).district_wide
