from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fangkong.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from .audit_actions import ACTIONS, OBJECTS
        from .audit_labels import register_actions

        register_actions(ACTIONS, OBJECTS)  # the audit trail's words
        from django.db.models.signals import post_migrate

        from . import (
            checks,  # noqa: F401  (registers the deployment checks)
            devices,
            passwords,
        )

        passwords.connect()  # a given password is changed at first sign-in
        devices.connect()  # where an account is signed in, to sign a device out from elsewhere
        from .defaults import ensure_all

        # Once per migrate (and flush), after every app's tables exist: the built-in defaults (core.defaults).
        post_migrate.connect(ensure_all, sender=self, dispatch_uid="fangkong.core.defaults")
        from . import partitions

        # Notifications and the audit trail by month (PostgreSQL; core.partitions); the partitions ahead made after
        # each migrate.
        partitions.register("command_notification", step="month", ahead=2)
        partitions.register("core_auditevent", step="month", ahead=2)
        post_migrate.connect(_partitions_ahead, sender=self, dispatch_uid="fangkong.core.partitions")

        from django.utils.translation import gettext_lazy as _

        from . import navigation
        from .inbox import unread_count
        from .roles import Cap

        # Core's own pages in the staff's navigation (core.navigation); the other entries are the apps' own.
        navigation.register_group("admin", _("Administration"), order=310)
        navigation.register("inbox", _("Inbox"), order=80, badge=lambda user: unread_count(user=user))
        navigation.register("audit", _("Audit"), order=310, visible=navigation.any_cap(Cap.AUDIT_VIEW), group="admin")


def _partitions_ahead(using: str = "default", **kwargs) -> None:
    from . import partitions

    partitions.ensure(using=using)
