from __future__ import annotations

from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    name = "fangkong.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from fangkong.core import navigation
        from fangkong.core.roles import Cap

        navigation.register(
            "dataprotection:retention", _("Retention"), order=320, visible=navigation.any_cap(Cap.RETENTION)
        )
