"""Writing deliveries. The community packs open requests of a building at a stock point (each line taken out of
its stock — all or nothing: a line beyond the stock refuses the whole batch), sends the courier out (each household
gets its one-time code by text message and on its /me/ page), and the recipient confirms: the code told at the
door (entered by the courier, five tries), or "received" on their own phone. A request the community raises for a
household (no phone, an elderly person alone) is confirmed by the community. Urgent and special-need requests late
raise a hall alert once (`fangkong escalate`)."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Schema

from fangkong.core import clock, pii
from fangkong.core.actors import Resident
from fangkong.core.alerts import raise_alerts, refs_raised
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.models import HallAlert
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for
from fangkong.core.sms import send_sms
from fangkong.registry.models import Person

from .. import errors
from ..models import Delivery, StockMovement, SupplyLine, SupplyRequest, Volunteer
from ..selectors import supply_requests_visible
from ..stock import stock_move, stock_point_get
from .reading import OPEN, building_of, delivery_get

LINES_PER_REQUEST = 3  # rows of goods the page offers per request
MAX_TRIES = 5  # wrong door codes before the code stops working (the household then confirms on its phone)
LATE_ALERT = "livelihood.supply_late"


class LineIn(Schema):
    request_id: int
    item: int | str
    quantity: Decimal


class DeliveryPackInput(FormInput):
    """Requests packed at a stock point: the goods of each (`lines`), and who carries them."""

    point_id: int
    lines: list[LineIn]
    courier: str = ""
    courier_volunteer_id: int | None = None

    @classmethod
    def form_values(cls, post) -> dict:
        """The page ticks requests (`request`) and gives each up to LINES_PER_REQUEST rows of goods and quantity
        (`item_<request>_<n>`, `quantity_<request>_<n>`); a row left blank is no line."""
        values = {k: post.get(k) for k in ("point_id", "courier", "courier_volunteer_id") if k in post}
        lines = []
        for rid in post.getlist("request") if hasattr(post, "getlist") else post.get("request", []):
            for n in range(1, LINES_PER_REQUEST + 1):
                item, quantity = post.get(f"item_{rid}_{n}", ""), post.get(f"quantity_{rid}_{n}", "")
                if str(item).strip() and str(quantity).strip():
                    lines.append({"request_id": rid, "item": item, "quantity": quantity})
        values["lines"] = lines
        return values


class SupplyRequestConfirmInput(FormInput):
    """The code the recipient tells the courier at the door."""

    code: str


class SupplyRequestRaiseInput(FormInput):
    """The community raises a request for a household (no phone, an elderly person alone)."""

    person_id: int
    kind: str
    items: str
    need: str = ""
    urgent: bool = False


def _request(actor, request_id: int) -> SupplyRequest:
    found = (
        supply_requests_visible(user=actor)
        .select_for_update(of=("self",))
        .filter(pk=request_id)
        .select_related("person", "delivery")
        .first()
    )
    if found is None:
        raise FieldError("lines", _("Unknown supply request, or outside your reach."), code=Code.NOT_FOUND)
    return found


@transaction.atomic
def delivery_pack(
    *, actor, point_id: int, lines: list, courier: str = "", courier_volunteer_id: int | None = None
) -> Delivery:
    point = stock_point_get(user=actor, point_id=point_id)
    if not lines:
        raise FieldError("lines", _("Pack at least one request."), code=Code.REQUIRED)
    if len(lines) > 200:
        raise FieldError("lines", _("At most 200 lines in one delivery."), code=Code.TOO_LARGE)
    courier = " ".join((courier or "").split())[:60]
    volunteer = None
    if courier_volunteer_id:
        from ..volunteering import volunteer_get

        volunteer = volunteer_get(user=actor, volunteer_id=courier_volunteer_id)
        if volunteer.state != Volunteer.State.ACCEPTED:
            raise FieldError("courier_volunteer_id", _("This volunteer no longer serves."), code=Code.WRONG_STATE)
        courier = courier or volunteer.person.name
    if not courier:
        raise FieldError("courier", _("Who carries it?"), code=Code.REQUIRED)
    rows = [line.dict() if hasattr(line, "dict") else dict(line) for line in lines]
    requests: dict[int, SupplyRequest] = {}
    for n, line in enumerate(rows, start=1):
        try:
            rid = int(line["request_id"])
        except (KeyError, TypeError, ValueError) as exc:
            raise FieldError("lines", _("Name the request of each line."), n, code=Code.REQUIRED) from exc
        if rid not in requests:
            r = _request(actor, rid)
            if r.state not in OPEN or r.delivery_id is not None:
                raise FieldError(
                    "lines", _("Request %(n)s is packed or closed already.") % {"n": rid}, n, code=Code.WRONG_STATE
                )
            requests[rid] = r
    paths = [r.jpath for r in requests.values()]
    common = paths[0]
    while not all(p.startswith(common) for p in paths):
        common = common[: common.rstrip("/").rfind("/") + 1]
    buildings = {building_of(r) for r in requests.values()}
    delivery = Delivery.objects.create(
        point=point,
        jpath=common,
        building=next(iter(buildings)) if len(buildings) == 1 else None,
        courier=courier,
        courier_volunteer=volunteer,
        created_by=actor,
    )
    seen: set[tuple[int, int]] = set()
    for n, data in enumerate(rows, start=1):
        r = requests[int(data["request_id"])]
        try:
            move = stock_move(
                actor=actor, point_id=point.pk, item=data.get("item", ""), quantity=data.get("quantity", ""),
                direction="out",
                reason=StockMovement.Reason.DELIVERY, source=_("Supply request %(n)s") % {"n": r.pk},
            )  # fmt: skip
        except FieldError as exc:
            raise FieldError(exc.field, exc.message, n, code=exc.code) from exc
        if (r.pk, move.goods_id) in seen:
            raise FieldError("lines", _("These goods are listed twice for one request."), n, code=Code.DUPLICATE)
        seen.add((r.pk, move.goods_id))
        SupplyLine.objects.create(request=r, goods_id=move.goods_id, quantity=move.quantity)
    now = clock.now()
    for r in requests.values():
        r.state, r.delivery, r.handled_by = SupplyRequest.State.ACCEPTED, delivery, actor
        r.accepted_at = r.accepted_at or now
        r.door_code_cipher = pii.encrypt(f"{secrets.randbelow(10**6):06d}")
        r.code_tries = 0
        r.save(update_fields=["state", "delivery", "handled_by", "accepted_at", "door_code_cipher", "code_tries"])
    audit_record(
        actor=actor,
        action="livelihood.delivery_pack",
        obj=delivery,
        jpath=delivery.jpath,
        fields={"point": point.pk, "requests": sorted(requests), "courier": courier},
    )
    return delivery


@transaction.atomic
def delivery_dispatch(*, actor, delivery_id: int) -> Delivery:
    """The courier sets out: each household is told by text message, with the code to give at the door."""
    delivery = delivery_get(user=actor, delivery_id=delivery_id, for_update=True)
    if delivery.state != Delivery.State.PACKED:
        raise FieldError("state", _("This delivery has set out already."), code=Code.WRONG_STATE)
    delivery.state, delivery.out_at = Delivery.State.OUT, clock.now()
    delivery.save(update_fields=["state", "out_at"])
    texts = []
    for r in delivery.requests.filter(state=SupplyRequest.State.ACCEPTED).select_related("person"):
        if r.person.phone_cipher and r.door_code_cipher:
            code = pii.decrypt(r.door_code_cipher)
            text = _("Your supplies are on the way (%(courier)s). Give the courier the code %(code)s at the door.") % {
                "courier": delivery.courier,
                "code": code,
            }
            texts.append((pii.decrypt(r.person.phone_cipher), text))

    def send() -> None:
        for phone, text in texts:
            send_sms(phone, text)

    transaction.on_commit(send)
    audit_record(actor=actor, action="livelihood.delivery_dispatch", obj=delivery, jpath=delivery.jpath)
    return delivery


def _delivered(r: SupplyRequest, how: str, actor) -> None:
    now = clock.now()
    r.state, r.delivered_at, r.closed_at, r.confirmed_with = SupplyRequest.State.DELIVERED, now, now, how
    r.door_code_cipher = None  # used: it opens nothing any more
    r.save(update_fields=["state", "delivered_at", "closed_at", "confirmed_with", "door_code_cipher"])
    audit_record(
        actor=actor, action="livelihood.supply_delivered", obj=r, jpath=r.jpath, fields={"confirmed_with": how}
    )
    if r.delivery_id:
        delivery_close_if_done(r.delivery_id)


def delivery_close_if_done(delivery_id: int) -> None:
    open_left = SupplyRequest.objects.filter(delivery_id=delivery_id, state__in=OPEN).exists()
    if not open_left:
        Delivery.objects.filter(pk=delivery_id).exclude(state=Delivery.State.DONE).update(
            state=Delivery.State.DONE, done_at=clock.now()
        )


def supply_request_confirm(
    *, request_id: int, code: str, actor=None, courier_person_ids: list[int] | None = None
) -> SupplyRequest:
    """The courier enters the code the recipient gives at the door: a community worker (`actor`) or the volunteer
    carrying the delivery (`courier_person_ids`, from /me/). Five wrong codes and the code stops working; each
    wrong try is counted even though the answer is an error (its own transaction, committed before the refusal)."""
    with transaction.atomic():
        if courier_person_ids is not None:
            r = (
                SupplyRequest.objects.select_for_update(of=("self",))
                .filter(pk=request_id, delivery__courier_volunteer__person_id__in=courier_person_ids)
                .select_related("delivery")
                .first()
            )
            who = Resident(courier_person_ids[0]) if courier_person_ids else None
        else:
            r = supply_requests_visible(user=actor).select_for_update(of=("self",)).filter(pk=request_id).first()
            who = actor
        if r is None:
            raise NotFound
        if r.state != SupplyRequest.State.ACCEPTED or r.delivery is None or r.delivery.state != Delivery.State.OUT:
            raise FieldError("code", _("This request is not out for delivery."), code=Code.WRONG_STATE)
        if r.code_tries >= MAX_TRIES or not r.door_code_cipher:
            raise FieldError(
                "code", _("Too many wrong codes: the household confirms on its phone."), code=errors.Code.CODE_LOCKED
            )
        given = "".join(ch for ch in (code or "") if ch.isdigit())
        right = hmac.compare_digest(given.encode(), pii.decrypt(r.door_code_cipher).encode())
        if right:
            _delivered(r, SupplyRequest.Confirmation.CODE, who)
            return r
        SupplyRequest.objects.filter(pk=r.pk).update(code_tries=r.code_tries + 1)
    left = MAX_TRIES - r.code_tries - 1
    raise FieldError(
        "code",
        _("This is not the household's code (%(n)d tries left).") % {"n": left},
        code=errors.Code.WRONG_CODE,
    )


@transaction.atomic
def supply_request_received(*, person_ids: list[int], request_id: int) -> SupplyRequest:
    """The recipient confirms on their own phone (/me/) that the supplies came."""
    r = (
        SupplyRequest.objects.select_for_update(of=("self",))
        .filter(pk=request_id, person_id__in=person_ids)
        .select_related("delivery")
        .first()
    )
    if r is None:
        raise NotFound
    if r.state != SupplyRequest.State.ACCEPTED or r.delivery is None or r.delivery.state != Delivery.State.OUT:
        raise FieldError("request", _("This request is not out for delivery."), code=Code.WRONG_STATE)
    _delivered(r, SupplyRequest.Confirmation.PHONE, Resident(r.person_id))
    return r


@transaction.atomic
def supply_request_raise(
    *, actor, person_id: int, kind: str, items: str, need: str = "", urgent: bool = False
) -> SupplyRequest:
    """A request the community raises for a household in its reach (someone without a phone, alone, bedridden)."""
    scope = scope_for(actor, Cap.LIVELIHOOD_WORK)
    if scope.empty:
        raise Forbidden(Cap.LIVELIHOOD_WORK)  # before any look-up: the refusal must not depend on who exists
    person = Person.objects.filter(scope.q("jpath"), pk=person_id).first()
    if person is None:
        raise NotFound  # outside the reach as if nobody: the person's existence is not told
    if kind not in SupplyRequest.Kind.values:
        raise FieldError("kind", _("Food, medicine or other."), code=Code.UNKNOWN_CHOICE)
    if need and need not in SupplyRequest.Need.values:
        raise FieldError("need", _("Medicine, infant, dialysis or bedridden."), code=Code.UNKNOWN_CHOICE)
    items = (items or "").strip()
    if len(items) < 2:
        raise FieldError("items", _("Say what is needed."), code=Code.TOO_SHORT if items else Code.REQUIRED)
    r = SupplyRequest.objects.create(
        person=person, kind=kind, items=items[:2000], urgent=bool(urgent or need), need=need, jpath=person.jpath,
        raised_by=actor,
    )  # fmt: skip
    audit_record(actor=actor, action="livelihood.supply_raise", obj=r, jpath=r.jpath, fields={"need": need})
    return r


def sweep_late(now: datetime) -> int:
    """Urgent and special-need requests open past their limit (livelihood.hall.LIMITS): a hall alert once per
    request (registered with core.alerts; `fangkong escalate` runs it)."""
    from ..hall import LIMITS

    late = (
        SupplyRequest.objects.filter(state__in=OPEN, urgent=True, created_at__lt=now - LIMITS[True])
        .select_related("person")
        .only("pk", "jpath", "items", "person__name")
    )
    refs = {f"livelihood.supply_late:{r.pk}": r for r in late[:1000]}
    raised = refs_raised(list(refs))
    alerts = [
        HallAlert(
            kind=LATE_ALERT,
            at=now,
            subject=f"{pii.mask_name(r.person.name)} · {r.items[:40]}",  # data, not words: read in any language
            jpath=r.jpath,
            link=reverse("livelihood:deliveries"),
            ref=ref,
        )
        for ref, r in refs.items()
        if ref not in raised
    ]
    raise_alerts(alerts)
    return len(alerts)
