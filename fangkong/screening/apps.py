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

        # The command hall and the desk (core.hall, core.desk): screening's figures and its to-dos.
        from fangkong.core import desk, hall

        from . import hall as screening_hall
        from .events import HIGH_RISK_ARRIVAL

        hall.register_indicators("screening", _("Screening"), screening_hall.indicators, order=10)
        hall.register_alert_kind(HIGH_RISK_ARRIVAL, _("High-risk arrival"), cap=Cap.PASSAGE_VIEW, severity="bad")
        desk.register_todo("screening.contact", screening_hall.arrivals_to_contact, order=10)
        hall.register_map_indicator("arrivals_today", _("Arrivals today"), screening_hall.map_arrivals)
        hall.register_map_indicator(
            "followups_overdue", _("Not contacted in time"), screening_hall.map_followups_overdue
        )
        hall.register_map_points("checkpoints", _("Checkpoints"), screening_hall.checkpoint_points, symbol="triangle")
