from __future__ import annotations

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("", views.me, name="me"),
    path("access/", views.access_log, name="access_log"),
    path("appeals/<int:change_id>/", views.appeal, name="appeal"),
    path("report-hazard/", views.report_hazard, name="report_hazard"),
    path("report-price/", views.report_price, name="report_price"),
    path("travel/", views.travel, name="travel"),
    path("supplies/", views.supplies, name="supplies"),
    path("volunteer/", views.volunteer, name="volunteer"),
]
