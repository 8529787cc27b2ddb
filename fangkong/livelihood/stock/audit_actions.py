"""The audit trail's words for stock (core.audit_labels), registered beside the app's own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "livelihood.stock_point_create": _("Stock point set up"),
    "livelihood.goods_create": _("Goods added to the district's list"),
    "livelihood.stock_in": _("Goods in"),
    "livelihood.stock_out": _("Goods out"),
    "livelihood.stock_threshold": _("Shortage threshold set"),
}
OBJECTS = {
    "livelihood.stockpoint": _("Stock point"),
    "livelihood.goods": _("Goods"),
}
