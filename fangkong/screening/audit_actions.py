"""The audit trail's words for what this app records (core.audit_labels): each action's label and the
name of each kind of object, translated when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "passage.register": _("Passage registered"),
    "passages.export": _("Passages exported"),
    "followup.open": _("Closed-loop case opened"),
    "followup.contact": _("Contact recorded"),
    "followup.location": _("Location recorded"),
    "followup.test": _("Test recorded"),
    "followup.release": _("Closed-loop case released"),
    "followups.export": _("Closed-loop cases exported"),
    "reconciliation.export": _("Reconciliation exported"),
    "pass_request.record": _("Request to pass recorded"),
    "pass_requests.export": _("Requests to pass exported"),
    "travel_report.file": _("Trip reported"),
    "travel_report.cancel": _("Trip report cancelled"),
    "travel_report.decide": _("Trip decided"),
    "travel_report.acknowledge": _("Trip report acknowledged"),
    "travel_reports.export": _("Trip reports exported"),
    "violation.open": _("Unreported exit recorded"),
    "violation.explain": _("Unreported exit explained"),
    "violation.handle": _("Unreported exit handled"),
    "violations.export": _("Unreported exits exported"),
    "risk_area.create": _("Risk area added"),
    "risk_area.update": _("Risk area changed"),
    "protocol.update": _("Protocol changed"),
    "screening_settings.update": _("Screening settings changed"),
    "shift.create": _("Checkpoint shift added"),
    "checkpoint.close": _("Checkpoint closed"),
    "checkpoint.reopen": _("Checkpoint reopened"),
}
OBJECTS = {
    "screening.passage": _("Passage"),
    "screening.followup": _("Closed-loop case"),
    "screening.checkpoint": _("Checkpoint"),
    "screening.shift": _("Shift"),
    "screening.riskarea": _("Risk area"),
    "screening.riskprotocol": _("Protocol"),
    "screening.screeningsettings": _("Screening settings"),
    "screening.passrequest": _("Request to pass"),
    "screening.travelreport": _("Trip report"),
    "screening.violation": _("Unreported exit"),
}
