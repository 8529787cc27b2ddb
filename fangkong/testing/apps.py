from __future__ import annotations

from django.apps import AppConfig


class TestingConfig(AppConfig):
    name = "fangkong.testing"
    label = "testing"
    verbose_name = "Mass testing"

    def ready(self) -> None:
        from fangkong.residents import home

        from .resident import results_card

        home.register_card("testing.results", results_card, order=20)
