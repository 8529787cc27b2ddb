"""Proposing a zone: by an officer (`zone_request`), or drafted by the platform for a confirmed case (drafting);
either way pending until a human officer approves it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import clock
from fangkong.core.alerts import raise_alert
from fangkong.core.audit import audit_record
from fangkong.core.bilingual import in_reader_language_later
from fangkong.core.dates import Moment
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import EndMoment, FormInput
from fangkong.core.inbox import notify, words
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for
from fangkong.registry.models import Jurisdiction, Place
from fangkong.registry.selectors import users_covering

from .. import errors
from ..events import ZONE_PROPOSED_ALERT
from ..models import Case, Zone, ZoneLevel

ZONE_PLACE_KINDS = (Place.Kind.COMPOUND, Place.Kind.BUILDING, Place.Kind.HOUSEHOLD)


class ZoneRequestInput(FormInput):
    """A proposed zone, from the API's body or the zones page's form. Without a name it is called after its
    document number, or else its level."""

    name: str = ""
    level: str
    basis: str
    places: list[int] = []
    jurisdictions: list[int] = []
    document_number: str = ""
    starts_at: Moment | None = None
    planned_end: EndMoment | None = None


def _common_path(paths: list[str]) -> str:
    """The narrowest jurisdiction path holding all of `paths` ("211103/004/" and "211103/004/017/" →
    "211103/004/")."""
    parts = [p.rstrip("/").split("/") for p in paths]
    common: list[str] = []
    for segs in zip(*parts, strict=False):
        if len(set(segs)) != 1:
            break
        common.append(segs[0])
    return "/".join(common) + "/" if common else ""


@transaction.atomic
def zone_request(
    *,
    actor,
    name: str,
    level: str,
    basis: str,
    places: list[int] | None = None,
    jurisdictions: list[int] | None = None,
    document_number: str = "",
    starts_at: datetime | None = None,
    planned_end: datetime | None = None,
) -> Zone:
    """Propose a zone; it has no effect until a second person approves it."""
    reach = scope_for(actor, Cap.ZONE_REQUEST)
    if reach.empty:
        raise Forbidden(Cap.ZONE_REQUEST)
    # The places first, read within the requester's reach only: one outside it is refused exactly as one that
    # does not exist (naming it would tell an outsider what lies where).
    place_ids, jurisdiction_ids = list(dict.fromkeys(places or [])), list(dict.fromkeys(jurisdictions or []))
    place_rows = list(Place.objects.filter(reach.q("jpath"), pk__in=place_ids, kind__in=ZONE_PLACE_KINDS))
    if len(place_rows) != len(place_ids):
        raise FieldError(
            "places",
            _("Unknown place, or outside your jurisdiction: zones are drawn over compounds, buildings or households."),
            code=Code.NOT_FOUND,
        )
    juris_rows = list(Jurisdiction.objects.filter(reach.q("path"), pk__in=jurisdiction_ids))
    if len(juris_rows) != len(jurisdiction_ids):
        raise FieldError("jurisdictions", _("Unknown jurisdiction, or outside your jurisdiction."), code=Code.NOT_FOUND)
    if not place_rows and not juris_rows:
        raise FieldError(
            "places", _("A zone covers at least one compound, building or jurisdiction."), code=Code.REQUIRED
        )
    zone_level = ZoneLevel.objects.filter(code=(level or "").strip(), active=True).first()
    if zone_level is None:
        codes = ", ".join(ZoneLevel.objects.filter(active=True).values_list("code", flat=True))
        raise FieldError(
            "level", _("Unknown zone level; the levels are: %(codes)s.") % {"codes": codes}, code=Code.UNKNOWN_CHOICE
        )
    name = " ".join((name or document_number or zone_level.name).split())[:100]
    basis = (basis or "").strip()
    if len(basis) < 4:
        raise FieldError(
            "basis", _("Give the basis of the decision (the case, the assessment, the order)."), code=Code.TOO_SHORT
        )
    _check_no_overlap(place_rows, juris_rows)
    start = starts_at or clock.now()
    if planned_end is not None and planned_end <= start:
        raise FieldError("planned_end", _("The planned end comes after the start."), code=Code.END_BEFORE_START)
    return _zone_create(
        actor=actor,
        name=name,
        level=zone_level,
        basis=basis,
        place_rows=place_rows,
        juris_rows=juris_rows,
        document_number=document_number,
        starts_at=start,
        planned_end=planned_end,
    )


def _zone_create(
    *,
    actor,
    name: str,
    level: ZoneLevel,
    basis: str,
    place_rows: list[Place],
    juris_rows: list[Jurisdiction],
    document_number: str = "",
    starts_at: datetime,
    planned_end: datetime | None = None,
    drafted_for: Case | None = None,
    audit_fields: dict | None = None,
) -> Zone:
    """Write a checked proposal, audit it, raise the hall's alert and tell every officer who may approve it. The
    platform (a `System` actor) proposes as nobody: `requested_by` stays empty, so any officer may approve."""
    requester = actor if getattr(actor, "pk", None) is not None else None
    zone = Zone.objects.create(
        name=name,
        level=level,
        basis=basis[:2000],
        document_number=(document_number or "").strip()[:60],
        starts_at=starts_at,
        planned_end=planned_end,
        requested_by=requester,
        drafted_for=drafted_for,
        jpath=_common_path([p.jpath for p in place_rows] + [j.path for j in juris_rows]),
    )
    zone.places.set(place_rows)
    zone.jurisdictions.set(juris_rows)
    audit_record(
        actor=actor,
        action="zone.draft" if drafted_for is not None else "zone.request",
        obj=zone,
        fields={
            "level": level.code,
            "places": [p.pk for p in place_rows],
            "jurisdictions": [j.code for j in juris_rows],
            "document_number": zone.document_number,
            "starts_at": starts_at.isoformat(),
            **(audit_fields or {}),
        },
        reason=basis[:300],
    )
    link = reverse("containment:zone", args=[zone.pk])
    raise_alert(
        kind=ZONE_PROPOSED_ALERT,
        subject=words("%(level)s · %(zone)s", level=level_label(level), zone=zone.name),
        jpath=zone.jpath,
        link=link,
        ref=f"containment.zone:{zone.pk}",
    )
    # Nobody waits unseen: the officers who may approve it are told in this transaction (their desk counts it).
    approvers = [u for u in users_covering(Cap.ZONE_APPROVE, zone.jpath) if requester is None or u.pk != requester.pk]
    notify(approvers, title=words(gettext_lazy("Zone awaiting your approval: %(name)s"), name=zone.name), link=link)
    return zone


def _check_no_overlap(places: list[Place], jurisdictions: list[Jurisdiction]) -> None:
    """A zone that lists the same ground twice (a building and its compound, a community and its street) is a
    drafting error: it would count people twice and make lifting ambiguous."""
    ids = {p.pk for p in places}
    for p in places:
        ancestor = p.parent
        while ancestor is not None:
            if ancestor.pk in ids:
                raise FieldError(
                    "places",
                    _("%(a)s lies within %(b)s, listed too.") % {"a": p.name, "b": ancestor.name},
                    code=errors.Code.NESTED,
                )
            ancestor = ancestor.parent
    for p in places:
        for j in jurisdictions:
            if p.jpath.startswith(j.path):
                raise FieldError(
                    "places",
                    _("%(a)s lies within %(b)s, listed too.") % {"a": p.name, "b": j.name},
                    code=errors.Code.NESTED,
                )
    for a in jurisdictions:
        for b in jurisdictions:
            if a.pk != b.pk and a.path.startswith(b.path):
                raise FieldError(
                    "jurisdictions",
                    _("%(a)s lies within %(b)s, listed too.") % {"a": a.name, "b": b.name},
                    code=errors.Code.NESTED,
                )


def level_label(level: ZoneLevel):
    """A level's name decided when the line is read (core.bilingual.words): in the reader's language."""
    return in_reader_language_later(level.name, level.name_en)
