"""Zones that follow the cases: a confirmed case (or an asymptomatic infection: the protocol draws zones around
both) drafts the protocol's strictest zone over their home compound, and the next level over the premises of their
workplace where the workplace's unit names them (registry Unit.place); pending like every zone until a human
officer approves it. The district may turn the drafting off.

The levels follow the three-zone practice: where a case lives is sealed (封控区); where they worked for a time, with
a risk of spread, is controlled (管控区). A workplace whose premises are not registered draws nothing: an officer
proposes its zone by hand."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from fangkong.core import clock, pii
from fangkong.core.actors import System
from fangkong.core.audit import audit_record
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for
from fangkong.registry.models import Place, Unit

from ..models import Case, Zone, ZoneLevel
from ..models.zones import ZoneDrafting
from .requests import _zone_create

DRAFTER = System("containment.zone_draft")  # the audit trail names it: the platform, for case №N


class ZoneDraftingInput(FormInput):
    """Whether a confirmed case drafts zones by itself: over their home compound, and over their workplace's
    premises where registered."""

    drafts_for_cases: bool


def home_compound(person) -> Place | None:
    """The compound above a person's household (household → building → compound), or None without one."""
    place = Place.objects.filter(pk=person.household_id).select_related("parent__parent").first()
    for _step in range(3):  # a household sits at most two levels under its compound
        if place is None or place.kind == Place.Kind.COMPOUND:
            return place
        place = place.parent
    return None


def strictest_level() -> ZoneLevel | None:
    """The protocol's strictest level in use (rank 1: 封控区 by default), as the district's data says."""
    return ZoneLevel.objects.filter(active=True).order_by("rank", "code").first()


def workplace_level() -> ZoneLevel | None:
    """The level for a case's workplace: the second strictest in use (管控区 by default), or the strictest when the
    district uses one level only."""
    levels = list(ZoneLevel.objects.filter(active=True).order_by("rank", "code")[:2])
    return levels[-1] if levels else None


def _covered(place: Place, rank: int) -> bool:
    """Whether a pending or active zone at least this strict already holds the place: listing it, a place above it,
    or a jurisdiction holding it."""
    ancestors, up = [place.pk], place.parent
    while up is not None:
        ancestors.append(up.pk)
        up = up.parent
    prefixes = [place.jpath[: i + 1] for i, ch in enumerate(place.jpath) if ch == "/"]
    return (
        Zone.objects.filter(state__in=[Zone.State.PENDING, Zone.State.ACTIVE], level__rank__lte=rank)
        .filter(Q(places__in=ancestors) | Q(jurisdictions__path__in=prefixes))
        .exists()
    )


@transaction.atomic
def zone_draft_for_case(*, case: Case) -> list[Zone]:
    """On a case's confirmation: draft the strictest level over the case's home compound and the workplace's level
    over their workplace's premises, requested by the platform (the drafts made, none when drafting is off)."""
    if not ZoneDrafting.load().drafts_for_cases:
        return []
    drafts = [_draft(case, home_compound(case.person), strictest_level(), workplace=False)]
    if case.workplace_id is not None:
        drafts.append(zone_draft_for_workplace(case=case))
    return [z for z in drafts if z is not None]


@transaction.atomic
def zone_draft_for_workplace(*, case: Case) -> Zone | None:
    """When a case's workplace is known (at confirmation or recorded later): its premises' zone, if registered —
    not for a case already released (a workplace recorded for the file draws no zone)."""
    if not ZoneDrafting.load().drafts_for_cases or case.workplace_id is None or case.released_at is not None:
        return None
    unit = Unit.objects.filter(pk=case.workplace_id).select_related("place").first()
    premises = unit.place if unit is not None else None
    if premises is not None and premises.kind == Place.Kind.HOUSEHOLD:
        premises = None  # a zone about a workplace is never one flat
    return _draft(case, premises, workplace_level(), workplace=True, unit=unit)


def _draft(case: Case, place: Place | None, level: ZoneLevel | None, *, workplace: bool, unit=None) -> Zone | None:
    """The level over the place, unless there is none, or a zone at least as strict already holds or awaits it (a
    second case there adds nothing: the zone page lists the cases inside)."""
    if place is None or level is None:
        return None
    # One draft per place even when two of its cases are confirmed at once: the second waits here.
    Place.objects.select_for_update().filter(pk=place.pk).first()
    if _covered(place, level.rank):
        return None
    words = {
        "case": case.pk,
        "name": pii.mask_name(case.person.name),
        "found": Case.Source(case.source).label,
        "place": place.name,
        "unit": unit.name if unit is not None else "",
    }
    # The record is written in the district's language, whoever's request confirmed the case.
    with translation.override(settings.LANGUAGE_CODE):
        if workplace:
            basis = _("Drafted automatically for case №%(case)d (%(name)s, %(found)s), who works at %(unit)s in "
                      "%(place)s.") % words  # fmt: skip
        else:
            basis = _("Drafted automatically for case №%(case)d (%(name)s, %(found)s), who lives in %(place)s.") % words
    return _zone_create(
        actor=DRAFTER,
        name=f"{place.name}{level.name}"[:100],
        level=level,
        basis=basis,
        place_rows=[place],
        juris_rows=[],
        starts_at=clock.now(),
        drafted_for=case,
        audit_fields={"case": case.pk, "workplace": unit.pk if unit is not None else None},
    )


@transaction.atomic
def zone_drafting_set(*, actor, drafts_for_cases: bool) -> ZoneDrafting:
    """District HQ turns the drafting on or off (a district-wide rule); audited with before and after."""
    if not scope_for(actor, Cap.ZONE_PROTOCOL).district_wide:
        raise Forbidden(Cap.ZONE_PROTOCOL)
    row = ZoneDrafting.objects.select_for_update().order_by("pk").first() or ZoneDrafting()
    before = row.drafts_for_cases
    if row.pk is not None and before == drafts_for_cases:
        return row
    row.drafts_for_cases = drafts_for_cases
    row.version = (row.version or 0) + (1 if row.pk else 0)
    row.updated_at, row.updated_by = clock.now(), actor
    row.save()
    audit_record(
        actor=actor,
        action="zone.drafting",
        obj=row,
        fields={"drafts_for_cases": {"before": before, "after": drafts_for_cases}},
    )
    return row
