from __future__ import annotations

from django.urls import path

from . import views

app_name = "livelihood"

urlpatterns = [
    path("", views.community, name="community"),
    path("prices/", views.prices, name="prices"),
]
