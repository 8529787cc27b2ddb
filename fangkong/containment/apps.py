from __future__ import annotations

from django.apps import AppConfig


class ContainmentConfig(AppConfig):
    name = "fangkong.containment"
    label = "containment"
    verbose_name = "Containment"

    def ready(self) -> None:
        from . import subscriptions

        subscriptions.connect()
