"""The demo's price monitoring: markets in the district's streets, the staples watched, a week of prices recorded by
the market regulator — one of them above its margin, so that a case waits on the regulator's desk — and the public's
reports of the demo joined to it. Through the services, then backdated (the seeders' way: a service records now)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from fangkong.core import clock

from ..models import Market, PriceCase, PriceItem, PriceObservation, PriceReport

ITEMS = [
    # name, unit, baseline (yuan), margin (%)
    ("大米", "元/斤", "2.80", "20"),
    ("食用油", "元/桶", "69.00", "15"),
    ("鸡蛋", "元/斤", "5.50", "20"),
    ("猪肉", "元/斤", "14.00", "20"),
    ("白菜", "元/斤", "1.20", "30"),
    ("土豆", "元/斤", "1.50", "30"),
    ("面粉", "元/袋", "25.00", "15"),
]
MARKETS = [
    # name, kind, address — "{s}": the short name of the street it is placed in (the district's streets in turn)
    ("{s}农贸市场", Market.Kind.MARKET, "{s}大街88号"),
    ("{s}惠民平价超市", Market.Kind.SUPERMARKET, "{s}路12号"),
    ("{s}菜市场", Market.Kind.MARKET, "{s}街36号"),
    ("{s}便民粮油店", Market.Kind.SHOP, "{s}路5号"),
]
# The day-to-day wobble of a price around its baseline, in per cent (7 days, oldest first).
DRIFT = [0, 2, -3, 5, 1, 4, 8]


def wipe() -> None:
    """Everything price monitoring holds, for a fresh demo (the public's reports are livelihood.seeding's)."""
    PriceReport.objects.filter(case__isnull=False).update(case=None)
    for model in (PriceObservation, PriceCase, Market, PriceItem):
        model.objects.all().delete()


def seed_demo(*, progress=lambda message: None) -> dict:
    """Idempotent: a district that watches goods already is left as it is."""
    from django.contrib.auth import get_user_model

    from fangkong.core.roles import Cap
    from fangkong.registry.models import Jurisdiction
    from fangkong.registry.selectors import district_users

    from .catalogue import market_create, price_item_create
    from .services import price_observation_record, price_report_link

    if PriceItem.objects.exists():
        return {"markets": 0, "items": 0, "observations": 0}
    User = get_user_model()
    # The market regulator records the demo's prices (the demo's account, else any), else district HQ.
    actor = (
        User.objects.filter(username="market_regulator").first()
        or User.objects.filter(roles__role="market_regulator", is_active=True).order_by("pk").first()
        or next(iter(district_users(Cap.PRICE_WATCH)), None)
    )
    streets = list(Jurisdiction.objects.filter(level=Jurisdiction.Level.STREET, retired_on__isnull=True)[:4])
    if actor is None or not streets:
        return {"markets": 0, "items": 0, "observations": 0}
    items = [
        price_item_create(actor=actor, name=n, unit=u, baseline=Decimal(b), margin_percent=Decimal(m))
        for n, u, b, m in ITEMS
    ]
    markets = []
    for i, (name, kind, address) in enumerate(MARKETS):
        street = streets[i % len(streets)]
        short = street.name.removesuffix("街道").removesuffix("镇") or street.name
        markets.append(
            market_create(
                actor=actor,
                name=name.format(s=short),
                kind=kind,
                jurisdiction_id=street.pk,
                address=address.format(s=short),
            )
        )
    now = clock.now()
    made = 0
    for m_index, market in enumerate(markets[:3]):
        for i_index, item in enumerate(items):
            for day, drift in enumerate(DRIFT):
                wobble = drift + (m_index + i_index) % 3  # markets differ a little
                # The week's one case: 白菜 at the first market, at 1.6 times its baseline on the last two days.
                if m_index == 0 and item.name == "白菜" and day >= 5:
                    wobble = 60
                price = (item.baseline * (100 + wobble) / 100).quantize(Decimal("0.01"))
                o = price_observation_record(actor=actor, market_id=market.pk, item_id=item.pk, price=price)
                at = now - timedelta(days=len(DRIFT) - 1 - day, hours=3 + m_index)
                PriceObservation.objects.filter(pk=o.pk).update(observed_at=at)
                made += 1
    opened = PriceCase.objects.filter(state=PriceCase.State.OPEN)
    for case in opened:
        first = case.observations.order_by("observed_at").values_list("observed_at", flat=True).first()
        if first is not None:
            PriceCase.objects.filter(pk=case.pk).update(opened_at=first)
    # The public's report of vegetables at three times the price joins the market's case; the pharmacy's hoarding
    # report stays for the regulator to place.
    report = PriceReport.objects.filter(state=PriceReport.State.RECEIVED, hoarding=False, case__isnull=True).first()
    cabbage = next(i for i in items if i.name == "白菜")
    if report is not None:
        price_report_link(actor=actor, report_id=report.pk, market_id=markets[0].pk, item_id=cabbage.pk)
    progress(f"livelihood: {len(markets)} markets, {len(items)} goods watched, {made} prices, {opened.count()} case")
    return {"markets": len(markets), "items": len(items), "observations": made}
