"""Writing stock: points set up by whoever works livelihood over their area, kinds of goods by district HQ, and
movements — each under a row lock on the level it changes, so two workers handing out the last bags of rice at
once cannot both succeed, and never below zero (the database's constraint stands behind the check)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for
from fangkong.registry.models import Jurisdiction

from .. import errors
from ..models import Goods, StockLevel, StockMovement, StockPoint
from .reading import goods_may_add, stock_point_get

MAX_QUANTITY = Decimal("1000000000")  # a billion of anything is a typing error, not a delivery
IN_REASONS = (StockMovement.Reason.SUPPLIER, StockMovement.Reason.DONATION, StockMovement.Reason.TRANSFER)
OUT_REASONS = (
    StockMovement.Reason.DELIVERY,
    StockMovement.Reason.TRANSFER,
    StockMovement.Reason.WRITE_OFF,
)


class StockPointCreateInput(FormInput):
    """A new stock point: its name, kind and the jurisdiction it serves."""

    name: str
    kind: str
    jurisdiction_id: int
    address: str = ""
    open_limit_hours: int = 24


class GoodsCreateInput(FormInput):
    """A kind of goods the district stocks, counted in one unit."""

    name: str
    unit: str
    category: str = Goods.Category.OTHER


class StockMoveInput(FormInput):
    """Goods in or out of a point: which (`item`: the goods' id or name), how many, which way, why and from or to
    whom."""

    item: int | str
    quantity: Decimal
    direction: str
    reason: str = ""
    source: str = ""
    note: str = ""


class StockThresholdInput(FormInput):
    """Below how many a point is short of one kind of goods."""

    item: int | str
    threshold: Decimal


def _text(field: str, value: str, limit: int, *, required: bool = True) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise FieldError(field, _("This field is required."), code=Code.REQUIRED)
    if len(text) > limit:
        raise FieldError(field, _("At most %(n)d characters.") % {"n": limit}, code=Code.TOO_LONG)
    return text


def _quantity(field: str, value, *, zero: bool = False) -> Decimal:
    """A count of goods: positive (or zero where allowed), at most two decimals (half a 斤), below a billion."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise FieldError(field, _("This value cannot be read; check it."), code=Code.INVALID) from exc
    if not number.is_finite():
        raise FieldError(field, _("This value cannot be read; check it."), code=Code.INVALID)
    if number < 0 or (number == 0 and not zero) or number >= MAX_QUANTITY:
        raise FieldError(field, _("Give a quantity above zero."), code=Code.OUT_OF_RANGE)
    if number != number.quantize(Decimal("0.01")):
        raise FieldError(field, _("At most two decimals."), code=Code.INVALID)
    return number.quantize(Decimal("0.01"))


def _goods(item: int | str) -> Goods:
    """The goods a movement names, by id or by name; a retired kind takes no new movements."""
    query = Goods.objects.filter(active=True)
    if isinstance(item, int) or (isinstance(item, str) and item.strip().isdigit()):
        found = query.filter(pk=int(item)).first()
    else:
        found = query.filter(name=" ".join(str(item or "").split())).first()
    if found is None:
        raise FieldError("item", _("Unknown goods: choose one of the district's list."), code=Code.NOT_FOUND)
    return found


@transaction.atomic
def stock_point_create(
    *,
    actor,
    name: str,
    kind: str,
    jurisdiction_id: int,
    address: str = "",
    open_limit_hours: int = 24,
) -> StockPoint:
    """A stock point in a jurisdiction within the actor's reach for livelihood work; its name once there."""
    scope = scope_for(actor, Cap.LIVELIHOOD_WORK)
    if scope.empty:
        raise Forbidden(Cap.LIVELIHOOD_WORK)
    name = _text("name", name, 100)
    if kind not in StockPoint.Kind.values:
        raise FieldError("kind", _("A warehouse, a supermarket or a community station."), code=Code.UNKNOWN_CHOICE)
    where = Jurisdiction.objects.filter(scope.q("path"), pk=jurisdiction_id, retired_on__isnull=True).first()
    if where is None:
        raise FieldError("jurisdiction_id", _("Unknown jurisdiction, or outside your reach."), code=Code.NOT_FOUND)
    if not 1 <= open_limit_hours <= 24 * 14:
        raise FieldError("open_limit_hours", _("1 to 336 hours."), code=Code.OUT_OF_RANGE)
    try:
        with transaction.atomic():
            point = StockPoint.objects.create(
                name=name,
                kind=kind,
                jurisdiction=where,
                jpath=where.path,
                address=_text("address", address, 200, required=False),
                open_limit_hours=open_limit_hours,
            )
    except IntegrityError as exc:
        raise FieldError("name", _("This jurisdiction has a stock point of this name."), code=Code.DUPLICATE) from exc
    audit_record(
        actor=actor, action="livelihood.stock_point_create", obj=point, object_repr=point.name, jpath=point.jpath
    )
    return point


@transaction.atomic
def goods_create(*, actor, name: str, unit: str, category: str = Goods.Category.OTHER) -> Goods:
    """A kind of goods for the whole district's list (HQ: whoever works livelihood district-wide)."""
    if not goods_may_add(user=actor):
        raise Forbidden(Cap.LIVELIHOOD_WORK)
    name = _text("name", name, 60)
    unit = _text("unit", unit, 10)
    if category not in Goods.Category.values:
        raise FieldError("category", _("Choose one of the categories."), code=Code.UNKNOWN_CHOICE)
    try:
        with transaction.atomic():
            goods = Goods.objects.create(name=name, unit=unit, category=category)
    except IntegrityError as exc:
        raise FieldError("name", _("The district lists these goods already."), code=Code.DUPLICATE) from exc
    audit_record(
        actor=actor, action="livelihood.goods_create", obj=goods, object_repr=goods.name, fields={"unit": unit}
    )
    return goods


def _level(point: StockPoint, goods: Goods) -> StockLevel:
    """The point's level of the goods, locked; made at zero the first time (two first deliveries at once: the
    second waits on the unique row and then reads it)."""
    level = StockLevel.objects.select_for_update().filter(point=point, goods=goods).first()
    if level is not None:
        return level
    try:
        with transaction.atomic():
            return StockLevel.objects.create(point=point, goods=goods)
    except IntegrityError:
        return StockLevel.objects.select_for_update().get(point=point, goods=goods)


@transaction.atomic
def stock_move(
    *,
    actor,
    point_id: int,
    item: int | str,
    quantity: Decimal | str | int,
    direction: str,
    reason: str = "",
    source: str = "",
    note: str = "",
) -> StockMovement:
    """Goods in or out, recorded with the balance after it. Out beyond what the point holds is refused
    (`not_in_stock`, saying how many are there) and changes nothing."""
    point = stock_point_get(user=actor, point_id=point_id)
    if not point.active:
        raise FieldError("point", _("This stock point is closed."), code=Code.WRONG_STATE)
    if direction not in StockMovement.Direction.values:
        raise FieldError("direction", _("In or out."), code=Code.UNKNOWN_CHOICE)
    goods = _goods(item)
    amount = _quantity("quantity", quantity)
    allowed = IN_REASONS if direction == StockMovement.Direction.IN else OUT_REASONS
    reason = reason or allowed[0]
    if reason not in (*allowed, StockMovement.Reason.CORRECTION):
        raise FieldError("reason", _("This reason does not fit this direction."), code=Code.UNKNOWN_CHOICE)
    source = _text("source", source, 100, required=False)
    note = _text("note", note, 200, required=False)
    level = _level(point, goods)
    if direction == StockMovement.Direction.OUT and amount > level.quantity:
        raise FieldError(
            "quantity",
            _("Only %(n)s %(unit)s of %(goods)s in stock.")
            % {"n": _number(level.quantity), "unit": goods.unit, "goods": goods.name},
            code=errors.Code.NOT_IN_STOCK,
        )
    level.quantity += amount if direction == StockMovement.Direction.IN else -amount
    level.updated_at = clock.now()
    level.save(update_fields=["quantity", "updated_at"])
    movement = StockMovement.objects.create(
        point=point,
        goods=goods,
        direction=direction,
        quantity=amount,
        balance=level.quantity,
        reason=reason,
        source=source,
        note=note,
        by=actor,
    )
    audit_record(
        actor=actor,
        action=f"livelihood.stock_{direction}",
        obj=point,
        object_repr=point.name,
        jpath=point.jpath,
        fields={"goods": goods.name, "quantity": str(amount), "balance": str(level.quantity), "reason": reason},
    )
    return movement


@transaction.atomic
def stock_threshold_set(*, actor, point_id: int, item: int | str, threshold: Decimal | str | int) -> StockLevel:
    """Below how many the point is short of the goods (0: never short); audited with before and after."""
    point = stock_point_get(user=actor, point_id=point_id)
    goods = _goods(item)
    value = _quantity("threshold", threshold, zero=True)
    level = _level(point, goods)
    before = level.threshold
    if before == value:
        return level
    level.threshold = value
    level.save(update_fields=["threshold"])
    audit_record(
        actor=actor,
        action="livelihood.stock_threshold",
        obj=point,
        object_repr=point.name,
        jpath=point.jpath,
        fields={"goods": goods.name, "before": str(before), "after": str(value)},
    )
    return level


def _number(value: Decimal) -> str:
    """A quantity as people write it: 12, 12.5 (no trailing zeros)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"
