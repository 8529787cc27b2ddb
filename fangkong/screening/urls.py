from __future__ import annotations

from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("checkpoints/", views.checkpoint_list, name="checkpoints"),
    path("checkpoints/<int:checkpoint_id>/", views.checkpoint_register, name="checkpoint"),
    path("checkpoints/<int:checkpoint_id>/lookup", views.checkpoint_lookup, name="lookup"),
    path("checkpoints/<int:checkpoint_id>/pass-request/", views.pass_request_new, name="pass_request_new"),
    path("passages/", views.passage_list, name="passages"),
    path("followups/", views.followup_list, name="followups"),
    path("followups/<int:followup_id>/", views.followup_detail, name="followup"),
    path("followups/<int:followup_id>/<str:action>", views.followup_action, name="followup_action"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("risk-areas/", views.risk_area_list, name="risk_areas"),
    path("protocol/", views.protocol_page, name="protocol"),
    path("shifts/", views.shift_page, name="shifts"),
    path("pass-requests/", views.pass_request_list, name="pass_requests"),
    path("travel/", views.travel_list, name="travel"),
    path("travel/<int:report_id>/<str:action>", views.travel_action, name="travel_action"),
    path("violations/", views.violation_list, name="violations"),
    path("violations/<int:violation_id>/", views.violation_action, name="violation_action"),
]
