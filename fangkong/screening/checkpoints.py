"""Checkpoints, their shifts, and the record of requests to pass without registering."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.dates import Moment
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import EndMoment, FormInput
from fangkong.core.ids import clean_plate
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, unit_ids_for
from fangkong.registry.models import Unit

from .models import Checkpoint, PassRequest, Shift
from .selectors import checkpoint_for_work, checkpoints_by_id, checkpoints_managed


def _staff_of(checkpoint: Checkpoint, usernames: list[str]) -> list:
    """Users named for a shift must be able to work at this checkpoint."""
    users = []
    for username in usernames:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None or checkpoint.unit_id not in unit_ids_for(user, Cap.CHECKPOINT_WORK):
            raise FieldError(
                "staff", _("%(u)s is not staff of this checkpoint.") % {"u": username}, code=Code.NOT_FOUND
            )
        users.append(user)
    return users


def checkpoint_managed(*, actor, checkpoint_id: int, for_update: bool = False) -> Checkpoint:
    """The one access path to a checkpoint one manages (404 for any other); `for_update` locks its row."""
    rows = checkpoints_managed(user=actor)
    found = (rows.select_for_update(of=("self",)) if for_update else rows).filter(pk=checkpoint_id).first()
    if found is None:
        raise NotFound
    return found


class CheckpointCloseInput(FormInput):
    """Why a checkpoint closes (a road reopened, the post merged into another), from the API or the shifts page."""

    reason: str


def _opened_or_closed(actor, checkpoint: Checkpoint, active: bool, reason: str = "") -> Checkpoint:
    checkpoint.active = active
    checkpoint.save(update_fields=["active"])
    audit_record(
        actor=actor,
        action="checkpoint.reopen" if active else "checkpoint.close",
        obj=checkpoint,
        jpath=checkpoint.jpath,
        fields={"reason": reason} if reason else None,
    )
    checkpoints_by_id.forget()  # registrations read checkpoints from a minute's memo
    return checkpoint


@transaction.atomic
def checkpoint_close(*, actor, checkpoint_id: int, reason: str) -> Checkpoint:
    """Close a checkpoint (its manager): nobody registers there any more; its passages and shifts stay on the
    record, and it may reopen."""
    checkpoint = checkpoint_managed(actor=actor, checkpoint_id=checkpoint_id, for_update=True)
    if not (reason or "").strip():
        raise FieldError("reason", _("Say why the checkpoint closes."), code=Code.REQUIRED)
    if not checkpoint.active:
        raise FieldError("reason", _("The checkpoint is closed already."), code=Code.WRONG_STATE)
    return _opened_or_closed(actor, checkpoint, False, reason.strip()[:200])


@transaction.atomic
def checkpoint_reopen(*, actor, checkpoint_id: int) -> Checkpoint:
    checkpoint = checkpoint_managed(actor=actor, checkpoint_id=checkpoint_id, for_update=True)
    if checkpoint.active:
        raise FieldError("checkpoint", _("The checkpoint is open."), code=Code.WRONG_STATE)
    return _opened_or_closed(actor, checkpoint, True)


def shifts_ahead(checkpoint: Checkpoint, *, days: int = 7) -> list[Shift]:
    now = clock.now()
    return list(
        checkpoint.shifts.filter(ends_at__gt=now, starts_at__lt=now + timedelta(days=min(max(days, 1), 31)))
        .select_related("leader")
        .prefetch_related("staff")
    )


def shifts_ahead_of(checkpoints: list[Checkpoint], *, days: int = 7) -> dict[int, list[Shift]]:
    """shifts_ahead for many checkpoints in one read (a page of them must not cost a query each)."""
    now = clock.now()
    out: dict[int, list[Shift]] = {c.pk: [] for c in checkpoints}
    shifts = (
        Shift.objects.filter(
            checkpoint__in=checkpoints, ends_at__gt=now, starts_at__lt=now + timedelta(days=min(max(days, 1), 31))
        )
        .select_related("leader")
        .prefetch_related("staff")
        .order_by("starts_at", "pk")
    )
    for shift in shifts:
        out[shift.checkpoint_id].append(shift)
    return out


def uncovered(checkpoint: Checkpoint, shifts: list[Shift], *, days: int = 1) -> list[tuple]:
    """Gaps in the next `days` days when nobody is on duty, or no leader is: a checkpoint is guarded 24 hours."""
    now = clock.now()
    end = now + timedelta(days=days)
    gaps, cursor = [], now
    for shift in sorted(shifts, key=lambda s: s.starts_at):
        if shift.starts_at > cursor:
            gaps.append((cursor, min(shift.starts_at, end), "nobody"))
        if shift.leader_id is None and shift.ends_at > now:
            gaps.append((max(shift.starts_at, now), min(shift.ends_at, end), "no_leader"))
        cursor = max(cursor, shift.ends_at)
    if cursor < end:
        gaps.append((cursor, end, "nobody"))
    return gaps


class ShiftCreateInput(FormInput):
    """A shift at a checkpoint: the staff on duty (usernames) and their leader, for a period. The page types the
    staff as one line, separated by commas."""

    starts_at: Moment
    ends_at: EndMoment
    leader: str = ""
    staff: list[str] = []

    @classmethod
    def form_values(cls, post) -> dict:
        values = super().form_values(post)
        typed = str(post.get("staff", "")).replace("，", ",")
        values["staff"] = [u for u in (x.strip() for x in typed.split(",")) if u]
        return values


@transaction.atomic
def shift_create(
    *,
    actor,
    checkpoint_id: int,
    starts_at: datetime,
    ends_at: datetime,
    leader: str = "",
    staff: list[str] | None = None,
) -> Shift:
    checkpoint = checkpoint_managed(actor=actor, checkpoint_id=checkpoint_id)
    leader = (leader or "").strip()
    if ends_at <= starts_at:
        raise FieldError("ends_at", _("A shift ends after it starts."), code=Code.END_BEFORE_START)
    members = _staff_of(checkpoint, list(staff or []))
    leader_user = _staff_of(checkpoint, [leader])[0] if leader else None
    shift = Shift.objects.create(checkpoint=checkpoint, starts_at=starts_at, ends_at=ends_at, leader=leader_user)
    shift.staff.set(members)
    audit_record(
        actor=actor,
        action="shift.create",
        object_type="screening.shift",
        object_id=shift.pk,
        object_repr=str(checkpoint),
        jpath=checkpoint.jpath,
        fields={
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "leader": leader,
            "staff": sorted(staff or []),
        },
    )
    return shift


def shifts_now(checkpoint: Checkpoint) -> list[Shift]:
    now = clock.now()
    return list(
        checkpoint.shifts.filter(starts_at__lte=now, ends_at__gt=now).select_related("leader").prefetch_related("staff")
    )


class PassRequestRecordInput(FormInput):
    """Someone asked to be let through unregistered: who, from which unit, and what the staff did (`outcome`:
    refused or let through)."""

    requester_name: str
    requester_unit_name: str
    requester_post: str = ""
    plate: str = ""
    outcome: str
    note: str = ""


@transaction.atomic
def pass_request_record(
    *,
    actor,
    checkpoint_id: int,
    requester_name: str,
    requester_unit_name: str,
    requester_post: str = "",
    plate: str = "",
    outcome: str,
    note: str = "",
    at: datetime | None = None,
) -> PassRequest:
    checkpoint = checkpoint_for_work(user=actor, checkpoint_id=checkpoint_id)
    name = " ".join((requester_name or "").split())
    unit_name = " ".join((requester_unit_name or "").split())
    if not name:
        raise FieldError("requester_name", _("Record who asked."), code=Code.REQUIRED)
    if not unit_name:
        raise FieldError("requester_unit_name", _("Record the unit of the person who asked."), code=Code.REQUIRED)
    if outcome not in PassRequest.Outcome.values:
        raise FieldError("outcome", _("Refused or let through."), code=Code.UNKNOWN_CHOICE)
    unit = Unit.objects.filter(name=unit_name).first()
    record = PassRequest.objects.create(
        checkpoint=checkpoint,
        at=at or clock.now(),
        requester_name=name[:64],
        requester_unit_name=unit_name[:100],
        requester_unit=unit,
        requester_post=(requester_post or "").strip()[:64],
        plate=clean_plate(plate),
        outcome=outcome,
        note=(note or "").strip()[:300],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="pass_request.record",
        object_type="screening.passrequest",
        object_id=record.pk,
        object_repr=f"{name} / {unit_name}",
        jpath=checkpoint.jpath,
        fields={"outcome": outcome, "plate": record.plate},
    )
    return record
