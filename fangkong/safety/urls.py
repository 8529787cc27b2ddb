from __future__ import annotations

from django.urls import path

from . import views

app_name = "safety"

urlpatterns = [
    path("", views.hazard_list, name="hazards"),
    path("hazards/<int:hazard_id>/", views.hazard_detail, name="hazard"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:inspection_id>/", views.inspection_walk, name="inspection"),
]
