from __future__ import annotations

from django.urls import path

from . import views

app_name = "testing"

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/pools/", views.round_pools, name="pools"),
    path("sites/<int:site_id>/", views.site_page, name="site"),
    path("sites/<int:site_id>/alone.json", views.site_alone_list, name="site_alone"),
    path("bags/", views.bag_page, name="bags"),
    path("lab/", views.lab_page, name="lab"),
    path("lab/template.xlsx", views.results_template_download, name="results_template"),
    path("recalls/", views.recall_list, name="recalls"),
    path("codes/<int:jurisdiction_id>/", views.code_sheet, name="codes"),
    path("codes/<int:jurisdiction_id>/households/", views.household_sheet, name="household_codes"),
    path("codes/<int:jurisdiction_id>/issue/", views.codes_issue, name="codes_issue"),
]
