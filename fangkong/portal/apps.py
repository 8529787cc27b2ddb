from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "fangkong.portal"
    label = "portal"
    verbose_name = "Public portal"

    def ready(self) -> None:
        from fangkong.core.audit_labels import register_actions

        from .audit_actions import ACTIONS, OBJECTS

        register_actions(ACTIONS, OBJECTS)  # the audit trail's words
        from fangkong.core import defaults

        from .defaults import ensure_categories
        from .models import Category

        def categories() -> None:
            # The built-in tree when there is none (a new database; a test database emptied by a flush), never
            # over a district's own: a category it deleted or renamed does not come back with the next deploy.
            if not Category.objects.exists():
                ensure_categories(Category)

        defaults.register("portal.categories", categories)

        from django.utils.translation import gettext_lazy as _

        from fangkong.core import navigation
        from fangkong.core.roles import Cap
        from fangkong.residents import home

        navigation.register(
            "news_manage:list",
            _("Portal articles"),
            order=270,
            visible=navigation.any_cap(Cap.PORTAL_EDIT),
            group="admin",
        )
        # The news for residents: under the sign-in form, and among the residents' own links.
        navigation.register("news:index", _("News and notices"), order=10, section="login")
        home.register_service("news:index", _("News and notices"), order=100)

        # The command hall and the desk (core.hall, core.desk).
        from fangkong.core import desk, hall

        from . import hall as portal_hall
        from .events import INTEGRITY_ALERT

        hall.register_indicators("portal", _("Public portal"), portal_hall.indicators, order=70)
        hall.register_alert_kind(INTEGRITY_ALERT, _("Portal page altered"), cap=Cap.AUDIT_VIEW, severity="bad")
        desk.register_todo("portal.review", portal_hall.articles_to_approve, order=70)
