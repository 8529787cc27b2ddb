from __future__ import annotations

from django.urls import path

from . import enterprise_views, inspection_views, views

app_name = "safety"

urlpatterns = [
    path("", views.hazard_list, name="hazards"),
    path("hazards/<int:hazard_id>/", views.hazard_detail, name="hazard"),
    path("review/", views.review_queue, name="review"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("overdue.csv", views.overdue_csv, name="overdue_csv"),
    path("accidents/", views.accident_list, name="accidents"),
    path("accidents/<int:accident_id>/", views.accident_detail, name="accident"),
    path("inspections/new/", inspection_views.inspection_new, name="inspection_new"),
    path("inspections/<int:inspection_id>/", inspection_views.inspection_walk, name="inspection"),
    path(
        "inspections/<int:inspection_id>/signature.png",
        inspection_views.inspection_signature,
        name="inspection_signature",
    ),
    path("enterprises/", enterprise_views.enterprise_list, name="enterprises"),
    path("enterprises/<int:enterprise_id>/", enterprise_views.enterprise_detail, name="enterprise"),
    path("industries/", enterprise_views.industry_page, name="industries"),
    path("checklists/", enterprise_views.checklist_page, name="checklists"),
]
