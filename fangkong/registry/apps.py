from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "fangkong.registry"
    label = "registry"
    verbose_name = "Registry"

    def ready(self) -> None:
        from fangkong.core.audit_labels import register_actions

        from .audit_actions import ACTIONS, OBJECTS

        register_actions(ACTIONS, OBJECTS)  # the audit trail's words
        from django.utils.translation import gettext_lazy as _

        from fangkong.core import navigation
        from fangkong.core.roles import Cap

        navigation.register_group("registry", _("Basic data"), order=290)
        navigation.register(
            "jurisdictions",
            _("Jurisdictions"),
            order=90,
            visible=navigation.any_cap(Cap.REGISTRY_VIEW),
            group="registry",
        )
        navigation.register(
            "people", _("People"), order=100, visible=navigation.any_cap(Cap.PEOPLE_VIEW), group="registry"
        )
        navigation.register(
            "people-import", _("Import"), order=110, visible=navigation.any_cap(Cap.PEOPLE_IMPORT), group="registry"
        )
        navigation.register(
            "people-duplicates",
            _("Duplicates"),
            order=115,
            visible=navigation.any_cap(Cap.PEOPLE_MERGE),
            group="registry",
        )

        navigation.register(
            "admin-tree",
            _("Jurisdiction tree"),
            order=300,
            visible=navigation.any_cap(Cap.REGISTRY_ADMIN),
            group="admin",
        )
        navigation.register(
            "admin-units",
            _("Units"),
            order=301,
            visible=navigation.any_cap(Cap.REGISTRY_ADMIN),
            group="admin",
        )
        navigation.register(
            "admin-places",
            _("Places"),
            order=302,
            visible=navigation.any_cap(Cap.REGISTRY_ADMIN),
            group="admin",
        )
        navigation.register(
            "admin-staff",
            _("Staff accounts"),
            order=305,
            visible=navigation.any_cap(Cap.ACCOUNTS_ADMIN),
            group="admin",
        )

        from fangkong.core import daily

        from .counts import residents_rebuild

        daily.register_summary("registry.residents", residents_rebuild)
