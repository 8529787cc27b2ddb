"""Logistics channel passes: applied for by the carrier (no sign-in: a reference to ask how it stands), decided by
the transport department (approve with the validity, reject or revoke with the reason), and read at checkpoints by
plate: a vehicle with a valid pass is shown so when registered."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fangkong.core import clock, pii
from fangkong.core.audit import audit_record
from fangkong.core.dates import Moment
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.ids import clean_plate
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap, one_in_reach
from fangkong.registry.models import Jurisdiction
from fangkong.screening.vehicles import VehicleNote

from .. import errors
from ..models import LogisticsPass

PLATE = re.compile(r"^[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}$")  # 辽L12345, 辽LD12345 (new energy: six)
LONGEST = timedelta(days=30)  # a pass runs a month at most; renewed by a new application
PHONE = re.compile(r"^1\d{10}$")


class LogisticsPassApplyInput(FormInput):
    """A carrier's application: the vehicle, what it carries where, its driver, from when to when."""

    plate: str
    company: str
    goods: str
    route: str
    driver_name: str
    driver_phone: str
    valid_from: Moment
    valid_until: Moment
    vehicle: str = ""
    through: list[int] = []  # the district's streets and communities on the route


class LogisticsPassDecideInput(FormInput):
    """The transport department's decision; a rejection says why (the carrier reads it)."""

    approve: bool
    note: str = ""


class LogisticsPassRevokeInput(FormInput):
    note: str = ""


def _text(field: str, value: str, limit: int, *, required: bool = True) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise FieldError(field, _("This field is required."), code=Code.REQUIRED)
    if len(text) > limit:
        raise FieldError(field, _("At most %(n)d characters.") % {"n": limit}, code=Code.TOO_LONG)
    return text


def plate_checked(value: str) -> str:
    plate = clean_plate(value)
    if not PLATE.fullmatch(plate):
        raise FieldError("plate", _("A plate such as 辽L12345."), code=Code.INVALID)
    return plate


@transaction.atomic
def logistics_pass_apply(
    *,
    plate: str,
    company: str,
    goods: str,
    route: str,
    driver_name: str,
    driver_phone: str,
    valid_from: datetime,
    valid_until: datetime,
    vehicle: str = "",
    through: list[int] | None = None,
) -> LogisticsPass:
    """An application from the carrier (no account): checked, stored with the driver's phone encrypted, and given a
    reference to quote."""
    plate = plate_checked(plate)
    phone = "".join(ch for ch in (driver_phone or "") if ch.isdigit())
    if not PHONE.fullmatch(phone):
        raise FieldError("driver_phone", _("A mobile number of 11 digits."), code=Code.INVALID)
    now = clock.now()
    if valid_until <= valid_from:
        raise FieldError("valid_until", _("The pass ends after it starts."), code=Code.END_BEFORE_START)
    if valid_until <= now:
        raise FieldError("valid_until", _("This time has passed."), code=Code.OUT_OF_RANGE)
    if valid_until - valid_from > LONGEST:
        raise FieldError("valid_until", _("A pass runs at most 30 days."), code=Code.OUT_OF_RANGE)
    places = _through(through or [])
    values = {
        "through": [j.pk for j in places],
        "plate": plate,
        "vehicle": _text("vehicle", vehicle, 40, required=False),
        "company": _text("company", company, 100),
        "goods": _text("goods", goods, 200),
        "route": _text("route", route, 200),
        "driver_name": _text("driver_name", driver_name, 40),
        "driver_phone_cipher": pii.encrypt(phone),
        "valid_from": max(valid_from, now - timedelta(hours=1)),
        "valid_until": valid_until,
    }
    for _attempt in range(5):
        try:
            with transaction.atomic():
                made = LogisticsPass.objects.create(reference=f"WL{secrets.token_hex(4).upper()}", **values)
            break
        except IntegrityError:  # the reference drawn twice: draw again
            continue
    else:  # pragma: no cover - 4 billion references
        raise RuntimeError("no free pass reference")
    audit_record(actor=None, action="livelihood.logistics_apply", obj=made, object_repr=made.plate)
    return made


