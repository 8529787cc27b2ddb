"""The district's lists for price monitoring: the markets watched and the goods watched (baseline and margin).
Kept by those who watch prices district-wide; every change audited with what it was and what it became."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.params import BIGINT_MAX
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden

from ..models import Market, PriceItem
from .selectors import can_manage, market_get, market_places, price_item_get
from .values import MAX_PRICE, money
from .values import margin as margin_value

DEFAULT_MARGIN = Decimal(20)  # per cent, the model's default: what the district tolerates unless it says otherwise


class MarketCreateInput(FormInput):
    """A market to watch, from the API's body or the markets page: its name, kind (market, supermarket, shop,
    pharmacy), the street or community it is in, and its address."""

    # Each may be left out: the service then names it (400 `required`), as it names a bad one.
    name: str = ""
    kind: str = Market.Kind.MARKET
    jurisdiction_id: int | None = None
    address: str = ""


class MarketUpdateInput(MarketCreateInput):
    """As MarketCreateInput, and whether it is still watched (a closed shop is no longer offered to record)."""

    active: bool = True


class PriceItemCreateInput(FormInput):
    """Goods to watch: name, unit of sale (斤, 桶, 袋 …), baseline (the usual price before the emergency, in yuan)
    and margin (per cent above the baseline the district tolerates; 20 unless given)."""

    name: str = ""
    unit: str = ""  # left out, it is refused by name (`required`): a price means nothing without its unit
    baseline: Decimal | str = ""
    margin_percent: Decimal | str | None = None


class PriceItemUpdateInput(PriceItemCreateInput):
    active: bool = True


def _require_manage(actor) -> None:
    if not can_manage(actor):
        raise Forbidden(Cap.PRICE_WATCH)


def _text(value: str | None, *, field: str, limit: int, message: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise FieldError(field, message, code=Code.REQUIRED)
    if len(text) > limit:
        raise FieldError(field, _("At most %(n)d characters.") % {"n": limit}, code=Code.TOO_LONG)
    return text


def _market_values(actor, *, name: str, kind: str, jurisdiction_id: int | None, address: str) -> dict:
    name = _text(name, field="name", limit=100, message=_("Name the market or shop."))
    if kind not in Market.Kind.values:
        raise FieldError("kind", _("A farmers' market, supermarket, shop or pharmacy."), code=Code.UNKNOWN_CHOICE)
    where = _("Choose the street or community the market is in.")
    if jurisdiction_id is None:
        raise FieldError("jurisdiction_id", where, code=Code.REQUIRED)
    place = None
    if 0 < jurisdiction_id <= BIGINT_MAX:
        place = market_places(user=actor).filter(pk=jurisdiction_id).first()
    if place is None:
        raise FieldError("jurisdiction_id", where, code=Code.NOT_FOUND)
    address = " ".join((address or "").split())
    if len(address) > 200:
        raise FieldError("address", _("At most %(n)d characters.") % {"n": 200}, code=Code.TOO_LONG)
    return {"name": name, "kind": kind, "jurisdiction": place, "jpath": place.path, "address": address}


def _market_fields(m: Market) -> dict:
    return {
        "name": m.name,
        "kind": m.kind,
        "jurisdiction": m.jurisdiction_id,
        "address": m.address,
        "active": m.active,
    }


def _duplicate_market() -> FieldError:
    return FieldError("name", _("A market of this name is registered there already."), code=Code.DUPLICATE)


@transaction.atomic
def market_create(*, actor, name: str, kind: str, jurisdiction_id: int | None, address: str = "") -> Market:
    _require_manage(actor)
    values = _market_values(actor, name=name, kind=kind, jurisdiction_id=jurisdiction_id, address=address)
    try:
        with transaction.atomic():
            market = Market.objects.create(**values)
    except IntegrityError as exc:
        raise _duplicate_market() from exc
    audit_record(actor=actor, action="livelihood.market_create", obj=market, fields=_market_fields(market))
    return market


@transaction.atomic
def market_update(
    *,
    actor,
    market_id: int,
    name: str,
    kind: str,
    jurisdiction_id: int | None,
    address: str = "",
    active: bool = True,
) -> Market:
    _require_manage(actor)
    market = market_get(user=actor, id=market_id, for_update=True)
    before = _market_fields(market)
    values = _market_values(actor, name=name, kind=kind, jurisdiction_id=jurisdiction_id, address=address)
    for key, value in values.items():
        setattr(market, key, value)
    market.active = bool(active)
    try:
        with transaction.atomic():
            market.save()
    except IntegrityError as exc:
        raise _duplicate_market() from exc
    # Its cases follow it: they are read by the market's place.
    market.cases.exclude(jpath=market.jpath).update(jpath=market.jpath)
    after = _market_fields(market)
    audit_record(
        actor=actor,
        action="livelihood.market_update",
        obj=market,
        fields={"before": before, "after": after},
    )
    return market


def _item_values(
    *, name: str, unit: str, baseline: Decimal | str, margin_percent: Decimal | str | None
) -> dict:  # fmt: skip
    name = _text(name, field="name", limit=60, message=_("Name the goods."))
    # A price means nothing without what it buys: per 斤, per 桶, per 袋.
    unit = _text(unit, field="unit", limit=10, message=_("Give the unit of sale (斤, 桶, 袋 …)."))
    amount = money(baseline, field="baseline")
    if amount * 1000 > MAX_PRICE:  # a price seen could not reach the absurd bound, nor be stored
        raise FieldError("baseline", _("This price is too large."), code=Code.OUT_OF_RANGE)
    m = DEFAULT_MARGIN if margin_percent is None or str(margin_percent).strip() == "" else margin_value(margin_percent)
    return {"name": name, "unit": unit, "baseline": amount, "margin_percent": m}


def _item_fields(item: PriceItem) -> dict:
    return {
        "name": item.name,
        "unit": item.unit,
        "baseline": str(item.baseline),
        "margin_percent": str(item.margin_percent),
        "active": item.active,
    }


def _duplicate_item() -> FieldError:
    return FieldError("name", _("These goods are watched already."), code=Code.DUPLICATE)


@transaction.atomic
def price_item_create(
    *, actor, name: str, unit: str, baseline: Decimal | str, margin_percent: Decimal | str | None = None
) -> PriceItem:
    _require_manage(actor)
    values = _item_values(name=name, unit=unit, baseline=baseline, margin_percent=margin_percent)
    try:
        with transaction.atomic():
            item = PriceItem.objects.create(**values)
    except IntegrityError as exc:
        raise _duplicate_item() from exc
    audit_record(actor=actor, action="livelihood.price_item_create", obj=item, fields=_item_fields(item))
    return item


@transaction.atomic
def price_item_update(
    *,
    actor,
    item_id: int,
    name: str,
    unit: str,
    baseline: Decimal | str,
    margin_percent: Decimal | str | None = None,
    active: bool = True,
) -> PriceItem:
    """A new baseline or margin holds for prices recorded from now on; cases already opened stay as they are."""
    _require_manage(actor)
    item = price_item_get(user=actor, id=item_id, for_update=True)
    before = _item_fields(item)
    for key, value in _item_values(name=name, unit=unit, baseline=baseline, margin_percent=margin_percent).items():
        setattr(item, key, value)
    item.active, item.updated_at = bool(active), clock.now()
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise _duplicate_item() from exc
    audit_record(
        actor=actor,
        action="livelihood.price_item_update",
        obj=item,
        fields={"before": before, "after": _item_fields(item)},
    )
    return item
