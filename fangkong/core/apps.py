from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fangkong.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import checks  # noqa: F401  (registers the deployment checks)
        from .defaults import ensure_all

        # Once per migrate (and flush), after every app's tables exist: the built-in defaults (core.defaults).
        post_migrate.connect(ensure_all, sender=self, dispatch_uid="fangkong.core.defaults")
