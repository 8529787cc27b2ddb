from __future__ import annotations

from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "fangkong.safety"
    label = "safety"
    verbose_name = "Work safety"

    def ready(self) -> None:
        from fangkong.core import defaults

        from .checklists import ensure_state_council_15

        defaults.register("safety.state_council_15", ensure_state_council_15)

        from django.utils.translation import gettext_lazy as _

        from fangkong.residents import home

        home.register_service("me:report_hazard", _("Report a hazard"), order=50)

        from fangkong.core import navigation
        from fangkong.core.roles import Cap

        navigation.register(
            "safety:hazards",
            _("Hazards"),
            order=240,
            visible=navigation.any_cap(Cap.SAFETY_VIEW, Cap.SAFETY_REGULATE, Cap.SAFETY_SELF),
        )
