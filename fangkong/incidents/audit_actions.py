"""The audit trail's words for what this app records (core.audit_labels): each action's label and the
name of each kind of object, translated when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "incident.initial": _("Initial report"),
    "incident.followup": _("Follow-up report"),
    "incident.final": _("Final report"),
    "incident.level_update": _("Incident levels changed"),
}
OBJECTS = {
    "incidents.incident": _("Incident"),
    "incidents.incidentlevel": _("Incident level"),
    "command.incidentlevel": _("Incident level"),
}
