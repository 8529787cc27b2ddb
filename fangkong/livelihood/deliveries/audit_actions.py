"""The audit trail's words for deliveries (core.audit_labels), registered beside the app's own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "livelihood.delivery_pack": _("Delivery packed"),
    "livelihood.delivery_dispatch": _("Delivery set out"),
    "livelihood.supply_raise": _("Supply request raised by the community"),
}
OBJECTS = {
    "livelihood.delivery": _("Delivery"),
}
