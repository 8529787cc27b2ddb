"""The audit trail's words for schools' holiday plans (core.audit_labels), registered beside the app's own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "livelihood.school_holiday_create": _("School holiday planned"),
    "livelihood.school_holiday_cancel": _("School holiday plan cancelled"),
}
OBJECTS = {"livelihood.schoolholiday": _("School holiday plan")}
