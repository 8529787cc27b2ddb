from __future__ import annotations

from django.urls import path

from . import resident

# Mounted under /me/ in the "me" namespace by the composition root (site/urls.py).
urlpatterns = [path("appeals/<int:change_id>/", resident.appeal, name="appeal")]
