from __future__ import annotations

from django.urls import path

from . import views

app_name = "dataprotection"

urlpatterns = [
    path("retention/", views.retention_page, name="retention"),
]
