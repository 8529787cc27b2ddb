"""The residents' edge under /me/. No namespace here: the composition root (site/urls.py) puts these and each
domain's resident pages into one namespace, "me"."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("", views.me, name="me"),
    path("access/", views.access_log, name="access_log"),
]
