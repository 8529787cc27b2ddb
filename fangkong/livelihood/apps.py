from __future__ import annotations

from django.apps import AppConfig


class LivelihoodConfig(AppConfig):
    name = "fangkong.livelihood"
    label = "livelihood"
    verbose_name = "Livelihood"
