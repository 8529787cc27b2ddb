"""The audit trail's words for what this app records (core.audit_labels): each action's label and the
name of each kind of object, translated when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "zone.request": _("Zone proposed"),
    "zone.approve": _("Zone approved"),
    "zone.reject": _("Zone refused"),
    "zone.lift_request": _("Lifting proposed"),
    "zone.lift": _("Zone lifted"),
    "zone.lift_reject": _("Lifting refused"),
    "zone.level_update": _("Zone levels changed"),
    "status_change.request": _("Status change proposed"),
    "status_change.approve": _("Status change approved"),
    "status_change.reject": _("Status change refused"),
    "status_change.revoke_request": _("Revocation proposed"),
    "status_change.revoke": _("Status change revoked"),
    "status_change.revoke_reject": _("Revocation refused"),
    "appeal.file": _("Appeal filed"),
    "appeal.decide": _("Appeal decided"),
    "case.confirm": _("Case confirmed"),
    "case.contact": _("Close contact recorded"),
    "case.release": _("Case released"),
    "transfer.dispatch": _("Transfer dispatched"),
    "inpatient.admit": _("Inpatient admitted"),
    "inpatient.discharge": _("Inpatient discharged"),
    "inpatient.escort": _("Escort registered"),
    "sentinel.report": _("Sentinel report"),
    "sentinel.alert": _("Sentinel alert"),
    "sentinel.alert_handle": _("Sentinel alert handled"),
    "trace.person": _("Whereabouts traced"),
    "trace.venue": _("Venue visitors traced"),
    "venue.code": _("Venue code issued"),
    "transfer.pick_up": _("Transfer: picked up"),
    "transfer.arrive": _("Transfer: arrived"),
    "transfer.receive": _("Transfer: received"),
    "transfer.release": _("Transfer: released"),
}
OBJECTS = {
    "containment.zone": _("Zone"),
    "containment.zonelevel": _("Zone level"),
    "containment.case": _("Case"),
    "containment.closecontact": _("Close contact"),
    "containment.statuschange": _("Status change"),
    "containment.appeal": _("Appeal"),
    "containment.transfer": _("Transfer"),
    "containment.isolationsite": _("Isolation site"),
    "containment.inpatient": _("Inpatient"),
    "containment.escort": _("Escort"),
    "containment.venuecode": _("Venue code"),
    "containment.sentinelreport": _("Sentinel report"),
    "containment.sentinelalert": _("Sentinel alert"),
}
