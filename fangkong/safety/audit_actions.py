"""The audit trail's words for what this app records (core.audit_labels): each action's label and the
name of each kind of object, translated when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "hazard.found": _("Hazard found"),
    "hazard.registered": _("Hazard registered"),
    "hazard.ordered": _("Rectification ordered"),
    "hazard.rectifying": _("Rectification under way"),
    "hazard.applied": _("Acceptance applied for"),
    "hazard.accepted": _("Rectification accepted"),
    "hazard.closed": _("Hazard closed"),
    "hazard.extend": _("Deadline extended"),
    "hazard.listed": _("Listed for supervision"),
    "hazard.photo": _("Photo added"),
    "hazard.escalate_overdue": _("Overdue hazard escalated"),
    "hazard.escalate_review": _("Late review escalated"),
    "safety.accident": _("Accident reported"),
    "safety.accident_followup": _("Accident follow-up"),
    "safety.checklist_import": _("Checklist imported"),
    "safety.checklist_builtin": _("Built-in checklist updated"),
    "safety.industry": _("Industry supervision assigned"),
    "safety.inspection_start": _("Inspection started"),
    "safety.inspection_sign": _("Inspection signed"),
    "safety.licence": _("Licence recorded"),
    "safety.plan": _("Inspection plan made"),
    "safety.profile": _("Enterprise profile changed"),
    "safety.stats_file": _("Statistics filed"),
    "safety.tip": _("Public hazard report"),
    "safety.tip_reject": _("Public report rejected"),
    "safety.tip_reveal": _("Reporter revealed"),
    "safety.tip_reward": _("Reward granted"),
    "safety.tip_verify": _("Public report verified"),
}
OBJECTS = {
    "safety.hazard": _("Hazard"),
    "safety.accident": _("Accident"),
    "safety.inspection": _("Inspection"),
    "safety.inspectionplan": _("Inspection plan"),
    "safety.checklist": _("Checklist"),
    "safety.enterpriseprofile": _("Enterprise profile"),
    "safety.licence": _("Licence"),
    "safety.publicreport": _("Public report"),
    "safety.statsfiling": _("Statistics filing"),
    "safety.industrydepartment": _("Industry supervision"),
}
