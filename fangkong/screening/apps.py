from __future__ import annotations

from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "fangkong.screening"
    label = "screening"
    verbose_name = "Screening"
