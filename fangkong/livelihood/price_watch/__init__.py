"""Price monitoring (哄抬物价): market inspectors record the prices of staple goods at named markets and shops; a
price above the item's baseline by more than its margin opens a case for the market regulator, with the price as
evidence; later prices above it at the same market join the open case, and so do the public's reports once the
regulator names the market they are about; a case is closed with its outcome, and its reports with it.

- selectors.py: who watches where (`price_reach`), the one access path to each record, the chart's data;
- services.py: a price recorded, a report joined to a case, a case closed;
- catalogue.py: the markets and the goods watched, kept by those who watch district-wide;
- values.py: prices and margins as typed; demo.py: the demo's markets, goods and week of prices.
"""

from __future__ import annotations

from .catalogue import (
    MarketCreateInput,
    MarketUpdateInput,
    PriceItemCreateInput,
    PriceItemUpdateInput,
    market_create,
    market_update,
    price_item_create,
    price_item_update,
)
from .demo import seed_demo, wipe
from .selectors import (
    CHART_DAYS,
    can_manage,
    can_watch,
    case_evidence,
    ceiling_of,
    is_above,
    market_get,
    market_places,
    markets_visible,
    price_case_get,
    price_cases_visible,
    price_chart,
    price_item_get,
    price_items_visible,
    price_observations_visible,
    price_reach,
    price_report_get,
    price_todo_counts,
    recent_observations,
)
from .services import (
    PriceCaseCloseInput,
    PriceObservationRecordInput,
    PriceReportLinkInput,
    price_case_close,
    price_observation_record,
    price_report_link,
)
from .values import ABSURD_FACTOR

__all__ = [
    "ABSURD_FACTOR",
    "CHART_DAYS",
    "MarketCreateInput",
    "MarketUpdateInput",
    "PriceCaseCloseInput",
    "PriceItemCreateInput",
    "PriceItemUpdateInput",
    "PriceObservationRecordInput",
    "PriceReportLinkInput",
    "can_manage",
    "can_watch",
    "case_evidence",
    "ceiling_of",
    "is_above",
    "market_create",
    "market_get",
    "market_places",
    "market_update",
    "markets_visible",
    "price_case_close",
    "price_case_get",
    "price_cases_visible",
    "price_chart",
    "price_item_create",
    "price_item_get",
    "price_item_update",
    "price_items_visible",
    "price_observation_record",
    "price_observations_visible",
    "price_reach",
    "price_report_get",
    "price_report_link",
    "price_todo_counts",
    "recent_observations",
    "seed_demo",
    "wipe",
]
