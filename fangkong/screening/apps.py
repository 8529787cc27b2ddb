from __future__ import annotations

from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "fangkong.screening"
    label = "screening"
    verbose_name = "Screening"

    def ready(self) -> None:
        from fangkong.core.dashboard import register_alert

        from .alerts import missed_followups

        register_alert("screening.missed_followups", missed_followups)
