"""Deciding on a zone: a second officer puts it in force or rejects it; lifting against the criteria, early only
by two officers."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.core import approvals, clock
from fangkong.core.alerts import raise_alert
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.inbox import words
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for

from .. import errors
from ..events import ZONE_APPROVED_ALERT
from ..models import Zone
from ..selectors import zone_get
from ..status import status_refresh
from .inside import people_in_zone_ids
from .lifting import lifting_criteria
from .requests import level_label


class ZoneLiftInput(FormInput):
    """Lifting a zone; with its criteria unmet, `override` and a written reason ask for an early lifting."""

    note: str = ""
    override: bool = False


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
