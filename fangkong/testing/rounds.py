"""Rounds and sampling sites: HQ sets them up."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from fangkong.core import clock, partitions
from fangkong.core.audit import audit_record
from fangkong.core.dates import Moment
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import EndMoment, FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap, scope_for
from fangkong.registry.models import Jurisdiction, Place, Unit

from .models import Round, Site, SiteKind
from .providers import sealed_places

POOL_SIZES = (1, 5, 10, 20)  # re-pooling in the lab is not allowed, so the site's choice is final

log = logging.getLogger(__name__)


class RoundCreateInput(FormInput):
    """A round, from the API's body or the rounds page's form. `scope`: jurisdiction ids (empty: all);
    `household_places`: compounds or buildings where each tube holds one household — left out, those of the
    sealed zones in force."""

    name: str
    pool_size: int = 10
    deadline: EndMoment | None = None  # default: 24 hours after the start
    starts_at: Moment | None = None
    result_limit_hours: int = 24  # mass screening
    result_limits: dict[str, int] = {}  # {"fever_clinic": 6, "hospital": 12} (defaults from the domain brief)
    scope: list[int] = []
    household_places: list[int] | None = None

    @classmethod
    def form_values(cls, post) -> dict:
        values = super().form_values(post)
        # The page's list of compounds, when it shows one, is a choice even with nothing selected (a <select
        # multiple> sends nothing then): none. Not shown, the sealed zones' are meant.
        if "household_places_shown" in post:
            values.setdefault("household_places", [])
        return values


@transaction.atomic
def round_create(
    *,
    actor,
    name: str,
    pool_size: int = 10,
    deadline: datetime | None = None,
    starts_at: datetime | None = None,
    result_limit_hours: int = 24,
    scope: list[int] | None = None,
    result_limits: dict[str, int] | None = None,
    household_places: list[int] | None = None,
) -> Round:
    if not has_cap(actor, Cap.TESTING_ADMIN):
        raise Forbidden(Cap.TESTING_ADMIN)
    name = " ".join((name or "").split())
    if not name:
        raise FieldError("name", _("Name the round."), code=Code.REQUIRED)
    if pool_size not in POOL_SIZES:
        raise FieldError("pool_size", _("People per tube: 1, 5, 10 or 20."), code=Code.UNKNOWN_CHOICE)
    start = starts_at or clock.now()
    end = deadline or start + timedelta(hours=24)
    if end <= start:
        raise FieldError("deadline", _("The deadline comes after the start."), code=Code.END_BEFORE_START)
    if not 1 <= result_limit_hours <= 72:
        raise FieldError("result_limit_hours", _("Results within 1 to 72 hours."), code=Code.OUT_OF_RANGE)
    limits = dict(result_limits or {})
    for kind, hours in limits.items():
        if kind not in SiteKind.values or kind == SiteKind.MASS:
            raise FieldError(
                "result_limits",
                _("Limits are given for fever_clinic and hospital sites."),
                code=Code.UNKNOWN_CHOICE,
            )
        if not isinstance(hours, int) or not 1 <= hours <= 72:
            raise FieldError("result_limits", _("Results within 1 to 72 hours."), code=Code.OUT_OF_RANGE)
    places = list(Jurisdiction.objects.filter(pk__in=scope or []))
    if len(places) != len(set(scope or [])):
        raise FieldError("scope", _("Unknown jurisdiction in the scope."), code=Code.NOT_FOUND)
    admin = scope_for(actor, Cap.TESTING_ADMIN)
    if any(not admin.covers(p.path) for p in places):
        raise FieldError("scope", _("The scope reaches outside your jurisdiction."), code=Code.NOT_FOUND)
    if household_places is None:
        # Not chosen: the compounds and buildings of the sealed zones in force (containment's, through
        # providers) — the brief's
        # "one household per tube in sealed compounds" without HQ having to list them.
        household_places = [pk for pk in sealed_places() if admin.covers(Place.objects.get(pk=pk).jpath)]
    compounds = list(Place.objects.filter(pk__in=household_places or [], kind__in=["compound", "building"]))
    if len(compounds) != len(set(household_places or [])):
        raise FieldError(
            "household_places",
            _("One household per tube is set for compounds or buildings."),
            code=Code.NOT_FOUND,
        )
    if any(not admin.covers(p.jpath) for p in compounds):
        raise FieldError(
            "household_places", _("A compound or building lies outside your jurisdiction."), code=Code.NOT_FOUND
        )
    round_ = Round.objects.create(
        name=name[:100],
        pool_size=pool_size,
        starts_at=start,
        deadline=end,
        result_limit_hours=result_limit_hours,
        result_limits=limits,
        created_by=actor,
    )
    round_.scope.set(places)
    round_.household_places.set(compounds)
    audit_record(
        actor=actor,
        action="testing.round_create",
        obj=round_,
        fields={
            "pool_size": pool_size,
            "deadline": end.isoformat(),
            "scope": [p.code for p in places],
            "household_places": [p.pk for p in compounds],
        },
    )
    # Its partition is normally there already (made ahead); this makes the next one ahead (PostgreSQL only).
    transaction.on_commit(_partitions_ahead)
    return round_


def _partitions_ahead() -> None:
    """After the round is committed: a failure here must not turn its creation into an error page. The hourly job
    makes what this could not; samples that arrive before land in the default partition and are moved in then."""
    try:
        partitions.ensure(tables=["testing_sample"])
    except DatabaseError:
        log.warning("the samples' coming partitions were not made now; the hourly job will", exc_info=True)


@transaction.atomic
def site_create(
    *,
    actor,
    name: str,
    jurisdiction_id: int,
    unit_id: int,
    address: str = "",
    hours: str = "",
    kind: str = SiteKind.MASS,
    lon: float | None = None,
    lat: float | None = None,
) -> Site:
    """A sampling site of a team (the unit whose samplers work there), at a place within the admin's reach, with
    its point on the hall's map when known."""
    admin = scope_for(actor, Cap.TESTING_ADMIN)
    place = Jurisdiction.objects.filter(pk=jurisdiction_id).first()
    if place is None or not admin.covers(place.path):
        raise FieldError("jurisdiction", _("Unknown jurisdiction, or outside yours."), code=Code.NOT_FOUND)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise FieldError("unit", _("Unknown sampling team."), code=Code.NOT_FOUND)
    if not (name or "").strip():
        raise FieldError("name", _("Name the site."), code=Code.REQUIRED)
    if kind not in SiteKind.values:
        raise FieldError(
            "kind",
            _("A site is for mass screening, a fever clinic or in- and outpatients."),
            code=Code.UNKNOWN_CHOICE,
        )
    site = Site.objects.create(
        name=name.strip()[:100],
        address=(address or "").strip()[:200],
        jurisdiction=place,
        jpath=place.path,
        kind=kind,
        unit=unit,
        hours=(hours or "")[:64],
        lon=lon,
        lat=lat,
    )
    audit_record(actor=actor, action="testing.site_create", obj=site, fields={"unit": unit.name})
    return site
