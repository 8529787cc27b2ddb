"""The audit trail's words for what this app records (core.audit_labels): each action's label and the
name of each kind of object, translated when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "district.setup": _("District set up"),
    "demo.seed": _("Demo district seeded"),
    "jurisdiction.create": _("Jurisdiction added"),
    "jurisdiction.update": _("Jurisdiction renamed"),
    "jurisdiction.move": _("Jurisdiction moved"),
    "jurisdiction.merge": _("Jurisdictions merged"),
    "jurisdiction.split": _("Grid split"),
    "jurisdiction.retire": _("Jurisdiction retired"),
    "registry.boundaries_import": _("Boundaries imported"),
    "unit.create": _("Unit added"),
    "unit.update": _("Unit changed"),
    "place.create": _("Place added"),
    "place.update": _("Place changed"),
    "places.import": _("Places imported"),
    "staff.create": _("Staff account made"),
    "staff.deactivate": _("Staff account deactivated"),
    "staff.reactivate": _("Staff account reactivated"),
    "staff.password_reset": _("Staff password reset"),
    "role.grant": _("Role granted"),
    "role.revoke": _("Role revoked"),
    "person.create": _("Person added"),
    "person.update": _("Person changed"),
    "person.end": _("Person's residence ended"),
    "person.restore": _("Person restored"),
    "person.merge": _("Duplicate records merged"),
    "person.merged_away": _("Merged into another record"),
    "person.reveal": _("ID number or phone revealed"),
    "person.transfer_request": _("Transfer of a person requested"),
    "person.import.create": _("Person added by import"),
    "person.import.update": _("Person changed by import"),
    "people.import": _("Roster imported"),
    "people.import_restart": _("Roster import restarted"),
    "people.export": _("Roster exported"),
    "testing.codes_issue": _("Personal codes issued"),
    "testing.codes_print": _("Personal codes printed"),
    "testing.household_codes_print": _("Household codes printed"),
    "testing.person_code": _("Personal code shown"),
}
OBJECTS = {
    "registry.persontag": _("Person tag"),
    "registry.roleassignment": _("Role"),
    "registry.staffprofile": _("Staff account"),
    "registry.importjob": _("Import"),
    "registry.personcode": _("Personal code"),
    "registry.householdcode": _("Household code"),
    "registry.district": _("District"),
}
