from __future__ import annotations

from django.apps import AppConfig


class LivelihoodConfig(AppConfig):
    name = "fangkong.livelihood"
    label = "livelihood"
    verbose_name = "Livelihood"

    def ready(self) -> None:
        from fangkong.core.audit_labels import register_actions

        from .audit_actions import ACTIONS, OBJECTS
        from .stock.audit_actions import ACTIONS as STOCK_ACTIONS
        from .stock.audit_actions import OBJECTS as STOCK_OBJECTS

        register_actions(ACTIONS, OBJECTS)  # the audit trail's words
        register_actions(STOCK_ACTIONS, STOCK_OBJECTS)
        from .volunteering.audit_actions import ACTIONS as SHIFT_ACTIONS
        from .volunteering.audit_actions import OBJECTS as SHIFT_OBJECTS

        register_actions(SHIFT_ACTIONS, SHIFT_OBJECTS)
        from .gatherings.audit_actions import ACTIONS as GATHERING_ACTIONS
        from .gatherings.audit_actions import OBJECTS as GATHERING_OBJECTS

        register_actions(GATHERING_ACTIONS, GATHERING_OBJECTS)
        from .deliveries.audit_actions import ACTIONS as DELIVERY_ACTIONS
        from .deliveries.audit_actions import OBJECTS as DELIVERY_OBJECTS

        register_actions(DELIVERY_ACTIONS, DELIVERY_OBJECTS)
        from .logistics.audit_actions import ACTIONS as PASS_ACTIONS
        from .logistics.audit_actions import OBJECTS as PASS_OBJECTS

        register_actions(PASS_ACTIONS, PASS_OBJECTS)
        from .schools.audit_actions import ACTIONS as SCHOOL_ACTIONS
        from .schools.audit_actions import OBJECTS as SCHOOL_OBJECTS

        register_actions(SCHOOL_ACTIONS, SCHOOL_OBJECTS)
        from .places.audit_actions import ACTIONS as PLACE_ACTIONS
        from .places.audit_actions import OBJECTS as PLACE_OBJECTS

        register_actions(PLACE_ACTIONS, PLACE_OBJECTS)
        from fangkong.containment import poster_notices

        from .places import ensure_default_items, poster_notice

        poster_notices.register("livelihood.key_places", poster_notice)
        from fangkong.screening import vehicles

        from .logistics import vehicle_notes

        vehicles.register("livelihood.logistics", vehicle_notes)
        from fangkong.core import defaults

        from .gatherings import ensure_default_limits

        defaults.register("livelihood.gathering_limits", ensure_default_limits)
        defaults.register("livelihood.place_checklist", ensure_default_items)
        from django.utils.translation import gettext_lazy as _

        from fangkong.residents import home

        home.register_service("me:supplies", _("Supplies"), order=30)
        home.register_service("me:volunteer", _("Volunteer"), order=40)
        home.register_service("me:report_price", _("Report price gouging"), order=60)

        from fangkong.core import navigation
        from fangkong.core.roles import Cap

        navigation.register_group("livelihood", _("Livelihood"), order=250)
        navigation.register(
            "livelihood:community",
            _("Supplies and volunteers"),
            order=250,
            visible=navigation.any_cap(Cap.LIVELIHOOD_WORK),
            group="livelihood",
        )
        navigation.register(
            "livelihood:deliveries",
            _("Deliveries"),
            order=252,
            visible=navigation.any_cap(Cap.LIVELIHOOD_WORK),
            group="livelihood",
        )
        navigation.register(
            "livelihood:stock_points",
            _("Stock points"),
            order=255,
            visible=navigation.any_cap(Cap.LIVELIHOOD_WORK),
            group="livelihood",
        )
        navigation.register(
            "livelihood:gatherings",
            _("Gatherings"),
            order=257,
            visible=navigation.any_cap(Cap.LIVELIHOOD_WORK),
            group="livelihood",
        )
        navigation.register(
            "livelihood:logistics",
            _("Logistics passes"),
            order=258,
            visible=navigation.any_cap(Cap.LOGISTICS_APPROVE),
            group="livelihood",
        )
        navigation.register(
            "livelihood:schools",
            _("School holidays"),
            order=259,
            visible=navigation.any_cap(Cap.SCHOOL_PLAN),
            group="livelihood",
        )
        navigation.register(
            "livelihood:places",
            _("Key places"),
            order=256,
            visible=navigation.any_cap(Cap.LIVELIHOOD_WORK, Cap.PLACE_INSPECT),
            group="livelihood",
        )
        navigation.register(
            "livelihood:prices",
            _("Price monitoring"),
            order=260,
            visible=navigation.any_cap(Cap.PRICE_WATCH),
            group="livelihood",
        )

        # The command hall and the desk (core.hall, core.desk).
        from fangkong.core import desk, hall

        from . import hall as livelihood_hall

        hall.register_indicators("livelihood", _("Livelihood"), livelihood_hall.indicators, order=40)
        desk.register_todo("livelihood.supplies", livelihood_hall.supplies_to_deliver, order=40)
        desk.register_todo("livelihood.stock", livelihood_hall.stock_short, order=44)
        from fangkong.core.alerts import register_sweep

        from .deliveries import LATE_ALERT, sweep_late

        hall.register_alert_kind(LATE_ALERT, _("Urgent supplies late"), cap=Cap.LIVELIHOOD_WORK, severity="bad")
        register_sweep("livelihood.supply_late", sweep_late)
        desk.register_todo("livelihood.volunteers", livelihood_hall.volunteers_to_answer, order=41)
        desk.register_todo("livelihood.prices", livelihood_hall.price_reports_to_handle, order=42)
