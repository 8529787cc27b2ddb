"""The audit trail's words for key places (core.audit_labels), registered beside the app's own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "livelihood.place_register": _("Key place registered"),
    "livelihood.place_inspect": _("Key place inspected"),
    "livelihood.place_fixed": _("Key place's finding put right"),
    "livelihood.place_order": _("Key place closed, limited or reopened by order"),
    "livelihood.place_check_item_set": _("Key places' checklist changed"),
}
OBJECTS = {"livelihood.keyplace": _("Key place"), "livelihood.placecheckitem": _("Checklist item")}
