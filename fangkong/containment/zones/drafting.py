"""Zones that follow the cases: a confirmed case drafts the protocol's strictest zone over their home compound,
pending like every zone until a human officer approves it. The district may turn the drafting off.

Workplaces draw no zone here: a workplace is a registry Unit, which has no Place (zones are drawn over places and
jurisdictions), so an officer proposes a zone about a workplace by hand."""

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
from fangkong.registry.models import Place

from ..models import Case, Zone, ZoneLevel
from ..models.zones import ZoneDrafting
from .requests import _zone_create

DRAFTER = System("containment.zone_draft")  # the audit trail names it: the platform, for case №N


class ZoneDraftingInput(FormInput):
    """Whether a confirmed case drafts a zone over their home compound by itself."""

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
def zone_draft_for_case(*, case: Case) -> Zone | None:
    """On a case's confirmation: draft the strictest level over the case's home compound, requested by the
    platform, unless drafting is off, the case has no home compound, or a zone at least as strict already holds or
    awaits it (a second case there adds nothing: the zone page lists the cases inside)."""
    if not ZoneDrafting.load().drafts_for_cases:
        return None
    compound = home_compound(case.person)
    level = strictest_level()
    if compound is None or level is None:
        return None
    # One draft per compound even when two of its residents are confirmed at once: the second waits here.
    Place.objects.select_for_update().filter(pk=compound.pk).first()
    if _covered(compound, level.rank):
        return None
    # The record is written in the district's language, whoever's request confirmed the case.
    with translation.override(settings.LANGUAGE_CODE):
        basis = _("Drafted automatically for case №%(case)d (%(name)s, %(found)s), who lives in %(place)s.") % {
            "case": case.pk,
            "name": pii.mask_name(case.person.name),
            "found": Case.Source(case.source).label,
            "place": compound.name,
        }
    return _zone_create(
        actor=DRAFTER,
        name=f"{compound.name}{level.name}"[:100],
        level=level,
        basis=basis,
        place_rows=[compound],
        juris_rows=[],
        starts_at=clock.now(),
        drafted_for=case,
        audit_fields={"case": case.pk},
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
