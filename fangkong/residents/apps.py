from __future__ import annotations

from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    """The residents' edge, below the domains: signing in by phone, the session that knows which registered people
    share that phone, and the /me/ home that the domains fill with their cards and pages (residents.home)."""

    name = "fangkong.residents"
    label = "residents"
    verbose_name = "Residents"

    def ready(self) -> None:
        from fangkong.core.audit_labels import register_actions

        from .audit_actions import ACTIONS, OBJECTS

        register_actions(ACTIONS, OBJECTS)  # the audit trail's words
        from django.utils.translation import gettext_lazy as _

        from . import home

        home.register_service("me:me", _("My status"), order=0)
        home.register_service("me:access_log", _("Who looked at my data"), order=10)

        from fangkong.core import navigation

        # Under the staff's sign-in form, for a resident who came to the wrong door.
        navigation.register("me:me", _("My services"), order=20, section="login")
