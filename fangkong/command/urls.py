from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "command"

urlpatterns = [
    path("", views.my_tasks, name="tasks"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("attachments/<int:update_id>/", views.attachment, name="attachment"),
    path("directives/", views.directive_list, name="directives"),
    path("directives/<int:directive_id>/", views.directive_detail, name="directive"),
    # The inbox is core's (/inbox/); its old address keeps working for bookmarks.
    path("inbox/", login_required(RedirectView.as_view(pattern_name="inbox", query_string=True)), name="inbox"),
    path("reports/", views.my_reports, name="reports"),
    path("duty/", views.duty_page, name="duty"),
    path("duty/roster/", views.roster_page, name="duty_roster"),
    path("supervision/", views.supervision_page, name="supervision"),
    path("incidents/", views.incident_list, name="incidents"),
    path("chain/", views.chain_page, name="chain"),
    path("situation/", views.situation_list, name="situations"),
    path("situation/<int:report_id>/", views.situation_detail, name="situation"),
    path("situation/<int:report_id>.<str:fmt>", views.situation_export, name="situation_export"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("reports/overview/", views.report_overview, name="report_overview"),
    path("reports/templates/", views.template_page, name="report_templates"),
]
