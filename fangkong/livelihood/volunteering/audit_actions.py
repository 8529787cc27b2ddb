"""The audit trail's words for volunteers' shifts (core.audit_labels), registered beside the app's own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "livelihood.shift_assign": _("Volunteer shift assigned"),
    "livelihood.shift_cancel": _("Volunteer shift cancelled"),
    "livelihood.shift_check_in": _("Volunteer checked in"),
    "livelihood.shift_check_out": _("Volunteer checked out"),
}
OBJECTS = {
    "livelihood.shift": _("Volunteer shift"),
}
