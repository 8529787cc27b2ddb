from __future__ import annotations

from django.urls import path

from . import views
from .views import cases as case_views
from .views import copresence as copresence_views
from .views import epi as epi_views

app_name = "containment"

urlpatterns = [
    path("zones/", views.zone_list, name="zones"),
    path("zones/<int:zone_id>/", views.zone_detail, name="zone"),
    path("people/", views.people_list, name="people"),
    path("people/<int:person_id>/", views.person_status, name="person"),
    path("changes/", views.change_list, name="changes"),
    path("changes/<int:change_id>/decide/", views.change_decide, name="change_decide"),
    path("appeals/<int:appeal_id>/decide/", views.appeal_decide, name="appeal_decide"),
    path("venues/<int:venue_id>/poster/", views.venue_poster, name="venue_poster"),
    path("venues/door/", views.venue_doors, name="venue_doors"),
    path("venues/door/<int:venue_id>/", views.venue_door, name="venue_door"),
    path("tracing/", views.tracing, name="tracing"),
    path("status-list.json", views.status_list_page, name="status_list"),
    path("sentinel/", views.sentinel_form, name="sentinel"),
    path("alerts/", views.alert_list, name="alerts"),
    path("transfers/", views.transfer_list, name="transfers"),
    path("cases/", case_views.case_list, name="cases"),
    path("cases/<int:case_id>/", case_views.case_detail, name="case"),
    path("inpatients/", views.inpatients, name="inpatients"),
    path("cases/<int:case_id>/chain/", epi_views.case_chain, name="case_chain"),
    path("epicurve/", epi_views.epicurve_page, name="epicurve"),
    path("clusters/", epi_views.cluster_list, name="clusters"),
    path("clusters/<int:cluster_id>/", epi_views.cluster_page, name="cluster"),
    path("cases/<int:case_id>/copresence/", copresence_views.case_copresence, name="case_copresence"),
]
