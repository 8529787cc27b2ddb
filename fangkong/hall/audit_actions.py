"""The audit trail's words for what this app records (core.audit_labels): each action's label and the
name of each kind of object, translated when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "alert.dispatch": _("Alert dispatched as a task"),
}
OBJECTS: dict[str, str] = {}
