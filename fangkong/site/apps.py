from __future__ import annotations

from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The composition root, above every domain app: the URL map, the WSGI entry point, the home page (built from
    what the domains register with core.dashboard), the demo district and the commands that run the whole
    platform (serve, worker, seed-demo, purge-expired). Nothing imports it."""

    name = "fangkong.site"
    label = "site"
    verbose_name = "Site"

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from fangkong.core import navigation

        # The start page: first in the staff's navigation, and where the brand and the error pages lead.
        navigation.register("home", _("Home"), order=0)
        navigation.register_link("home", lambda _obj: reverse("home"))
