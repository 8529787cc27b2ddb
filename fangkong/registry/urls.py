from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("registry/", views.jurisdiction_tree, name="jurisdictions"),
    path("registry/<int:jurisdiction_id>/", views.jurisdiction_tree, name="jurisdiction"),
    path("people/", views.people_list, name="people"),
    path("people/export.xlsx", views.people_export, name="people-export"),
    path("people/import/", views.people_import, name="people-import"),
    path("people/import/template.xlsx", views.roster_template, name="roster-template"),
    path("people/import/<int:job_id>/", views.people_import_job, name="people-import-job"),
    path(
        "people/import/<int:job_id>/rejected.xlsx",
        views.people_import_rejections,
        name="people-import-rejections",
    ),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("people/<int:person_id>/reveal", views.person_reveal, name="person-reveal"),
]
