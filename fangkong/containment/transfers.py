"""Closed-loop transfers (闭环转运): a case or close contact taken from their door to a designated hospital or an
isolation site. Each step in order, stamped by whoever did it; a step late against its limit is flagged (derived
from the clock when read); a full site refuses new transfers; release from isolation closes the loop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.alerts import raise_alerts, refs_raised
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.models import HallAlert
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for, unit_ids_for
from fangkong.registry.models import Person

from . import errors
from .events import TRANSFER_LATE_ALERT
from .models import Case, CloseContact, IsolationSite, Transfer, TransferLimits
from .status import status_refresh

OPEN = (Transfer.State.DISPATCHED, Transfer.State.PICKED_UP, Transfer.State.ARRIVED, Transfer.State.RECEIVED)
# step → (state it comes from, state it leads to, timestamp field, who field)
STEPS = {
    "pick_up": (Transfer.State.DISPATCHED, Transfer.State.PICKED_UP, "picked_up_at", "picked_up_by"),
    "arrive": (Transfer.State.PICKED_UP, Transfer.State.ARRIVED, "arrived_at", "arrived_by"),
    "receive": (Transfer.State.ARRIVED, Transfer.State.RECEIVED, "received_at", "received_by"),
    "release": (Transfer.State.RECEIVED, Transfer.State.RELEASED, "released_at", "released_by"),
}


class TransferDispatchInput(FormInput):
    """A transfer to isolation: the API's body and the person page's form (the person from the page's address)."""

    person_id: int
    destination_id: int
    pickup_address: str
    vehicle: str
    crew: str
    case_id: int | None = None
    contact_id: int | None = None


class TransferStepInput(FormInput):
    """The next step of a transfer, from the API or the transfers page."""

    step: str  # pick_up | arrive | receive | release
    note: str = ""


def occupancy(site_ids: list[int] | None = None) -> dict[int, int]:
    """Beds taken per site: people received, and those on their way (a bed is held for them)."""
    qs = Transfer.objects.filter(state__in=OPEN)
    if site_ids is not None:
        qs = qs.filter(destination_id__in=site_ids)
    return dict(qs.values("destination_id").annotate(n=Count("id")).values_list("destination_id", "n"))


@transaction.atomic
def transfer_dispatch(
    *,
    actor,
    person_id: int,
    destination_id: int,
    pickup_address: str,
    vehicle: str,
    crew: str,
    case_id: int | None = None,
    contact_id: int | None = None,
) -> Transfer:
    """Order a transfer for a confirmed case or a close contact."""
    if scope_for(actor, Cap.CASE_WORK).empty:
        raise Forbidden(Cap.CASE_WORK)  # before any look-up: the refusal must not depend on who exists
    person = Person.objects.filter(scope_for(actor, Cap.STATUS_VIEW).q(), pk=person_id).first()
    if person is None:
        raise NotFound
    if not scope_for(actor, Cap.CASE_WORK).covers(person.jpath):
        raise Forbidden(Cap.CASE_WORK)
    case = Case.objects.filter(pk=case_id, person=person).first() if case_id else None
    contact = CloseContact.objects.filter(pk=contact_id, person=person).first() if contact_id else None
    if case is None and contact is None:
        case = Case.objects.filter(person=person, released_at__isnull=True).first()
        contact = CloseContact.objects.filter(person=person).order_by("-last_contact_at").first()
    if case is None and contact is None:
        raise FieldError(
            "person_id",
            _("A transfer is for a confirmed case or a recorded close contact."),
            code=errors.Code.NOT_ELIGIBLE,
        )
    site = IsolationSite.objects.select_for_update().filter(pk=destination_id, active=True).first()
    if site is None:
        raise FieldError("destination_id", _("Unknown isolation site."), code=Code.NOT_FOUND)
    if occupancy([site.pk]).get(site.pk, 0) >= site.capacity:
        raise FieldError(
            "destination_id",
            _("%(s)s is full (%(n)d beds): choose another site.") % {"s": site.name, "n": site.capacity},
            code=errors.Code.FULL,
        )
    for field, value in (("pickup_address", pickup_address), ("vehicle", vehicle), ("crew", crew)):
        if not (value or "").strip():
            raise FieldError(field, _("Required."), code=Code.REQUIRED)
    if Transfer.objects.filter(person=person, state__in=OPEN).exists():
        raise FieldError("person_id", _("This person already has a transfer under way."), code=errors.Code.UNDER_WAY)
    transfer = Transfer.objects.create(
        person=person,
        case=case,
        contact=contact if case is None else None,
        pickup_address=pickup_address.strip()[:200],
        destination=site,
        vehicle=vehicle.strip()[:40],
        crew=crew.strip()[:200],
        dispatched_by=actor,
        jpath=person.jpath,
    )
    audit_record(
        actor=actor,
        action="transfer.dispatch",
        obj=transfer,
        object_repr=f"{person.name[:1]}*",
        fields={"destination": site.name, "vehicle": transfer.vehicle},
    )
    return transfer


def _may_step(actor, transfer: Transfer, step: str) -> bool:
    """Pick-up and arrival: the transfer team (or whoever dispatched within their reach); receipt and release:
    the destination's staff (release also those who work cases)."""
    crew = bool(unit_ids_for(actor, Cap.TRANSFER_WORK)) and step in ("pick_up", "arrive")
    site_staff = transfer.destination.unit_id in unit_ids_for(actor, Cap.TRANSFER_WORK) and step in (
        "receive",
        "release",
    )
    case_work = scope_for(actor, Cap.CASE_WORK).covers(transfer.jpath)
    return crew or site_staff or case_work


@transaction.atomic
def transfer_step(*, actor, transfer_id: int, step: str, note: str = "") -> Transfer:
    if not (unit_ids_for(actor, Cap.TRANSFER_WORK) or not scope_for(actor, Cap.CASE_WORK).empty):
        raise Forbidden(Cap.TRANSFER_WORK)
    if step not in STEPS:
        raise FieldError("step", _("The steps are pick_up, arrive, receive and release."), code=Code.UNKNOWN_CHOICE)
    transfer = Transfer.objects.select_for_update().select_related("destination").filter(pk=transfer_id).first()
    if transfer is None or not _may_step(actor, transfer, step):
        raise NotFound
    before, after, at_field, by_field = STEPS[step]
    if transfer.state != before:
        raise FieldError(
            "step",
            _("Out of order: the transfer is “%(now)s”; this step comes after “%(before)s”.")
            % {"now": transfer.get_state_display(), "before": Transfer.State(before).label},
            code=errors.Code.OUT_OF_ORDER,
        )
    transfer.state = after
    setattr(transfer, at_field, clock.now())
    setattr(transfer, by_field, actor)
    if note:
        transfer.note = note.strip()[:300]
    transfer.save(update_fields=["state", at_field, by_field, "note"])
    if step in ("receive", "release"):
        status_refresh([transfer.person_id])  # in isolation is red; released is not
    audit_record(actor=actor, action=f"transfer.{step}", obj=transfer, fields={"state": after}, reason=note[:300])
    return transfer


@dataclass
class Lateness:
    step: str
    due: datetime
    late: bool

    @property
    def label(self) -> str:
        return {"pick_up": _("pick-up"), "arrive": _("arrival"), "receive": _("receipt")}[self.step]


def due_step(transfer: Transfer, now: datetime | None = None) -> Lateness | None:
    """The next step and whether it is overdue (derived from the clock)."""
    now = now or clock.now()
    if transfer.state == Transfer.State.DISPATCHED:
        due, step = transfer.dispatched_at + timedelta(minutes=TransferLimits.PICKUP), "pick_up"
    elif transfer.state == Transfer.State.PICKED_UP and transfer.picked_up_at:
        due, step = transfer.picked_up_at + timedelta(minutes=TransferLimits.ARRIVAL), "arrive"
    elif transfer.state == Transfer.State.ARRIVED and transfer.arrived_at:
        due, step = transfer.arrived_at + timedelta(minutes=TransferLimits.RECEIPT), "receive"
    else:
        return None
    return Lateness(step=step, due=due, late=now > due)


def transfers_visible(*, user):
    """Transfers of people in the user's reach, the crew's, and those bound for the user's site."""
    units = unit_ids_for(user, Cap.TRANSFER_WORK)
    q = scope_for(user, Cap.STATUS_VIEW).q("jpath") | Q(destination__unit_id__in=units)
    if units:
        q |= Q(state__in=[Transfer.State.DISPATCHED, Transfer.State.PICKED_UP])  # crews see what is on the road
    return Transfer.objects.filter(q).select_related("person", "destination").order_by("-dispatched_at")


def sites_with_occupancy() -> list[tuple[IsolationSite, int]]:
    sites = list(IsolationSite.objects.filter(active=True).order_by("name"))
    taken = occupancy([s.pk for s in sites])
    return [(s, taken.get(s.pk, 0)) for s in sites]


def sweep_late(now: datetime) -> int:
    """Transfers past their step's limit (TransferLimits): an alert for the hall once per transfer and step
    (registered with core.alerts; `fangkong escalate` runs it). Answers the alerts raised."""
    under_way = [Transfer.State.DISPATCHED, Transfer.State.PICKED_UP, Transfer.State.ARRIVED]
    late = []
    for t in Transfer.objects.filter(state__in=under_way).select_related("destination"):
        due = due_step(t, now)
        if due is not None and due.late:
            late.append((f"containment.transfer:{t.pk}:{due.step}", t))
    raised = refs_raised([ref for ref, _t in late])
    alerts = [
        HallAlert(
            kind=TRANSFER_LATE_ALERT,
            at=now,
            subject=f"{t.vehicle} → {t.destination.name}",
            jpath=t.jpath,
            link=reverse("containment:transfers"),
            ref=ref,
        )
        for ref, t in late
        if ref not in raised
    ]
    raise_alerts(alerts)
    return len(alerts)
