from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "fangkong.portal"
    label = "portal"
    verbose_name = "Public portal"

    def ready(self) -> None:
        from fangkong.core import defaults

        from .defaults import ensure_categories
        from .models import Category

        # The category tree, after every migrate and every flush (a reused test database emptied by a transactional
        # test gets it back, as a district that emptied the table would).
        defaults.register("portal.categories", lambda: ensure_categories(Category))
