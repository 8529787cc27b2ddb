from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "fangkong.portal"
    label = "portal"
    verbose_name = "Public portal"
