from __future__ import annotations

from django.urls import path

from . import views

app_name = "hall"

urlpatterns = [
    path("", views.hall, name="hall"),
    path("panel", views.panel, name="panel"),
    path("feed", views.feed, name="feed"),
    path("stream", views.stream, name="stream"),
    path("map.json", views.map_json, name="map"),
    path("trends.json", views.trends_json, name="trends"),
    path("alerts/<int:alert_id>/dispatch", views.dispatch, name="dispatch"),
]
