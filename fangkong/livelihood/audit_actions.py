"""The audit trail's words for what this app records (core.audit_labels): each action's label and the
name of each kind of object, translated when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "livelihood.supply_request": _("Supplies requested"),
    "livelihood.supply_accepted": _("Supply request accepted"),
    "livelihood.supply_delivered": _("Supplies delivered"),
    "livelihood.volunteer_sign_up": _("Volunteer signed up"),
    "livelihood.volunteer_decide": _("Volunteer decided"),
    "livelihood.volunteer_withdraw": _("Volunteer withdrew"),
    "livelihood.price_report": _("Price report"),
    "livelihood.price_decide": _("Price report decided"),
    "livelihood.price_reveal": _("Reporter revealed"),
    "livelihood.supply_cancelled": _("Supply request cancelled"),
    "livelihood.price_observe": _("Price recorded"),
    "livelihood.price_case_open": _("Price case opened"),
    "livelihood.price_case_close": _("Price case closed"),
    "livelihood.price_report_link": _("Price report joined to a case"),
    "livelihood.market_create": _("Market added"),
    "livelihood.market_update": _("Market changed"),
    "livelihood.price_item_create": _("Watched goods added"),
    "livelihood.price_item_update": _("Watched goods changed"),
}
OBJECTS = {
    "livelihood.supplyrequest": _("Supply request"),
    "livelihood.volunteer": _("Volunteer"),
    "livelihood.pricereport": _("Price report"),
    "livelihood.market": _("Market"),
    "livelihood.priceitem": _("Watched goods"),
    "livelihood.pricecase": _("Price case"),
    "livelihood.priceobservation": _("Price observation"),
}
