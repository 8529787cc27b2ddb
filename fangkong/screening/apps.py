from __future__ import annotations

from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "fangkong.screening"
    label = "screening"
    verbose_name = "Screening"

    def ready(self) -> None:
        from fangkong.core import defaults
        from fangkong.core.dashboard import register_alert

        from .alerts import missed_followups
        from .models import RiskProtocol, ScreeningSettings

        register_alert("screening.missed_followups", missed_followups)
        defaults.register("screening.protocol", RiskProtocol.ensure_defaults)
        defaults.register("screening.settings", ScreeningSettings.ensure_defaults)

        from django.utils.translation import gettext_lazy as _

        from fangkong.residents import home

        home.register_service("me:travel", _("Report a trip"), order=20)

        from fangkong.core import navigation
        from fangkong.core.roles import Cap

        navigation.register(
            "screening:checkpoints", _("Checkpoint"), order=120, visible=navigation.any_cap(Cap.CHECKPOINT_WORK)
        )
        navigation.register("screening:followups", _("Cases"), order=130, visible=navigation.any_cap(Cap.FOLLOWUP_WORK))
        navigation.register(
            "screening:reconciliation", _("Nobody missed"), order=140, visible=navigation.any_cap(Cap.RECONCILE_VIEW)
        )
        navigation.register(
            "screening:travel",
            _("Travel reports"),
            order=150,
            visible=navigation.any_cap(Cap.TRAVEL_REPORT, Cap.TRAVEL_APPROVE),
        )
