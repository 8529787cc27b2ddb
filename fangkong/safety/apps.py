from __future__ import annotations

from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "fangkong.safety"
    label = "safety"
    verbose_name = "Work safety"

    def ready(self) -> None:
        from fangkong.core.audit_labels import register_actions

        from .audit_actions import ACTIONS, OBJECTS

        register_actions(ACTIONS, OBJECTS)  # the audit trail's words
        from fangkong.core import defaults

        from .checklists import ensure_builtin_checklists

        # The State Council's measures and the enterprise checklists by industry and risk (builtin_checklists).
        defaults.register("safety.checklists", ensure_builtin_checklists)

        from django.utils.translation import gettext_lazy as _
        from django.utils.translation import pgettext_lazy

        from fangkong.residents import home

        home.register_service("me:report_hazard", _("Report a hazard"), order=50)

        from fangkong.core import navigation
        from fangkong.core.roles import Cap

        navigation.register_group("safety", _("Work safety"), order=240)
        navigation.register(
            "safety:hazards",
            _("Hazards"),
            order=240,
            visible=navigation.any_cap(Cap.SAFETY_VIEW, Cap.SAFETY_REGULATE, Cap.SAFETY_SELF),
            group="safety",
        )

        # The command hall and the desk (core.hall, core.desk).
        from fangkong.core import desk, hall

        from . import hall as safety_hall
        from .events import ACCIDENT_ALERT, MAJOR_HAZARD_ALERT
        from .hazards import HAZARDS_CLOSED, HAZARDS_FOUND

        hall.register_indicators("safety", _("Work safety"), safety_hall.indicators, order=60)
        hall.register_alert_kind(MAJOR_HAZARD_ALERT, _("Major hazard"), cap=Cap.SAFETY_VIEW, severity="bad")
        hall.register_alert_kind(ACCIDENT_ALERT, _("Accident"), cap=Cap.SAFETY_VIEW, severity="bad")
        desk.register_todo("safety.review", safety_hall.hazards_to_review, order=60)
        desk.register_todo("safety.rectify", safety_hall.hazards_to_rectify, order=61)
        desk.register_todo("safety.tips", safety_hall.tips_to_verify, order=62)
        hall.register_map_indicator("hazards_open", _("Open hazards"), safety_hall.map_hazards_open)
        from fangkong.core import daily

        hall.register_chart("hazards", _("Hazards"), order=60)
        hall.register_trend(
            "safety.hazards_found",
            pgettext_lazy("trend", "Found"),
            daily.trend(HAZARDS_FOUND, Cap.SAFETY_VIEW),
            chart="hazards",
            tone="warn",
        )
        hall.register_trend(
            "safety.hazards_closed",
            pgettext_lazy("trend", "Closed"),
            daily.trend(HAZARDS_CLOSED, Cap.SAFETY_VIEW),
            chart="hazards",
        )
        daily.register_rebuild(HAZARDS_FOUND, safety_hall.recount_found)
        daily.register_rebuild(HAZARDS_CLOSED, safety_hall.recount_closed)
        hall.register_map_points(
            "major_hazards", _("Enterprises with a major hazard"), safety_hall.major_hazard_points, symbol="diamond"
        )
