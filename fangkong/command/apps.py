from __future__ import annotations

from django.apps import AppConfig


class CommandConfig(AppConfig):
    name = "fangkong.command"
    label = "command"
    verbose_name = "Command"

    def ready(self) -> None:
        from . import subscriptions

        subscriptions.connect()
