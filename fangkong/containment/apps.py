from __future__ import annotations

from django.apps import AppConfig


class ContainmentConfig(AppConfig):
    name = "fangkong.containment"
    label = "containment"
    verbose_name = "Containment"

    def ready(self) -> None:
        from fangkong.registry.selectors import register_access_source
        from fangkong.screening import platform_status

        from . import subscriptions
        from .scanning import checkpoint_status
        from .selectors import audit_objects_about

        subscriptions.connect()
        # Checkpoints decide on the platform's status; screening sits below containment and asks through this.
        platform_status.register(checkpoint_status)
        # A resident's access log (registry) counts containment's tracing and status-change rows about them.
        register_access_source(audit_objects_about)
