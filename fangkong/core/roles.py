"""Roles and what they may do. A role is held over a jurisdiction (and all below it) or over a unit.

Capabilities are checked together with scope: `people.reveal` lets a grid worker reveal a phone number of a
person in *their* community only. Later modules add their capabilities here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Cap:
    PEOPLE_VIEW = "people.view"
    PEOPLE_REVEAL = "people.reveal"
    PEOPLE_EDIT = "people.edit"
    PEOPLE_IMPORT = "people.import"
    PEOPLE_EXPORT = "people.export"
    REGISTRY_VIEW = "registry.view"
    AUDIT_VIEW = "audit.view"


_PEOPLE_WORK = frozenset(
    {
        Cap.PEOPLE_VIEW,
        Cap.PEOPLE_REVEAL,
        Cap.PEOPLE_EDIT,
        Cap.PEOPLE_IMPORT,
        Cap.PEOPLE_EXPORT,
        Cap.REGISTRY_VIEW,
    }
)


@dataclass(frozen=True)
class Role:
    code: str
    label: str | Promise
    binds: str  # "jurisdiction" or "unit"
    caps: frozenset[str]


ROLES: dict[str, Role] = {
    r.code: r
    for r in [
        Role("hq_admin", _("District command HQ"), "jurisdiction", _PEOPLE_WORK | {Cap.AUDIT_VIEW}),
        Role("street_officer", _("Street officer"), "jurisdiction", _PEOPLE_WORK),
        Role("community_worker", _("Community / grid worker"), "jurisdiction", _PEOPLE_WORK),
        # The roles below work at a unit; their powers arrive with their modules (screening, testing, …).
        # None of them sees the population register.
        Role("checkpoint_staff", _("Checkpoint staff"), "unit", frozenset()),
        Role("sampler", _("Sampler"), "unit", frozenset()),
        Role("lab_staff", _("Laboratory staff"), "unit", frozenset()),
        Role("clinic_staff", _("Clinic staff"), "unit", frozenset()),
        Role("safety_regulator", _("Work-safety regulator"), "unit", frozenset()),
        Role("enterprise_officer", _("Enterprise safety officer"), "unit", frozenset()),
    ]
}


def role_label(code: str) -> str:
    role = ROLES.get(code)
    return str(role.label) if role else code
