"""Roles granted and revoked within reach, and what a granter may grant (see the package)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import ROLES, UNIT_KINDS, UNIT_WORK, Cap, Role
from fangkong.core.scoping import Forbidden, NotFound, scope_for

from ..models import Jurisdiction, RoleAssignment, Unit
from .accounts import _audit_account, _grantable, _keep_an_administrator, _place_path, _reach, staff_get


class RoleGrantInput(FormInput):
    role: str
    jurisdiction_id: int | None = None
    unit_id: int | None = None
    valid_until: date | None = None


def _role(code: str) -> Role:
    role = ROLES.get((code or "").strip())
    if role is None:
        raise FieldError("role", _("No such role."), code=Code.UNKNOWN_CHOICE)
    return role


def _place(role: Role, jurisdiction_id: int | None, unit_id: int | None) -> tuple[Jurisdiction | None, Unit | None]:
    if role.binds == "jurisdiction":
        if jurisdiction_id is None or unit_id is not None:
            raise FieldError("jurisdiction_id", _("This role is held over a jurisdiction."), code=Code.REQUIRED)
        j = Jurisdiction.objects.filter(pk=jurisdiction_id, retired_on__isnull=True).first()
        if j is None:
            raise FieldError("jurisdiction_id", _("No such jurisdiction."), code=Code.NOT_FOUND)
        return j, None
    if unit_id is None or jurisdiction_id is not None:
        raise FieldError("unit_id", _("This role is held at a unit."), code=Code.REQUIRED)
    u = Unit.objects.filter(pk=unit_id).first()
    if u is None:
        raise FieldError("unit_id", _("No such unit."), code=Code.NOT_FOUND)
    kinds = UNIT_KINDS.get(role.code)
    if kinds is not None and u.kind not in kinds:
        raise FieldError(
            "unit_id",
            _("This role is held at a %(kinds)s, not at a %(kind)s.")
            % {"kinds": "、".join(str(Unit.Kind(k).label) for k in sorted(kinds)), "kind": u.get_kind_display()},
            code=Code.UNKNOWN_CHOICE,
        )
    return None, u


@transaction.atomic
def role_grant(
    *,
    actor,
    staff_id: int,
    role: str,
    jurisdiction_id: int | None = None,
    unit_id: int | None = None,
    valid_until: date | None = None,
) -> RoleAssignment:
    """`role` over a jurisdiction or at a unit, until `valid_until` (inclusive) or revoked. Granting what is already
    held there sets the new end date. Forbidden beyond the actor's reach, to themselves, or for a role made of
    powers they do not hold."""
    target = staff_get(user=actor, staff_id=staff_id, for_update=True)
    spec = _role(role)
    jurisdiction, unit = _place(spec, jurisdiction_id, unit_id)
    path = jurisdiction.path if jurisdiction else unit.jpath  # type: ignore[union-attr]
    if target.pk == actor.pk:
        raise Forbidden(_("You cannot change your own account or roles; ask another administrator."))
    if not _reach(actor).covers(path):
        raise Forbidden(_("This place is beyond your reach."))
    if not _grantable(actor, spec, path):
        raise Forbidden(_("This role carries powers you do not hold there; a higher administrator grants it."))
    if valid_until is not None and valid_until < clock.localdate():
        raise FieldError("valid_until", _("The end date has passed."), code=Code.OUT_OF_RANGE)
    assignment = RoleAssignment.objects.filter(
        user=target, role=spec.code, jurisdiction=jurisdiction, unit=unit
    ).first()
    if assignment is None:
        assignment = RoleAssignment(user=target, role=spec.code, jurisdiction=jurisdiction, unit=unit)
    assignment.valid_until = valid_until
    assignment.granted_by = actor
    assignment.granted_at = clock.now()
    assignment.save()
    _audit_account(
        actor,
        "role.grant",
        target,
        jpath=path,
        fields={
            "role": spec.code,
            "at": (jurisdiction or unit).code,  # type: ignore[union-attr]
            "valid_until": valid_until.isoformat() if valid_until else "",
        },
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor, staff_id: int, assignment_id: int) -> None:
    target = staff_get(user=actor, staff_id=staff_id, for_update=True)
    assignment = (
        RoleAssignment.objects.select_related("jurisdiction", "unit").filter(pk=assignment_id, user=target).first()
    )
    if assignment is None:
        raise NotFound
    path = _place_path(assignment)
    if not _reach(actor).covers(path):
        raise Forbidden(_("This place is beyond your reach."))
    spec = ROLES.get(assignment.role)
    if target.pk != actor.pk and spec is not None and not _grantable(actor, spec, path):
        raise Forbidden(_("This role carries powers you do not hold there; a higher administrator grants it."))
    _keep_an_administrator(leaving_grant=assignment)
    assignment.delete()
    _audit_account(
        actor,
        "role.revoke",
        target,
        jpath=path,
        fields={"role": assignment.role, "at": (assignment.jurisdiction or assignment.unit).code},  # type: ignore[union-attr]
    )


# --- what an account may do, and who may see a record ----------------------------------------------------------


def units_within_reach(*, user) -> list[Unit]:
    """The units where `user` may grant a unit role (a form's choices; each grant is checked again)."""
    return list(Unit.objects.filter(_reach(user).q("jpath")).order_by("kind", "name"))


def grantable_roles(actor) -> list[Role]:
    """The roles `actor` may grant somewhere (a form's choices; each grant is checked again at its place)."""
    reach = scope_for(actor, Cap.ACCOUNTS_ADMIN)
    if reach.empty:
        return []
    if reach.district_wide:
        return list(ROLES.values())
    out = []
    for role in ROLES.values():
        unit_work = UNIT_WORK if role.binds == "unit" else frozenset()
        if all(cap in unit_work or any(scope_for(actor, cap).covers(p) for p in reach.paths) for cap in role.caps):
            out.append(role)
    return out
