"""The audit trail's words for gatherings (core.audit_labels), registered beside the app's own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "livelihood.gathering_register": _("Gathering registered"),
    "livelihood.gathering_cancel": _("Gathering cancelled"),
    "livelihood.gathering_limit_set": _("Gathering size limit set"),
}
OBJECTS = {
    "livelihood.gathering": _("Gathering"),
    "livelihood.gatheringlimit": _("Gathering size limit"),
}
