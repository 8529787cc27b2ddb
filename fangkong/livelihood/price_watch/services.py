"""Price monitoring writes: an inspector records a price; one above the margin opens a case at that market for
that item, or joins the one open; the regulator joins the public's reports to cases and closes a case with its
outcome, closing its reports with it."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import clock
from fangkong.core.audit import audit_event, audit_record, audit_record_many
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.inbox import notify, words
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound

from ..models import Market, PriceCase, PriceItem, PriceObservation, PriceReport
from .selectors import (
    can_watch,
    ceiling_of,
    is_above,
    market_get,
    price_case_get,
    price_item_get,
    price_report_get,
)
from .values import money


class PriceObservationRecordInput(FormInput):
    """A price seen at a market, from the API's body or the inspector's form: the market and the item by id, the
    price in yuan (a number, or text as typed: "3.50"), and a note (the stall, a photo's number)."""

    # Each may be left out: the service then names it (400 `required`), as it names a bad one.
    market_id: int | None = None
    item_id: int | None = None
    price: Decimal | str = ""
    note: str = ""


class PriceCaseCloseInput(FormInput):
    """The regulator closes a case: confirmed (action taken) or not, and what was found and done."""

    confirmed: bool
    outcome: str


class PriceReportLinkInput(FormInput):
    """The regulator names the market a public report is about, and the goods — or marks it as hoarding, which
    may concern no one item."""

    market_id: int | None = None
    item_id: int | None = None
    hoarding: bool = False


def _require_watch(actor) -> None:
    if not can_watch(actor):
        raise Forbidden(Cap.PRICE_WATCH)


def _pick_market(actor, market_id: int | None, field: str = "market_id") -> Market:
    """A market in the caller's reach and in use, or the field's `not_found` (`required` when none is named)."""
    if market_id is None:
        raise FieldError(field, _("Choose the market or shop."), code=Code.REQUIRED)
    try:
        market = market_get(user=actor, id=market_id or 0)  # 0 names nothing: not_found
        if not market.active:
            raise NotFound
    except NotFound as exc:
        raise FieldError(field, _("No such market (or it is no longer watched)."), code=Code.NOT_FOUND) from exc
    return market


def _pick_item(actor, item_id: int | None, field: str = "item_id") -> PriceItem:
    if item_id is None:
        raise FieldError(field, _("Choose the goods."), code=Code.REQUIRED)
    try:
        item = price_item_get(user=actor, id=item_id or 0)
        if not item.active:
            raise NotFound
    except NotFound as exc:
        raise FieldError(field, _("No such goods (or they are no longer watched)."), code=Code.NOT_FOUND) from exc
    return item


def _regulators(market: Market) -> list:
    """Who hears of a new case at `market`: the market regulators of the departments whose area holds it; where no
    department has one, those who watch prices over the whole district (HQ) — a case nobody hears of waits."""
    from fangkong.registry.models import Unit
    from fangkong.registry.selectors import district_users, users_with_cap

    prefixes = [market.jpath[: i + 1] for i, ch in enumerate(market.jpath) if ch == "/"]
    units = list(Unit.objects.filter(jpath__in=prefixes).values_list("pk", flat=True))
    found = users_with_cap(Cap.PRICE_WATCH, unit_ids=units) if units else {}
    users = [u for us in found.values() for u in us]
    return users or district_users(Cap.PRICE_WATCH)


def _case_for(*, actor, market: Market, item: PriceItem | None, hoarding: bool, source: str) -> tuple[PriceCase, bool]:
    """The open case of `market` for `item` (None: hoarding of no one item), opened if there is none; whether it
    was opened now. The market's row is locked first, so that two inspectors recording the same price at once
    join one case (the constraint pricecase_open_once backs it; for a case of no item, which the constraint cannot
    see, the lock alone)."""
    Market.objects.select_for_update().filter(pk=market.pk).first()
    case = PriceCase.objects.filter(market=market, item=item, state=PriceCase.State.OPEN).first()
    opened = False
    if case is None:
        try:
            with transaction.atomic():
                case = PriceCase.objects.create(market=market, item=item, hoarding=hoarding, jpath=market.jpath)
            opened = True
        except IntegrityError:
            case = PriceCase.objects.get(market=market, item=item, state=PriceCase.State.OPEN)
    if hoarding and not case.hoarding:
        case.hoarding = True
        case.save(update_fields=["hoarding"])
    if opened:
        audit_record(
            actor=actor,
            action="livelihood.price_case_open",
            obj=case,
            object_repr=_case_repr(case),
            fields={"market": market.pk, "item": item.pk if item else None, "hoarding": hoarding, "by": source},
        )
        if item is not None:
            title = words(gettext_lazy("Price case opened: %(item)s at %(market)s"), item=item.name, market=market.name)
        else:
            title = words(gettext_lazy("Hoarding case opened at %(market)s"), market=market.name)
        notify(_regulators(market), title=title, link=reverse("livelihood:price_case", args=[case.pk]))
    return case, opened


def _case_repr(case: PriceCase) -> str:
    return " · ".join(x for x in (case.market.name if case.market else "", case.item.name if case.item else "") if x)


@transaction.atomic
def price_observation_record(
    *, actor, market_id: int | None, item_id: int | None, price: Decimal | str, note: str = ""
) -> PriceObservation:
    """A price seen by an inspector. Above the item's margin (baseline × (1 + margin %)) it is evidence: it opens
    the market's case for the item, or joins the one open. `observation.case` says which (None: within it)."""
    _require_watch(actor)
    market = _pick_market(actor, market_id)
    item = _pick_item(actor, item_id)
    amount = money(price, field="price", baseline=item.baseline)
    case = None
    if is_above(item, amount):
        case, _opened = _case_for(actor=actor, market=market, item=item, hoarding=False, source="observation")
    observation = PriceObservation.objects.create(
        market=market, item=item, price=amount, by=actor, note=" ".join((note or "").split())[:200], case=case
    )
    audit_record(
        actor=actor,
        action="livelihood.price_observe",
        obj=observation,
        object_repr=f"{market.name} · {item.name} · ¥{amount}",
        jpath=market.jpath,
        fields={
            "market": market.pk,
            "item": item.pk,
            "price": str(amount),
            "ceiling": str(ceiling_of(item)),
            "case": case.pk if case else None,
        },
    )
    return observation


@transaction.atomic
def price_report_link(
    *, actor, report_id: int, market_id: int | None, item_id: int | None = None, hoarding: bool = False
) -> PriceReport:
    """The regulator joins a public report to the case of the market it names (for the goods, or as hoarding):
    the market's open case, or a new one. A report still open may be joined again elsewhere (named wrongly)."""
    _require_watch(actor)
    report = price_report_get(user=actor, id=report_id, for_update=True)
    if report.state != PriceReport.State.RECEIVED:
        raise FieldError("state", _("Decided already."), code=Code.NOT_PENDING)
    market = _pick_market(actor, market_id)
    item = _pick_item(actor, item_id) if item_id is not None else None
    if item is None and not hoarding:
        raise FieldError(
            "item_id", _("Name the goods, or mark the report as hoarding."), code=Code.REQUIRED
        )  # fmt: skip
    case, _opened = _case_for(actor=actor, market=market, item=item, hoarding=bool(hoarding), source="report")
    before = report.case_id
    report.case = case
    report.save(update_fields=["case"])
    audit_record(
        actor=actor,
        action="livelihood.price_report_link",
        obj=report,
        object_repr=report.shop,
        jpath=market.jpath,
        fields={"case": case.pk, "from_case": before, "market": market.pk, "item": item.pk if item else None},
    )
    return report


@transaction.atomic
def price_case_close(*, actor, case_id: int, confirmed: bool, outcome: str) -> PriceCase:
    """Close a case with its outcome; the public's reports joined to it and still open close with the same
    outcome (their reporters' page shows it). A later price above the margin opens a new case."""
    _require_watch(actor)
    case = price_case_get(user=actor, id=case_id, for_update=True)
    if case.state != PriceCase.State.OPEN:
        raise FieldError("state", _("This case is closed already."), code=Code.WRONG_STATE)
    text = " ".join((outcome or "").split())
    if not text:
        raise FieldError("outcome", _("Record what was found and done."), code=Code.REQUIRED)
    now = clock.now()
    state = PriceCase.State.CONFIRMED if confirmed else PriceCase.State.DISMISSED
    case.state, case.closed_at, case.closed_by, case.outcome = state, now, actor, text[:300]
    case.save(update_fields=["state", "closed_at", "closed_by", "outcome"])
    reports = list(case.reports.select_for_update().filter(state=PriceReport.State.RECEIVED).order_by("pk"))
    report_state = PriceReport.State.CONFIRMED if confirmed else PriceReport.State.DISMISSED
    for r in reports:
        r.state, r.handled_by, r.handled_at, r.outcome = report_state, actor, now, text[:300]
    PriceReport.objects.bulk_update(reports, ["state", "handled_by", "handled_at", "outcome"])
    audit_record(
        actor=actor,
        action="livelihood.price_case_close",
        obj=case,
        object_repr=_case_repr(case),
        fields={"confirmed": bool(confirmed), "reports": [r.pk for r in reports]},
    )
    audit_record_many(
        audit_event(
            actor=actor,
            action="livelihood.price_decide",
            obj=r,
            jpath=case.jpath,
            fields={"confirmed": bool(confirmed), "case": case.pk},
        )
        for r in reports
    )
    return case
