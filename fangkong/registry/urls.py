from __future__ import annotations

from django.urls import path

from . import admin_views, staff_views, views

urlpatterns = [
    path("registry/", views.jurisdiction_tree, name="jurisdictions"),
    path("registry/<int:jurisdiction_id>/", views.jurisdiction_tree, name="jurisdiction"),
    path("people/", views.people_list, name="people"),
    path("people/export.xlsx", views.people_export, name="people-export"),
    path("people/import/", views.people_import, name="people-import"),
    path("people/duplicates/", staff_views.duplicates_page, name="people-duplicates"),
    path("people/import/template.xlsx", views.roster_template, name="roster-template"),
    path("people/import/<int:job_id>/", views.people_import_job, name="people-import-job"),
    path(
        "people/import/<int:job_id>/rejected.xlsx",
        views.people_import_rejections,
        name="people-import-rejections",
    ),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("people/<int:person_id>/reveal", views.person_reveal, name="person-reveal"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:person_id>/viewers/", staff_views.person_viewers, name="person-viewers"),
    path("admin/tree/", admin_views.tree_page, name="admin-tree"),
    path("admin/tree/template.xlsx", admin_views.tree_template, name="admin-tree-template"),
    path("admin/units/", admin_views.units_page, name="admin-units"),
    path("admin/units/template.xlsx", admin_views.units_template, name="admin-units-template"),
    path("admin/places/", admin_views.places_page, name="admin-places"),
    path("admin/places/template.xlsx", admin_views.places_template, name="admin-places-template"),
    path("admin/staff/", staff_views.staff_list, name="admin-staff"),
    path("admin/staff/import", staff_views.staff_import_page, name="admin-staff-import"),
    path("admin/staff/template.xlsx", staff_views.staff_template, name="admin-staff-template"),
    path("admin/staff/<int:staff_id>/", staff_views.staff_detail, name="admin-staff-detail"),
    path("admin/staff/<int:staff_id>/action", staff_views.staff_action, name="admin-staff-action"),
]