def _through(ids: list[int]) -> list[Jurisdiction]:
    """The route's streets and communities, none in a sealed zone (a logistics channel goes around one)."""
    from ..gatherings import zone_over

    if len(ids) > 50:
        raise FieldError("through", _("At most 50 streets and communities."), code=Code.TOO_LARGE)
    found = {j.pk: j for j in Jurisdiction.objects.filter(pk__in=ids, retired_on__isnull=True)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise FieldError("through", _("Unknown street or community: %(ids)s") % {"ids": missing}, code=Code.NOT_FOUND)
    for j in found.values():
        zone = zone_over(j, None)
        if zone is not None and zone.level.colour == "red":
            raise FieldError(
                "through",
                _("The route passes %(place)s, in %(zone)s (%(level)s): plan it around the sealed zone.")
                % {"place": j.name, "zone": zone.name, "level": zone.level.label},
                code=errors.Code.THROUGH_SEALED,
            )
    return list(found.values())


def route_choices() -> list[Jurisdiction]:
    """The district's streets and communities a route may name (public: their names are on every map)."""
    return list(
        Jurisdiction.objects.filter(level__in=("street", "community"), retired_on__isnull=True).order_by("path")
    )


def route_names(passes: list[LogisticsPass]) -> dict[int, str]:
    """id → name of every street and community the passes' routes name (one query for a page)."""
    ids = {i for p in passes for i in p.through}
    return dict(Jurisdiction.objects.filter(pk__in=ids).values_list("pk", "name"))


def logistics_pass_status(*, reference: str, plate: str) -> LogisticsPass:
    """How an application stands, for whoever holds its reference and plate (both: a reference alone is guessable
    in principle, and tells nothing without the plate)."""
    found = LogisticsPass.objects.filter(reference=(reference or "").strip().upper(), plate=clean_plate(plate)).first()
    if found is None:
        raise NotFound
    return found


def passes_visible(*, user) -> QuerySet[LogisticsPass]:
    """Every pass for the transport department and HQ (passes are district-wide: a vehicle crosses every street)."""
    if not has_cap(user, Cap.LOGISTICS_APPROVE):
        return LogisticsPass.objects.none()
    return LogisticsPass.objects.order_by("state", "-applied_at")


def pass_get(*, user, pass_id: int, for_update: bool = False) -> LogisticsPass:
    if not has_cap(user, Cap.LOGISTICS_APPROVE):
        raise Forbidden(Cap.LOGISTICS_APPROVE)
    return one_in_reach(LogisticsPass.objects.all(), pass_id, for_update=for_update)


@transaction.atomic
def logistics_pass_decide(*, actor, pass_id: int, approve: bool, note: str = "") -> LogisticsPass:
    p = pass_get(user=actor, pass_id=pass_id, for_update=True)
    if p.state != LogisticsPass.State.PENDING:
        raise FieldError("state", _("Decided already."), code=Code.NOT_PENDING)
    note = _text("note", note, 300, required=not approve)
    if approve:
        _through(p.through)  # a zone sealed since the application: the route goes around it, or no pass
    if approve and p.valid_until <= clock.now():
        raise FieldError("state", _("The validity asked for has passed; the carrier applies again."), code=Code.EXPIRED)
    p.state = LogisticsPass.State.APPROVED if approve else LogisticsPass.State.REJECTED
    p.decided_by, p.decided_at, p.note = actor, clock.now(), note
    p.save(update_fields=["state", "decided_by", "decided_at", "note"])
    audit_record(
        actor=actor, action="livelihood.logistics_decide", obj=p, object_repr=p.plate, fields={"approve": approve}
    )
    return p


@transaction.atomic
def logistics_pass_revoke(*, actor, pass_id: int, note: str = "") -> LogisticsPass:
    """An approved pass withdrawn (a driver turned red, goods not as declared): checkpoints stop showing it at once."""
    p = pass_get(user=actor, pass_id=pass_id, for_update=True)
    if p.state != LogisticsPass.State.APPROVED:
        raise FieldError("state", _("Only an approved pass is revoked."), code=Code.WRONG_STATE)
    p.state, p.note = LogisticsPass.State.REVOKED, _text("note", note, 300)
    p.decided_by, p.decided_at = actor, clock.now()
    p.save(update_fields=["state", "note", "decided_by", "decided_at"])
    audit_record(actor=actor, action="livelihood.logistics_revoke", obj=p, object_repr=p.plate)
    return p


@dataclass(frozen=True)
class VehiclePass:
    """What a checkpoint is shown for a plate: the pass, valid or not at the moment asked."""

    number: str
    company: str
    goods: str
    route: str
    valid_from: datetime
    valid_until: datetime
    valid: bool


def passes_for_plate(plate: str, at: datetime) -> list[VehiclePass]:
    """The approved passes of a plate that are valid at `at`, or were in the last day or start within the next
    (staff see a pass that has just run out, not only the valid one)."""
    try:
        plate = clean_plate(plate)
    except FieldError:
        return []
    if not plate:
        return []
    rows = LogisticsPass.objects.filter(
        plate=plate,
        state=LogisticsPass.State.APPROVED,
        valid_until__gte=at - timedelta(days=1),
        valid_from__lte=at + timedelta(days=1),
    ).order_by("-valid_until")[:5]
    return [
        VehiclePass(
            p.reference, p.company, p.goods, p.route, p.valid_from, p.valid_until, p.valid_from <= at <= p.valid_until
        )
        for p in rows
    ]


def vehicle_notes(plate: str, at: datetime) -> list[VehicleNote]:
    """screening.vehicles' provider: the plate's passes as the checkpoint page shows them."""
    notes: list[VehicleNote] = []
    for p in passes_for_plate(plate, at):
        span = f"{clock.localtime(p.valid_from)}–{clock.localtime(p.valid_until)}"
        detail = f"{p.company} · {p.goods} · {p.route} · {span}"
        if not p.valid:
            detail = (_("not valid now: %(detail)s") if p.valid_until > at else _("expired: %(detail)s")) % {
                "detail": detail
            }
        notes.append(VehicleNote(_("Logistics pass %(n)s") % {"n": p.number}, detail, "go" if p.valid else "caution"))
    return notes
