"""The audit trail's words for what this app records (core.audit_labels): each action's label and the
name of each kind of object, translated when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "retention.period_update": _("Retention period changed"),
    "database.backup": _("Database backed up"),
    "database.backup_prune": _("Old backups removed"),
    "emergency.end": _("Emergency data destroyed"),
}
OBJECTS = {
    "dataprotection.dataclass": _("Kind of data"),
}


def purge_label(action: str) -> str | None:
    """``passages.purge``: the daily purge of one kind of data, named by that kind."""
    from django.utils.translation import gettext

    from .classes import BY_KEY

    key, _dot, verb = action.rpartition(".")
    if verb != "purge" or key not in BY_KEY:
        return None
    return gettext("Expired data purged: %(kind)s") % {"kind": BY_KEY[key].label}
