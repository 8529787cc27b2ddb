"""The audit trail's words for logistics passes (core.audit_labels), registered beside the app's own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "livelihood.logistics_apply": _("Logistics pass applied for"),
    "livelihood.logistics_decide": _("Logistics pass decided"),
    "livelihood.logistics_revoke": _("Logistics pass revoked"),
}
OBJECTS = {"livelihood.logisticspass": _("Logistics pass")}
