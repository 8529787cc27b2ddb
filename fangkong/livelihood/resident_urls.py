from __future__ import annotations

from django.urls import path

from . import resident
from .views import logistics as logistics_views

# Mounted under /me/ in the "me" namespace by the composition root (site/urls.py).
urlpatterns = [
    path("supplies/", resident.supplies, name="supplies"),
    path("volunteer/", resident.volunteer, name="volunteer"),
    path("volunteer/<int:volunteer_id>/certificate/", resident.certificate, name="volunteer_certificate"),
    path("report-price/", resident.report_price, name="report_price"),
    path("logistics-pass/", logistics_views.apply, name="logistics_pass"),
]
