"""Staff accounts and their roles: made, granted, revoked, reset and deactivated by administrators within reach.

Reach is the administrator's `accounts.admin` scope (district HQ: the district; a street officer: the street).
- An account belongs to a jurisdiction (`StaffProfile`); its administrators are those whose reach covers it.
- Acting on an account (a role, a reset, deactivation) needs reach over all of it: its own jurisdiction and every
  role it holds. A street officer cannot reset district HQ's password because HQ also works in their street.
- A role is granted at a place within reach, and only a role made of powers the granter holds there (plus a unit's
  own work, core.roles.UNIT_WORK, at a unit): a street officer makes grid workers and checkpoint staff, not district
  HQ. District-wide administrators grant any role. Nobody grants themselves a role or resets their own password
  (that is the password change); one may step down (give up a role, deactivate one's account).
- Nothing is deleted: an account is deactivated (its tokens end at once, its sessions at their next request), a
  role ends on its `valid_until` or is revoked — the audit trail keeps both.
- The district always keeps an active administrator: the last one is neither deactivated nor stripped of the role.
"""

from __future__ import annotations

from .accounts import (
    Made,
    StaffCreateInput,
    StaffDeactivateInput,
    checked_password,
    clean_username,
    require_admin,
    staff_create,
    staff_deactivate,
    staff_devices,
    staff_get,
    staff_password_reset,
    staff_reactivate,
    staff_sign_out,
    staff_visible,
)
from .reading import Power, Viewer, can_see_viewers, person_viewers, staff_powers, staff_search
from .roles import RoleGrantInput, grantable_roles, role_grant, role_revoke, units_within_reach

__all__ = [
    "Made",
    "Power",
    "RoleGrantInput",
    "StaffCreateInput",
    "StaffDeactivateInput",
    "Viewer",
    "can_see_viewers",
    "checked_password",
    "clean_username",
    "grantable_roles",
    "person_viewers",
    "require_admin",
    "role_grant",
    "role_revoke",
    "staff_create",
    "staff_deactivate",
    "staff_devices",
    "staff_get",
    "staff_password_reset",
    "staff_powers",
    "staff_reactivate",
    "staff_search",
    "staff_sign_out",
    "staff_visible",
    "units_within_reach",
]
