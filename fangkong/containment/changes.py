"""Manual status changes: the only way a person's colour is set by hand, and never by one person alone.

Each change has a legal basis, an expiry (at most 30 days), a requester and a different approver; once applied
the person gets a notice with the basis and may appeal, and the appeal is decided by someone who took part in
neither step. A change over several people needs, for each of them, a record in the system that concerns that
person (their case, close contact, closed-loop case or recall): a list of names alone is refused. (In June 2022
officials turned 1,317 depositors' codes red to stop a protest; 871 had never been to the city.)
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from fangkong.core import approvals, clock
from fangkong.core.actors import Resident, require_actor
from fangkong.core.audit import audit_record
from fangkong.core.dates import aware
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import EndMoment, FormInput
from fangkong.core.inbox import notify, words
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap, scope_for
from fangkong.core.text import ascii_digits
from fangkong.registry.models import Person
from fangkong.registry.selectors import users_covering

from . import errors
from .models import Appeal, Case, CloseContact, Colour, StatusChange
from .selectors import appeals_visible, change_get
from .status import status_refresh

MAX_DAYS = 30
MAX_BULK = 200


@dataclass
class BulkItem:
    person_id: int
    basis: str
    record: str  # "case:12", "contact:5", "followup:34", "recall:7": the record concerning this person


class StatusChangeRequestInput(FormInput):
    """A manual status change asked for one person: the API's body and the person page's form (the person from
    the page's address). An expiry given as a date runs to the end of that day."""

    person_id: int
    colour: str
    basis: str
    expires_at: EndMoment | None = None


class AppealFileInput(FormInput):
    """An appeal against a change in force, written down by staff (residents write theirs on /me/)."""

    text: str


class AppealDecideInput(FormInput):
    """The decision on an appeal: upheld revokes the change; the note says why either way."""

    upheld: bool
    note: str


def _require(actor, cap: str) -> None:
    """The capability comes first: a role that may never do this is refused the same way whatever it names."""
    if not has_cap(actor, cap):
        raise Forbidden(cap)


def _person_in(actor, person_id: int, cap: str) -> Person:
    """The person if the actor may act on them: 403 for a role without `cap`, 404 for a person outside the
    actor's view (exactly as for one who does not exist), 403 for one they see but may not act on."""
    _require(actor, cap)
    person = Person.objects.filter(scope_for(actor, Cap.STATUS_VIEW).q(), pk=person_id).first()
    if person is None:
        raise NotFound
    if not scope_for(actor, cap).covers(person.jpath):
        raise Forbidden(cap)
    return person


def _check(colour: str, basis: str, expires_at: datetime | None) -> tuple[str, datetime]:
    if colour not in (Colour.YELLOW, Colour.RED, Colour.GREEN):
        raise FieldError("colour", _("The colour is green, yellow or red."), code=Code.UNKNOWN_CHOICE)
    basis = (basis or "").strip()
    if len(basis) < 10:
        raise FieldError(
            "basis",
            _("Give the legal basis (the regulation and the facts), at least 10 characters."),
            code=Code.TOO_SHORT,
        )
    now = clock.now()
    if expires_at is None:
        raise FieldError("expires_at", _("Give an expiry in the future."), code=Code.REQUIRED)
    if aware(expires_at) <= now:  # the API hands over a bare date or no offset naive
        raise FieldError("expires_at", _("Give an expiry in the future."), code=Code.OUT_OF_RANGE)
    expires_at = aware(expires_at)
    if expires_at > now + timedelta(days=MAX_DAYS):
        raise FieldError(
            "expires_at", _("A manual change lasts at most %(n)d days.") % {"n": MAX_DAYS}, code=Code.OUT_OF_RANGE
        )
    return basis, expires_at


@transaction.atomic
def status_change_request(
    *, actor, person_id: int, colour: str, basis: str, expires_at: datetime | None, batch: str = ""
) -> StatusChange:
    """Ask for a change; nothing changes until a second person approves."""
    person = _person_in(actor, person_id, Cap.STATUS_REQUEST)
    basis, expires_at = _check(colour, basis, expires_at)
    change = StatusChange.objects.create(
        person=person,
        colour=colour,
        basis=basis[:2000],
        expires_at=expires_at,
        requested_by=actor,
        batch=batch,
        jpath=person.jpath,
    )
    audit_record(
        actor=actor,
        action="status_change.request",
        obj=change,
        object_repr=f"{person.name[:1]}*",
        fields={"person": person.pk, "colour": colour, "expires_at": expires_at.isoformat(), "batch": batch},
        reason=basis[:300],
    )
    if not batch:
        _tell_approvers(actor, [change])
    return change


def _tell_approvers(actor, changes: list[StatusChange]) -> None:
    """Nobody waits unseen: the officers who may approve are told in the request's transaction (their desk counts
    them too); the requester is not one of them."""
    approvers = [u for u in users_covering(Cap.STATUS_APPROVE, *{c.jpath for c in changes}) if u.pk != actor.pk]
    title = words(
        ngettext_lazy(
            "%(n)d status change awaits your approval", "%(n)d status changes await your approval", len(changes)
        ),
        n=len(changes),
    )
    notify(approvers, title=title, link=reverse("containment:changes") + "?state=pending")


@transaction.atomic
def status_changes_request_bulk(
    *, actor, colour: str, expires_at: datetime | None, items: list[BulkItem]
) -> list[StatusChange]:
    """Several people at once — each with their own basis and a record that concerns them; one missing and
    nothing is requested.

    The order of the checks is the point: the capability, then each person within the actor's reach (a person
    outside it is refused exactly as one who does not exist), and only then the records. Checking a record before
    the person's scope answered differently for "case 12 concerns person 7" — a health-status oracle for any
    signed-in role."""
    _require(actor, Cap.STATUS_REQUEST)
    if not items:
        raise FieldError("items", _("List the people, each with their basis."), code=Code.REQUIRED)
    if len(items) > MAX_BULK:
        raise FieldError("items", _("At most %(n)d people per request.") % {"n": MAX_BULK}, code=Code.TOO_LARGE)
    seen: set[int] = set()
    for row, item in enumerate(items):
        try:
            _person_in(actor, item.person_id, Cap.STATUS_REQUEST)
        except NotFound as exc:
            raise FieldError(
                "person_id", _("Unknown person, or outside your jurisdiction."), row=row, code=Code.NOT_FOUND
            ) from exc
        if item.person_id in seen:
            raise FieldError("person_id", _("This person is listed twice."), row=row, code=Code.DUPLICATE)
        seen.add(item.person_id)
        if len((item.basis or "").strip()) < 10:
            raise FieldError(
                "basis", _("Each person needs their own basis, at least 10 characters."), row=row, code=Code.TOO_SHORT
            )
        if not _record_concerns(item.record, item.person_id):
            raise FieldError(
                "record",
                _(
                    "Each person needs a record that concerns them (their case, close contact, closed-loop case or "
                    "recall), e.g. case:12."
                ),
                row=row,
                code=errors.Code.NOT_CONCERNED,
            )
    batch = secrets.token_hex(8)
    out = []
    for row, item in enumerate(items):
        try:
            out.append(
                status_change_request(
                    actor=actor,
                    person_id=item.person_id,
                    colour=colour,
                    basis=f"{item.basis.strip()} [{item.record}]",
                    expires_at=expires_at,
                    batch=batch,
                )
            )
        except FieldError as exc:
            raise FieldError(exc.field, exc.message, row=row, code=exc.code) from exc
    _tell_approvers(actor, out)
    return out


def _record_concerns(record: str, person_id: int) -> bool:
    """Whether `record` concerns the person. Called only for a person already within the actor's reach, so the
    answer says nothing about anyone else."""
    kind, _sep, ref = (record or "").partition(":")
    if not ascii_digits(ref):
        return False
    pk = int(ref)
    if kind == "case":
        return Case.objects.filter(pk=pk, person_id=person_id).exists()
    if kind == "contact":
        return CloseContact.objects.filter(pk=pk, person_id=person_id).exists()
    if kind == "followup":
        from fangkong.screening.models import FollowUp

        return FollowUp.objects.filter(pk=pk, person_id=person_id).exists()
    if kind == "recall":
        from fangkong.testing.models import Recall

        return Recall.objects.filter(pk=pk, person_id=person_id).exists()
    return False


def _change_locked(actor, change_id: int) -> StatusChange:
    """The change for a decision on its current state: read through the changes the actor sees (404 otherwise)
    and locked, its row only, until the transaction ends; 403 without the power to approve over it."""
    _require(actor, Cap.STATUS_APPROVE)
    change = change_get(user=actor, change_id=change_id, for_update=True)
    if not scope_for(actor, Cap.STATUS_APPROVE).covers(change.jpath):
        raise Forbidden(Cap.STATUS_APPROVE)
    return change


def _change_decision(actor, change: StatusChange, *, approve: bool, note: str) -> approvals.Decision:
    return approvals.check(
        actor=actor,
        requested_by=change.requested_by_id,
        pending=change.state == StatusChange.State.PENDING,
        old=change.state,
        new=StatusChange.State.APPLIED if approve else StatusChange.State.REJECTED,
        approve=approve,
        note=note,
        own=_("The person who asked for a change cannot approve it."),
        not_pending=_("This change is not awaiting approval."),
        note_missing=_("Say why the change is rejected."),
    )


@transaction.atomic
def status_change_approve(*, actor, change_id: int, note: str = "") -> StatusChange:
    """The second person: applies the change, writes the notice the person reads, rewrites their status."""
    change = _change_locked(actor, change_id)
    decision = _change_decision(actor, change, approve=True, note=note)
    change.state = decision.new
    change.notice = _(
        "Your status was set to %(colour)s until %(until)s. Basis: %(basis)s. You may appeal; the appeal is "
        "decided by someone who took no part in this change."
    ) % {
        "colour": Colour(change.colour).label,
        "until": clock.localtime(change.expires_at),
        "basis": change.basis,
    }
    change.save(update_fields=["state", "notice", *decision.stamp(change)])
    status_refresh([change.person_id])
    _notify(change)
    decision.audit(
        action="status_change.approve",
        obj=change,
        object_repr=f"{change.person.name[:1]}*",
        fields={"person": change.person_id, "colour": change.colour, "requested_by": change.requested_by_id},
    )
    return change


def _notify(change: StatusChange) -> None:
    """The notice goes to the person's phone once the change is committed (and is on their page at /me/)."""
    from fangkong.core import pii
    from fangkong.core.sms import send_sms

    cipher = change.person.phone_cipher
    if cipher:
        phone, text = pii.decrypt(cipher), change.notice
        transaction.on_commit(lambda: send_sms(phone, text))


@transaction.atomic
def status_change_reject(*, actor, change_id: int, note: str) -> StatusChange:
    """The second person declines the change (with the reason): it never applies."""
    change = _change_locked(actor, change_id)
    decision = _change_decision(actor, change, approve=False, note=note)
    change.state = decision.new
    change.save(update_fields=["state", *decision.stamp(change)])
    decision.audit(
        action="status_change.reject",
        obj=change,
        fields={"person": change.person_id},
    )
    return change


def _revoke(decision: approvals.Decision, change: StatusChange, action: str) -> None:
    change.state = decision.new
    change.save(update_fields=["state", *decision.stamp(change, by="revoked_by", at="revoked_at", note=None)])
    status_refresh([change.person_id])
    decision.audit(action=action, obj=change, fields={"person": change.person_id})


@transaction.atomic
def status_change_revoke(*, actor, change_id: int, note: str) -> StatusChange:
    """End an applied change early (the facts changed) — a two-person decision like the change itself: the first
    officer asks with the reason (the change stays applied), a second one confirms and it is revoked. The one who
    asked cannot confirm."""
    change = _change_locked(actor, change_id)
    if change.state != StatusChange.State.APPLIED:
        raise FieldError("state", _("Only an applied change can be revoked."), code=errors.Code.NOT_APPLIED)
    note = (note or "").strip()
    if change.revoke_requested_by_id is None:
        if not note:
            raise FieldError("note", _("Say why the change is revoked."), code=Code.REQUIRED)
        change.revoke_requested_by, change.revoke_requested_at = actor, clock.now()
        change.revoke_request_note = note[:300]
        change.save(update_fields=["revoke_requested_by", "revoke_requested_at", "revoke_request_note"])
        audit_record(
            actor=actor,
            action="status_change.revoke_request",
            obj=change,
            fields={"person": change.person_id},
            reason=change.revoke_request_note,
        )
        return change
    decision = approvals.check(
        actor=actor,
        requested_by=change.revoke_requested_by_id,
        pending=True,
        old=change.state,
        new=StatusChange.State.REVOKED,
        approve=True,
        note=note or change.revoke_request_note,
        own=_("The person who asked for the revocation cannot confirm it."),
    )
    _revoke(decision, change, "status_change.revoke")
    return change


@transaction.atomic
def status_change_revoke_reject(*, actor, change_id: int, note: str) -> StatusChange:
    """The second officer declines a requested revocation: the change stays in force, the request is cleared."""
    change = _change_locked(actor, change_id)
    requested_by = change.revoke_requested_by_id
    decision = approvals.check(
        actor=actor,
        requested_by=requested_by,
        pending=change.state == StatusChange.State.APPLIED and requested_by is not None,
        key="revocation",
        old="requested",
        new="rejected",
        approve=False,
        note=note,
        own=_("The person who asked for the revocation cannot decide on it."),
        not_pending=_("No revocation of this change is awaiting a decision."),
        note_missing=_("Say why the revocation is declined."),
    )
    change.revoke_requested_by, change.revoke_requested_at, change.revoke_request_note = None, None, ""
    change.save(update_fields=["revoke_requested_by", "revoke_requested_at", "revoke_request_note"])
    decision.audit(
        action="status_change.revoke_reject",
        obj=change,
        fields={"person": change.person_id, "requested_by": requested_by},
    )
    return change


@transaction.atomic
def appeal_file(*, actor, change_id: int, text: str) -> Appeal:
    """The person appeals (from the portal: `actor` is core.actors.Resident, who may appeal only a change about
    themselves), or a worker writes it down for them (capability and scope checked)."""
    require_actor(actor)
    resident = isinstance(actor, Resident)
    if not resident:
        _require(actor, Cap.STATUS_VIEW)
    # Locked (its row only): two appeals filed at the same moment must not both pass the "already open" check.
    change = StatusChange.objects.select_for_update(of=("self",)).filter(pk=change_id).first()
    if change is None:
        raise NotFound
    if resident:
        if change.person_id != actor.person_id:
            raise NotFound
    elif not scope_for(actor, Cap.STATUS_VIEW).covers(change.jpath):
        raise NotFound
    if change.state != StatusChange.State.APPLIED:
        raise FieldError("change", _("Only a change in force can be appealed."), code=Code.WRONG_STATE)
    if change.appeals.filter(state=Appeal.State.OPEN).exists():
        raise FieldError("change", _("An appeal against this change is already open."), code=Code.DUPLICATE)
    text = (text or "").strip()
    if len(text) < 4:
        raise FieldError("text", _("Say why the change is wrong."), code=Code.TOO_SHORT)
    appeal = Appeal.objects.create(
        change=change, text=text[:2000], filed_by=actor if getattr(actor, "is_authenticated", False) else None
    )
    audit_record(actor=actor, action="appeal.file", obj=appeal, jpath=change.jpath, fields={"change": change.pk})
    return appeal


@transaction.atomic
def appeal_decide(*, actor, appeal_id: int, upheld: bool, note: str) -> Appeal:
    """Decided by someone who neither asked for nor approved the change (nor asked to revoke it), nor filed the
    appeal; with the reasons, either way. Upheld revokes the change at once."""
    _require(actor, Cap.STATUS_APPROVE)
    appeal = appeals_visible(user=actor).select_for_update(of=("self",)).filter(pk=appeal_id).first()
    if appeal is None:
        raise NotFound
    # The change too: an upheld appeal revokes it, and a revocation may be being confirmed at the same moment.
    change = StatusChange.objects.select_for_update().get(pk=appeal.change_id)
    if not scope_for(actor, Cap.STATUS_APPROVE).covers(change.jpath):
        raise Forbidden(Cap.STATUS_APPROVE)
    approvals.refuse_own(
        actor,
        (change.requested_by_id, change.decided_by_id, change.revoke_requested_by_id),
        _("Those who made a change cannot decide the appeal against it."),
    )
    decision = approvals.check(
        actor=actor,
        # An officer who wrote the appeal down and then upheld it would revoke the change alone.
        requested_by=appeal.filed_by_id,
        pending=appeal.state == Appeal.State.OPEN,
        old=appeal.state,
        new=Appeal.State.UPHELD if upheld else Appeal.State.DISMISSED,
        approve=upheld,
        note=note,
        note_needed=True,
        own=_("The person who filed an appeal cannot decide it."),
        not_pending=_("This appeal is decided already."),
        note_missing=_("Give the reasons for the decision."),
    )
    appeal.state = decision.new
    appeal.save(update_fields=["state", *decision.stamp(appeal)])
    if upheld and change.state == StatusChange.State.APPLIED:
        revocation = approvals.Decision(
            actor=actor, at=decision.at, note=decision.note, old=change.state, new=StatusChange.State.REVOKED
        )
        _revoke(revocation, change, "status_change.revoke_on_appeal")
    decision.audit(action="appeal.decide", obj=appeal, jpath=change.jpath, fields={"upheld": upheld})
    return appeal
