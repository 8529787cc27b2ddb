from __future__ import annotations

from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "fangkong.screening"
    label = "screening"
    verbose_name = "Screening"

    def ready(self) -> None:
        from fangkong.core.audit_labels import register_actions

        from .audit_actions import ACTIONS, OBJECTS

        register_actions(ACTIONS, OBJECTS)  # the audit trail's words
        from fangkong.registry.units import register_unit_extension

        from .unit_setup import EXTENSION

        register_unit_extension(EXTENSION)  # what a unit of this kind is here, set up with the unit
        from fangkong.core import defaults
        from fangkong.core.dashboard import register_alert

        from .alerts import missed_followups
        from .models import RiskProtocol, ScreeningSettings

        register_alert("screening.missed_followups", missed_followups)
        from fangkong.core import partitions

        partitions.register("screening_passage", step="day", ahead=7)  # dropped day by day by retention
        defaults.register("screening.protocol", RiskProtocol.ensure_defaults)
        defaults.register("screening.settings", ScreeningSettings.ensure_defaults)

        from django.utils.translation import gettext_lazy as _
        from django.utils.translation import pgettext_lazy

        from fangkong.residents import home

        home.register_service("me:travel", _("Report a trip"), order=20)

        from fangkong.core import navigation
        from fangkong.core.roles import Cap

        navigation.register_group("screening", _("Screening"), order=120)
        navigation.register(
            "screening:checkpoints",
            _("Checkpoint"),
            order=120,
            visible=navigation.any_cap(Cap.CHECKPOINT_WORK),
            group="screening",
        )
        navigation.register(
            "screening:shifts",
            _("Checkpoint shifts"),
            order=125,
            visible=navigation.any_cap(Cap.CHECKPOINT_MANAGE),
            group="screening",
        )
        navigation.register(
            "screening:followups",
            _("Cases"),
            order=130,
            visible=navigation.any_cap(Cap.FOLLOWUP_WORK),
            group="screening",
        )
        navigation.register(
            "screening:reconciliation",
            _("Nobody missed"),
            order=140,
            visible=navigation.any_cap(Cap.RECONCILE_VIEW),
            group="screening",
        )
        navigation.register(
            "screening:travel",
            _("Travel reports"),
            order=150,
            visible=navigation.any_cap(Cap.TRAVEL_REPORT, Cap.TRAVEL_APPROVE),
            group="screening",
        )

        # The command hall and the desk (core.hall, core.desk): screening's figures and its to-dos.
        from fangkong.core import desk, hall

        from . import hall as screening_hall
        from .events import CONTACT_MISSED_ALERT, HIGH_RISK_ARRIVAL, OFFLINE_DIFFERENCE

        hall.register_indicators("screening", _("Screening"), screening_hall.indicators, order=10)
        hall.register_alert_kind(HIGH_RISK_ARRIVAL, _("High-risk arrival"), cap=Cap.PASSAGE_VIEW, severity="bad")
        hall.register_alert_kind(
            OFFLINE_DIFFERENCE, _("Decided offline otherwise than the server"), cap=Cap.PASSAGE_VIEW, severity="bad"
        )
        hall.register_alert_kind(
            CONTACT_MISSED_ALERT, _("Arrivals not contacted in time"), cap=Cap.PASSAGE_VIEW, severity="bad"
        )
        from fangkong.core.alerts import register_sweep

        from .alerts import sweep_missed

        register_sweep("screening.contact_missed", sweep_missed)
        desk.register_todo("screening.contact", screening_hall.arrivals_to_contact, order=10)
        hall.register_map_indicator("arrivals_today", _("Arrivals today"), screening_hall.map_arrivals)
        hall.register_map_indicator(
            "followups_overdue", _("Not contacted in time"), screening_hall.map_followups_overdue
        )
        hall.register_chart("arrivals", _("Arrivals per day"), order=10)
        hall.register_trend("screening.arrivals", _("Arrivals"), screening_hall.trend_arrivals, chart="arrivals")
        hall.register_trend(
            "screening.arrivals_high",
            _("From high-risk areas"),
            screening_hall.trend_arrivals_high,
            chart="arrivals",
            tone="bad",
        )
        from fangkong.core import daily

        hall.register_chart("followups", _("Closed-loop cases"), order=20)
        hall.register_trend(
            "screening.followups_opened",
            pgettext_lazy("trend", "Opened"),
            daily.trend(screening_hall.FOLLOWUPS_OPENED, Cap.PASSAGE_VIEW),
            chart="followups",
        )
        hall.register_trend(
            "screening.followups_released",
            pgettext_lazy("trend", "Released"),
            daily.trend(screening_hall.FOLLOWUPS_RELEASED, Cap.PASSAGE_VIEW),
            chart="followups",
        )
        from .passages import arrivals_rebuild

        daily.register_summary("screening.arrivals", arrivals_rebuild)
        daily.register_rebuild(screening_hall.FOLLOWUPS_OPENED, screening_hall.recount_followups_opened)
        daily.register_rebuild(screening_hall.FOLLOWUPS_RELEASED, screening_hall.recount_followups_released)
        hall.register_map_points("checkpoints", _("Checkpoints"), screening_hall.checkpoint_points, symbol="triangle")
