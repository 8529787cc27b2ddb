"""The audit trail's words for what this app records (core.audit_labels): each action's label and the
name of each kind of object, translated when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "directive.issue": _("Directive issued"),
    "task.acknowledge": _("Task acknowledged"),
    "task.report": _("Task progress reported"),
    "task.complete": _("Task completed"),
    "task.escalate": _("Overdue task escalated"),
    "duty.roster": _("Duty roster made"),
    "duty.assign": _("Put on duty"),
    "duty.unassign": _("Taken off duty"),
    "duty.check_in": _("Duty checked in"),
    "duty.check_out": _("Duty checked out"),
    "duty.significant": _("Significant event on duty"),
    "report.template": _("Report template made"),
    "report.assign": _("Report asked for"),
    "report.submit": _("Report submitted"),
    "situation.compile": _("Situation report compiled"),
    "situation.write": _("Situation report section written"),
    "situation.approve": _("Situation report section approved"),
    "situation.publish": _("Situation report published"),
    "supervision.finding": _("Supervision finding"),
    "supervision.propose": _("Outcome proposed"),
    "supervision.decide": _("Outcome decided"),
}
OBJECTS = {
    "command.directive": _("Directive"),
    "command.task": _("Task"),
    "command.dutyshift": _("Duty shift"),
    "command.dutyassignment": _("Duty assignment"),
    "command.dutylogentry": _("Duty log entry"),
    "command.reporttemplate": _("Report template"),
    "command.reportassignment": _("Report asked for"),
    "command.reportsubmission": _("Report filed"),
    "command.situationreport": _("Situation report"),
    "command.situationsection": _("Situation report section"),
    "command.finding": _("Finding"),
    "command.outcome": _("Outcome"),
}
