from __future__ import annotations

from django.apps import AppConfig


class TestingConfig(AppConfig):
    name = "fangkong.testing"
    label = "testing"
    verbose_name = "Mass testing"

    def ready(self) -> None:
        from fangkong.core.audit_labels import register_actions

        from .audit_actions import ACTIONS, OBJECTS

        register_actions(ACTIONS, OBJECTS)  # the audit trail's words
        from fangkong.core import partitions

        from .models import Round

        # A partition per 32 rounds (PostgreSQL), made before the next two rounds need it: samples never wait.
        partitions.register(
            "testing_sample",
            column="round_id",
            step="round",
            ahead=2,
            keys=lambda using: list(Round.objects.using(using).values_list("pk", flat=True)),
        )
        from fangkong.registry.units import register_unit_extension

        from .unit_setup import EXTENSION, LAB_EXTENSION

        register_unit_extension(EXTENSION)  # what a unit of this kind is here, set up with the unit
        register_unit_extension(LAB_EXTENSION)  # a lab's tubes per hour, for the pool plan
        from fangkong.residents import home

        from .resident import results_card

        home.register_card("testing.results", results_card, order=20)

        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from fangkong.core import navigation
        from fangkong.core.roles import Cap

        navigation.register_group("testing", _("Testing"), order=160)
        navigation.register(
            "testing:rounds",
            _("Testing rounds"),
            order=160,
            visible=navigation.any_cap(Cap.TESTING_SAMPLE, Cap.TESTING_ADMIN),
            group="testing",
        )
        navigation.register(
            "testing:lab", _("Laboratory"), order=170, visible=navigation.any_cap(Cap.TESTING_LAB), group="testing"
        )
        navigation.register(
            "testing:recalls", _("Recalls"), order=180, visible=navigation.any_cap(Cap.TESTING_RECALL), group="testing"
        )
        # Registry's jurisdiction page (below testing) offers the code sheets of a community or grid, and issuing.
        navigation.register_link("jurisdiction.personal_codes", lambda j: reverse("testing:codes", args=[j.pk]))
        navigation.register_link(
            "jurisdiction.household_codes", lambda j: reverse("testing:household_codes", args=[j.pk])
        )
        navigation.register_link("jurisdiction.issue_codes", lambda j: reverse("testing:codes_issue", args=[j.pk]))

        # The command hall and the desk (core.hall, core.desk).
        from fangkong.core import desk, hall

        from . import hall as testing_hall
        from .events import POOL_POSITIVE_ALERT

        hall.register_indicators("testing", _("Testing"), testing_hall.indicators, order=20)
        hall.register_alert_kind(POOL_POSITIVE_ALERT, _("Positive pool"), cap=Cap.TESTING_RECALL, severity="bad")
        desk.register_todo("testing.recalls", testing_hall.recalls_to_sample, order=20)
        hall.register_map_indicator("round_coverage", _("Round coverage (%)"), testing_hall.map_coverage)
        from fangkong.core import daily

        hall.register_chart("tests", _("Tests per day"), order=30)
        hall.register_trend(
            "testing.samples",
            _("Samples taken"),
            daily.trend(testing_hall.SAMPLES, Cap.TESTING_RECALL),
            chart="tests",
            kind="bar",
        )
        hall.register_chart("epidemic_curve", _("Epidemic curve"), order=40)
        hall.register_trend(
            "testing.positive_pools",
            _("Positive pools"),
            daily.trend(testing_hall.POSITIVE_POOLS, Cap.TESTING_RECALL),
            chart="epidemic_curve",
            kind="bar",
            tone="warn",
        )
        daily.register_rebuild(testing_hall.SAMPLES, testing_hall.recount_samples)
        daily.register_rebuild(testing_hall.POSITIVE_POOLS, testing_hall.recount_positive_pools)
        hall.register_map_points("sampling_sites", _("Sampling sites"), testing_hall.site_points, symbol="circle")
