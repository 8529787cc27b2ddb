"""Zones: proposed by one person, approved by another, lifted against the protocol's criteria.

Who is inside: the residents of the listed compounds, buildings and households, and everybody registered in the
listed jurisdictions. Approving or lifting a zone rewrites the status of all of them in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import approvals, clock
from fangkong.core.alerts import raise_alert
from fangkong.core.audit import audit_record
from fangkong.core.bilingual import in_reader_language_later
from fangkong.core.dates import Moment
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import EndMoment, FormInput
from fangkong.core.inbox import notify, words
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for
from fangkong.registry.models import Jurisdiction, Person, Place
from fangkong.registry.selectors import users_covering

from . import errors
from .events import ZONE_APPROVED_ALERT, ZONE_PROPOSED_ALERT
from .models import Case, CloseContact, Zone, ZoneLevel
from .selectors import zone_get
from .status import status_refresh

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


class ZoneLiftInput(FormInput):
    """Lifting a zone; with its criteria unmet, `override` and a written reason ask for an early lifting."""

    note: str = ""
    override: bool = False


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
    zone = Zone.objects.create(
        name=name,
        level=zone_level,
        basis=basis[:2000],
        document_number=(document_number or "").strip()[:60],
        starts_at=start,
        planned_end=planned_end,
        requested_by=actor,
        jpath=_common_path([p.jpath for p in place_rows] + [j.path for j in juris_rows]),
    )
    zone.places.set(place_rows)
    zone.jurisdictions.set(juris_rows)
    audit_record(
        actor=actor,
        action="zone.request",
        obj=zone,
        fields={
            "level": zone_level.code,
            "places": [p.pk for p in place_rows],
            "jurisdictions": [j.code for j in juris_rows],
            "document_number": zone.document_number,
            "starts_at": start.isoformat(),
        },
        reason=basis[:300],
    )
    link = reverse("containment:zone", args=[zone.pk])
    raise_alert(
        kind=ZONE_PROPOSED_ALERT,
        subject=words("%(level)s · %(zone)s", level=level_label(zone_level), zone=zone.name),
        jpath=zone.jpath,
        link=link,
        ref=f"containment.zone:{zone.pk}",
    )
    # Nobody waits unseen: the officers who may approve it are told in this transaction (their desk counts it).
    approvers = [u for u in users_covering(Cap.ZONE_APPROVE, zone.jpath) if u.pk != actor.pk]
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


def _zone_locked(actor, zone_id: int, cap: str) -> Zone:
    """The zone for a decision on its current state: read through the zones the actor sees (404 otherwise) and
    locked, its row only, until the transaction ends; 403 without `cap` over it."""
    if scope_for(actor, cap).empty:
        raise Forbidden(cap)
    zone = zone_get(user=actor, zone_id=zone_id, for_update=True)
    if not scope_for(actor, cap).covers(zone.jpath):
        raise Forbidden(cap)
    return zone


def _zone_decision(actor, zone: Zone, *, approve: bool, note: str) -> approvals.Decision:
    return approvals.check(
        actor=actor,
        requested_by=zone.requested_by_id,
        pending=zone.state == Zone.State.PENDING,
        old=zone.state,
        new=Zone.State.ACTIVE if approve else Zone.State.REJECTED,
        approve=approve,
        note=note,
        own=_("The person who proposed a zone cannot approve it.")
        if approve
        else _("The person who proposed a zone cannot decide on it."),
        not_pending=_("This zone is not awaiting approval."),
        note_missing=_("Say why the zone is rejected."),
    )


@transaction.atomic
def zone_approve(*, actor, zone_id: int, note: str = "") -> Zone:
    """The second person: puts the zone in force and turns the status of everyone inside."""
    zone = _zone_locked(actor, zone_id, Cap.ZONE_APPROVE)
    decision = _zone_decision(actor, zone, approve=True, note=note)
    zone.state = decision.new
    zone.save(update_fields=["state", *decision.stamp(zone)])
    refreshed = status_refresh(people_in_zone_ids(zone))
    decision.audit(action="zone.approve", obj=zone, fields={"people": refreshed})
    raise_alert(
        kind=ZONE_APPROVED_ALERT,
        subject=words("%(level)s · %(zone)s", level=level_label(zone.level), zone=zone.name),
        jpath=zone.jpath,
        link=reverse("containment:zone", args=[zone.pk]),
        ref=f"containment.zone:{zone.pk}",
    )
    return zone


@transaction.atomic
def zone_reject(*, actor, zone_id: int, note: str) -> Zone:
    """The second person declines the zone (with the reason): it never takes effect."""
    zone = _zone_locked(actor, zone_id, Cap.ZONE_APPROVE)
    decision = _zone_decision(actor, zone, approve=False, note=note)
    zone.state = decision.new
    zone.save(update_fields=["state", *decision.stamp(zone)])
    decision.audit(action="zone.reject", obj=zone)
    return zone


@transaction.atomic
def zone_lift(*, actor, zone_id: int, note: str, override: bool = False) -> Zone:
    """Lift a zone whose lifting criteria are met. One whose criteria are not met is lifted early only by two
    officers, like putting it in force: the first asks (`override`, the reason written down), a second confirms
    (`override` again); the record shows which criteria stood unmet. The one who asked cannot confirm."""
    zone = _zone_locked(actor, zone_id, Cap.ZONE_APPROVE)
    if zone.state != Zone.State.ACTIVE:
        raise FieldError("state", _("Only a zone in force can be lifted."), code=Code.NOT_ACTIVE)
    note = (note or "").strip()
    unmet = [c.label for c in lifting_criteria(zone) if not c.met]
    if unmet and not override:
        raise FieldError(
            "state", _("Lifting criteria not met: %(c)s.") % {"c": "; ".join(unmet)}, code=errors.Code.UNMET
        )
    if unmet and zone.lift_requested_by_id is None:
        if len(note) < 10:
            raise FieldError(
                "note", _("Lifting with criteria unmet needs the reason written down."), code=Code.REQUIRED
            )
        zone.lift_requested_by, zone.lift_requested_at, zone.lift_request_note = actor, clock.now(), note[:300]
        zone.save(update_fields=["lift_requested_by", "lift_requested_at", "lift_request_note"])
        audit_record(actor=actor, action="zone.lift_request", obj=zone, fields={"unmet": unmet}, reason=note[:300])
        return zone
    # Criteria met: one officer lifts. Unmet: the second officer confirms the first one's request.
    decision = approvals.check(
        actor=actor,
        requested_by=zone.lift_requested_by_id if unmet else None,
        pending=True,
        old=zone.state,
        new=Zone.State.LIFTED,
        approve=True,
        note=note or zone.lift_request_note,
        own=_("The person who asked to lift the zone early cannot confirm it."),
    )
    zone.state = decision.new
    zone.save(update_fields=["state", *decision.stamp(zone, by="lifted_by", at="lifted_at", note="lift_note")])
    refreshed = status_refresh(people_in_zone_ids(zone))
    decision.audit(
        action="zone.lift",
        obj=zone,
        fields={"people": refreshed, "unmet": unmet, "requested_by": zone.lift_requested_by_id},
    )
    return zone


@transaction.atomic
def zone_lift_reject(*, actor, zone_id: int, note: str) -> Zone:
    """The second officer declines an early lifting (with the reason): the zone stays in force, the request goes."""
    zone = _zone_locked(actor, zone_id, Cap.ZONE_APPROVE)
    requested_by = zone.lift_requested_by_id
    decision = approvals.check(
        actor=actor,
        requested_by=requested_by,
        pending=zone.state == Zone.State.ACTIVE and requested_by is not None,
        key="lift",
        old="requested",
        new="rejected",
        approve=False,
        note=note,
        own=_("The person who asked to lift the zone early cannot decide on it."),
        not_pending=_("No early lifting of this zone is awaiting a decision."),
        note_missing=_("Say why the zone stays in force."),
    )
    zone.lift_requested_by, zone.lift_requested_at, zone.lift_request_note = None, None, ""
    zone.save(update_fields=["lift_requested_by", "lift_requested_at", "lift_request_note"])
    decision.audit(action="zone.lift_reject", obj=zone, fields={"requested_by": requested_by})
    return zone


def households_in(place_ids: list[int]) -> list[int]:
    """Households at or under these places (compound → building → household). One level at a time, each along the
    parent index: an OR across a join made PostgreSQL scan every place of the city (240 ms at 1.4 M people)."""
    if not place_ids:
        return []
    households = Place.objects.filter(kind=Place.Kind.HOUSEHOLD)
    buildings = list(Place.objects.filter(parent_id__in=place_ids).values_list("pk", flat=True))
    found = set(households.filter(pk__in=place_ids).values_list("pk", flat=True))
    found |= set(households.filter(parent_id__in=[*place_ids, *buildings]).values_list("pk", flat=True))
    return sorted(found)


def people_in_zone(zone: Zone):
    """A queryset of the people inside (residents of its places, anyone registered in its jurisdictions)."""
    query = Q(pk__in=[])
    homes = households_in(list(zone.places.values_list("pk", flat=True)))
    if homes:
        query |= Q(household_id__in=homes)
    for path in zone.jurisdictions.values_list("path", flat=True):
        query |= Q(jpath__startswith=path)
    # A duplicate merged into another record (registry.merging) is no one: the kept record is the person.
    return Person.objects.filter(query, merged_into__isnull=True)


def people_in_zone_ids(zone: Zone) -> list[int]:
    return list(people_in_zone(zone).values_list("pk", flat=True))


@dataclass
class Criterion:
    code: str
    label: str
    met: bool
    detail: str


def lifting_criteria(zone: Zone) -> list[Criterion]:
    """How each of the level's lifting criteria stands today."""
    from fangkong.testing.selectors import latest_negative

    level, now = zone.level, clock.now()
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
            )
        )
    if level.contact_days:
        contacts = dict(
            CloseContact.objects.filter(Q(case__person_id__in=people) | Q(person_id__in=people))
            .values("person_id")
            .annotate(last=Max("last_contact_at"))
            .values_list("person_id", "last")
        )
        cutoff = now - timedelta(days=level.contact_days)
        negatives = latest_negative(list(contacts))
        recent = [pid for pid, at in contacts.items() if at > cutoff]
        untested = [pid for pid, at in contacts.items() if pid not in negatives or negatives[pid] < at]
        out.append(
            Criterion(
                "contact_days",
                _("last close contact over %(n)d days ago, and negative") % {"n": level.contact_days},
                not recent and not untested,
                _("%(c)d close contacts, %(r)d within the period, %(u)d without a negative test since")
                % {"c": len(contacts), "r": len(recent), "u": len(untested)},
            )
        )
    if level.negative_days:
        since = now - timedelta(days=level.negative_days)
        missing = len(people) - sum(1 for at in latest_negative(people).values() if at >= since)
        out.append(
            Criterion(
                "negative_days",
                _("everyone inside negative in the last %(n)d days") % {"n": level.negative_days},
                bool(people) and missing == 0,
                _("%(m)d of %(n)d without a negative result") % {"m": missing, "n": len(people)},
            )
        )
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
    return out


def level_label(level: ZoneLevel):
    """A level's name decided when the line is read (core.bilingual.words): in the reader's language."""
    return in_reader_language_later(level.name, level.name_en)
