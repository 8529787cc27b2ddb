from __future__ import annotations

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    """Incident fast reports (突发事件快报): below the domains, so that work safety (an accident is an incident)
    and command (the duty desk, the hall) both build on them."""

    name = "fangkong.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from fangkong.core.audit_labels import register_actions

        from .audit_actions import ACTIONS, OBJECTS

        register_actions(ACTIONS, OBJECTS)  # the audit trail's words
        from fangkong.core import defaults

        from .services import ensure_levels

        defaults.register("incidents.levels", ensure_levels)
