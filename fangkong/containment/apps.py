from __future__ import annotations

from django.apps import AppConfig


class ContainmentConfig(AppConfig):
    name = "fangkong.containment"
    label = "containment"
    verbose_name = "Containment"

    def ready(self) -> None:
        from fangkong.core.audit_labels import register_actions

        from .audit_actions import ACTIONS, OBJECTS

        register_actions(ACTIONS, OBJECTS)  # the audit trail's words
        from fangkong.registry.units import register_unit_extension

        from . import checks  # noqa: F401  (registers the system checks)
        from .unit_setup import EXTENSION

        register_unit_extension(EXTENSION)  # what a unit of this kind is here, set up with the unit
        from django.db.models import Exists, OuterRef, Q

        from fangkong.core import defaults
        from fangkong.core.purging import register_hold
        from fangkong.registry.selectors import register_access_source
        from fangkong.screening import platform_status
        from fangkong.testing import providers as testing

        from . import subscriptions
        from .models import Case
        from .protocol import ensure_default_levels
        from .scanning import checkpoint_status
        from .selectors import audit_objects_about, sealed_places
        from .status_list import status_list_public_key

        subscriptions.connect()
        from fangkong.residents import home

        from .resident import status_card

        home.register_card("containment.status", status_card, order=10)
        defaults.register("containment.zone_levels", ensure_default_levels)
        from fangkong.core import partitions

        partitions.register("containment_venuescan", step="day", ahead=7)  # dropped day by day by retention
        from .models.cases import ContactProtocol

        defaults.register("containment.contact_protocol", ContactProtocol.ensure_defaults)
        # Checkpoints decide on the platform's status; screening sits below containment and asks through this.
        platform_status.register(checkpoint_status, list_key=status_list_public_key)
        # A resident's access log (registry) counts containment's tracing and status-change rows about them.
        register_access_source(audit_objects_about)
        # Testing sits below containment too: a new round pools one household per tube in the sealed compounds,
        # and the purge keeps the samples of a person whose confirmed case is still open.
        testing.register_sealed_places(sealed_places)
        from .retention import change_running

        # A closed-loop case a running status change may cite stays past its period (screening's purge asks).
        register_hold("followups", "status_change_running", lambda: Q(change_running()))
        register_hold(
            "samples",
            "open_case",
            lambda: Q(Exists(Case.objects.filter(person_id=OuterRef("person_id"), released_at__isnull=True))),
        )

        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from fangkong.core import navigation
        from fangkong.core.roles import Cap

        status = navigation.any_cap(Cap.STATUS_VIEW)
        sentinel = navigation.any_cap(Cap.SENTINEL_REPORT)
        navigation.register_group("containment", _("Containment"), order=190)
        navigation.register(
            "containment:zones", _("Zones"), order=190, visible=navigation.any_cap(Cap.ZONE_VIEW), group="containment"
        )
        navigation.register(
            "containment:cases",
            _("Cases and contacts"),
            order=195,
            visible=navigation.any_cap(Cap.CASE_WORK),
            group="containment",
        )
        navigation.register(
            "containment:clusters",
            _("Clusters"),
            order=196,
            visible=navigation.any_cap(Cap.CASE_WORK),
            group="containment",
        )
        navigation.register("containment:epicurve", _("Epidemic curve"), order=197, visible=status, group="containment")
        navigation.register("containment:alerts", _("Sentinel alerts"), order=200, visible=status, group="containment")
        navigation.register(
            "containment:transfers",
            _("Transfers"),
            order=210,
            visible=navigation.any_cap(Cap.CASE_WORK, Cap.TRANSFER_WORK),
            group="containment",
        )
        navigation.register(
            "containment:sentinel", _("Sentinel report"), order=220, visible=sentinel, group="containment"
        )
        navigation.register("containment:inpatients", _("Inpatients"), order=230, visible=sentinel, group="containment")
        navigation.register(
            "containment:tracing", _("Tracing"), order=290, visible=navigation.any_cap(Cap.TRACE), group="containment"
        )
        navigation.register("containment:changes", _("Status changes"), order=300, visible=status, group="containment")
        from fangkong.core.scoping import roles_for

        def at_a_door(user) -> bool:  # a venue's staff (a checkpoint's scan too, at its own page)
            return any(a.role == "venue_staff" for a in roles_for(user))

        navigation.register("containment:venue_doors", _("Venue door"), order=180, visible=at_a_door)
        # Registry's person page (below containment) links to the person's status and whereabouts here.
        navigation.register_link(
            "person.status", lambda person: reverse("containment:person", args=[person.pk]), visible=status
        )
        navigation.register_link(
            "person.whereabouts",
            lambda person: f"{reverse('containment:tracing')}?person={person.pk}&days=7",
            visible=navigation.any_cap(Cap.TRACE),
        )

        # The command hall and the desk (core.hall, core.desk).
        from fangkong.core import desk, hall

        from . import hall as containment_hall
        from .events import (
            CASE_CONFIRMED_ALERT,
            SENTINEL_ALERT_RAISED,
            TRANSFER_LATE_ALERT,
            ZONE_APPROVED_ALERT,
            ZONE_PROPOSED_ALERT,
        )

        hall.register_indicators("containment", _("Containment"), containment_hall.indicators, order=30)
        hall.register_alert_kind(CASE_CONFIRMED_ALERT, _("Confirmed case"), cap=Cap.STATUS_VIEW, severity="bad")
        hall.register_alert_kind(ZONE_PROPOSED_ALERT, _("Zone proposed"), cap=Cap.ZONE_VIEW)
        hall.register_alert_kind(ZONE_APPROVED_ALERT, _("Zone in force"), cap=Cap.ZONE_VIEW, severity="bad")
        hall.register_alert_kind(SENTINEL_ALERT_RAISED, _("Sentinel alert"), cap=Cap.STATUS_VIEW)
        hall.register_alert_kind(TRANSFER_LATE_ALERT, _("Transfer late"), cap=Cap.STATUS_VIEW, severity="bad")
        from fangkong.core.alerts import register_sweep

        from .transfers import sweep_late

        register_sweep("containment.transfer_late", sweep_late)
        desk.register_todo("containment.zones", containment_hall.zones_to_decide, order=30)
        desk.register_todo("containment.changes", containment_hall.changes_to_decide, order=31)
        desk.register_todo("containment.appeals", containment_hall.appeals_to_decide, order=32)
        desk.register_todo("containment.sentinel", containment_hall.sentinel_alerts_to_handle, order=33)
        hall.register_map_indicator("zone_level", _("Zone level"), containment_hall.map_zone_level, palette="zone")
        hall.register_map_indicator("red", _("People red"), containment_hall.map_red)
        hall.register_map_indicator("yellow", _("People yellow"), containment_hall.map_yellow)
        hall.register_trend(
            "containment.cases",
            _("Confirmed cases"),
            containment_hall.trend_cases,
            chart="epidemic_curve",
            kind="bar",
            tone="bad",
        )
        hall.register_map_points(
            "sealed_compounds", _("Sealed compounds"), containment_hall.sealed_compound_points, symbol="pin"
        )
        hall.register_map_points(
            "isolation_sites", _("Isolation sites"), containment_hall.isolation_site_points, symbol="rect"
        )
