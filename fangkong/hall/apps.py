from __future__ import annotations

from django.apps import AppConfig


class HallConfig(AppConfig):
    """The command hall (/hall/ and /api/v1/hall…): the district at a glance, composed from what every module
    registers with core.hall (indicators, alert kinds, map indicators) and core.desk (to-dos). Above every
    domain app — nothing imports it but the composition root."""

    name = "fangkong.hall"
    label = "hall"
    verbose_name = "Command hall"

    def ready(self) -> None:
        from fangkong.core.audit_labels import register_actions

        from .audit_actions import ACTIONS, OBJECTS

        register_actions(ACTIONS, OBJECTS)  # the audit trail's words
        from django.utils.translation import gettext_lazy as _

        from fangkong.core import navigation
        from fangkong.core.roles import Cap

        navigation.register("hall:hall", _("Command hall"), order=5, visible=navigation.any_cap(Cap.HALL_VIEW))
