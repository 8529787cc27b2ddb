"""Staff accounts: made, deactivated, reactivated and reset within the administrator's reach (see the package)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fangkong.core import clock, pii
from fangkong.core.audit import audit_record
from fangkong.core.auth import tokens_revoke
from fangkong.core.devices import devices_of, devices_sign_out
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.ids import InvalidDocument, clean_phone
from fangkong.core.models import StaffContact
from fangkong.core.passwords import password_change_require
from fangkong.core.roles import ROLES, UNIT_WORK, Cap, Role
from fangkong.core.scoping import Forbidden, NotFound, Scope, in_force, scope_for

from .. import errors
from ..models import Jurisdiction, RoleAssignment, StaffProfile
from ..selectors import staff_within

User = get_user_model()


class StaffCreateInput(FormInput):
    username: str
    full_name: str
    phone: str = ""
    password: str = ""  # none: one is drawn and returned once
    jurisdiction_id: int | None = None  # where the account belongs; default: the caller's own jurisdiction


class StaffDeactivateInput(FormInput):
    reason: str = ""


def require_admin(actor) -> Scope:
    """The actor's reach over accounts; Forbidden for one who administers none."""
    return _reach(actor)


def _reach(actor) -> Scope:
    scope = scope_for(actor, Cap.ACCOUNTS_ADMIN)
    if scope.empty:
        raise Forbidden(Cap.ACCOUNTS_ADMIN)
    return scope


def staff_visible(*, user) -> QuerySet:
    """The accounts `user` administers: belonging to, or holding a role at, a place within reach (active or not)."""
    return staff_within(user=user, cap=Cap.ACCOUNTS_ADMIN, active_only=False)


def staff_get(*, user, staff_id: int, for_update: bool = False):
    """One account `user` administers; NotFound for any other (whether it exists or not)."""
    rows = staff_visible(user=user)
    if for_update:
        rows = User.objects.select_for_update().filter(pk__in=rows.values("pk"))
    found = rows.filter(pk=staff_id).first()
    if found is None:
        raise NotFound
    return found


def _place_path(assignment: RoleAssignment) -> str:
    if assignment.jurisdiction is not None:
        return assignment.jurisdiction.path
    return assignment.unit.jpath if assignment.unit else ""


def _grantable(actor, role: Role, path: str) -> bool:
    if _reach(actor).district_wide:
        return True
    unit_work = UNIT_WORK if role.binds == "unit" else frozenset()
    return all(cap in unit_work or scope_for(actor, cap).covers(path) for cap in role.caps)


def _require_whole_reach(actor, target, *, self_ok: bool = False) -> None:
    """`target` wholly within the actor's reach (its jurisdiction and every role it holds); the actor's own account
    only where `self_ok` (stepping down, never up)."""
    if target.pk == actor.pk and not self_ok:
        raise Forbidden(_("You cannot change your own account or roles; ask another administrator."))
    reach = _reach(actor)
    profile = StaffProfile.objects.filter(user=target).first()
    grants = list(target.roles.select_related("jurisdiction", "unit"))
    paths = [profile.jpath] if profile else []
    paths += [_place_path(a) for a in grants]
    if not all(reach.covers(p) for p in paths):
        raise Forbidden(_("This account also works beyond your reach; its administrators there must do this."))
    # Whoever could take the account over (a new password is shown to the administrator) must be able to grant
    # everything it holds: a street officer does not reset a discipline inspector's password.
    if target.pk != actor.pk and not all(
        _grantable(actor, ROLES[a.role], _place_path(a)) for a in grants if a.role in ROLES
    ):
        raise Forbidden(_("This account holds powers you cannot grant; a higher administrator must do this."))


def _audit_account(actor, action: str, account, **details) -> None:
    """An account's change in the trail: the account by id and user name (a staff member's, not personal data)."""
    audit_record(
        actor=actor,
        action=action,
        object_type="auth.user",
        object_id=account.pk,
        object_repr=account.get_username(),
        **details,
    )


# --- district administrators ------------------------------------------------------------------------------------


def _district_admin_roles() -> list[str]:
    return [code for code, role in ROLES.items() if Cap.ACCOUNTS_ADMIN in role.caps and role.binds == "jurisdiction"]


def _district_admin_grants() -> QuerySet[RoleAssignment]:
    """The in-force grants that make an active user an administrator of the whole district."""
    return RoleAssignment.objects.filter(
        in_force(), role__in=_district_admin_roles(), jurisdiction__parent__isnull=True, user__is_active=True
    )


def _keep_an_administrator(*, leaving_user=None, leaving_grant: RoleAssignment | None = None) -> None:
    grants = _district_admin_grants().select_for_update(of=("self",))  # the grants; their jurisdiction join is outer
    # One that stays for good: a grant ending tomorrow would leave the district without one the day after.
    remaining = [
        g
        for g in grants
        if g.user_id != getattr(leaving_user, "pk", None)
        and g.pk != getattr(leaving_grant, "pk", 0)
        and g.valid_until is None
    ]
    touched = leaving_user is not None and any(g.user_id == leaving_user.pk for g in grants)
    touched = touched or (leaving_grant is not None and any(g.pk == leaving_grant.pk for g in grants))
    if touched and not remaining:
        raise FieldError(
            "user",
            _("This is the district's last administrator; make another one first."),
            code=errors.Code.LAST_ADMIN,
        )


# --- accounts -----------------------------------------------------------------------------------------------------


@dataclass
class Made:
    user: Any
    password: str  # as given, or drawn here: handed to the person once, changed at their first sign-in


def clean_username(username: str, *, field: str = "username") -> str:
    """A user name the user model accepts (letters, digits, @ . + - _, at most 150) and nobody has, in any case."""
    username = (username or "").strip()
    try:
        User._meta.get_field("username").run_validators(username)
        if not username:
            raise ValidationError("empty")
    except ValidationError as exc:
        raise FieldError(
            field, _("A user name is up to 150 letters, digits and . @ + - _."), code=Code.INVALID
        ) from exc
    if User.objects.filter(username__iexact=username).exists():
        raise FieldError(field, _("This user name is taken."), code=Code.DUPLICATE)
    return username


def checked_password(user, given: str, *, field: str = "password") -> str:
    """`given`, or one drawn, as the site's password rules accept it for `user`."""
    password = given or secrets.token_urlsafe(9)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise FieldError(field, " ".join(exc.messages), code=Code.INVALID) from exc
    return password


def _home(actor, jurisdiction_id: int | None) -> Jurisdiction:
    reach = _reach(actor)
    if jurisdiction_id is None:
        roots = list(Jurisdiction.objects.filter(path__in=reach.paths))
        if len(roots) != 1:
            raise FieldError(
                "jurisdiction_id", _("Choose the jurisdiction the account belongs to."), code=Code.REQUIRED
            )
        return roots[0]
    home = Jurisdiction.objects.filter(pk=jurisdiction_id).first()
    if home is None:
        raise FieldError("jurisdiction_id", _("No such jurisdiction."), code=Code.NOT_FOUND)
    if not reach.covers(home.path):
        raise Forbidden(_("This jurisdiction is beyond your reach."))
    return home


@transaction.atomic
def staff_create(
    *,
    actor,
    username: str,
    full_name: str,
    phone: str = "",
    password: str = "",
    jurisdiction_id: int | None = None,
    encoded: str = "",
) -> Made:
    """A staff account belonging to a jurisdiction within reach, with no role yet; its password (given, or drawn
    and returned) must be changed at the first sign-in. `encoded`: the password already hashed (a sheet's import
    hashes many at once)."""
    home = _home(actor, jurisdiction_id)
    username = clean_username(username)
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise FieldError("full_name", _("Give the person's full name."), code=Code.REQUIRED)
    if len(full_name) > 64:
        raise FieldError("full_name", _("The name is longer than 64 characters."), code=Code.TOO_LONG)
    try:
        phone = clean_phone(phone) if (phone or "").strip() else ""
    except InvalidDocument as exc:
        raise FieldError("phone", str(exc), code=exc.code) from exc
    user = User(username=username)
    password = checked_password(user, password)
    if encoded:
        user.password = encoded
    else:
        user.set_password(password)
    user.save()
    StaffProfile.objects.create(
        user=user, full_name=full_name, jurisdiction=home, jpath=home.path, created_by=actor, created_at=clock.now()
    )
    if phone:
        StaffContact.objects.create(user=user, phone_cipher=pii.encrypt(phone))
    password_change_require(user)
    _audit_account(
        actor,
        "staff.create",
        user,
        jpath=home.path,
        fields={"jurisdiction": home.code, "phone": pii.mask_phone(phone) if phone else ""},
    )
    return Made(user=user, password=password)


@transaction.atomic
def staff_deactivate(*, actor, staff_id: int, reason: str = "") -> None:
    """The account stops working at once: its API tokens are deleted, its sessions refused from their next
    request (an inactive user is nobody). Its roles stay, to show who held what; reactivation restores it."""
    target = staff_get(user=actor, staff_id=staff_id, for_update=True)
    _require_whole_reach(actor, target, self_ok=True)
    if not target.is_active:
        return
    _keep_an_administrator(leaving_user=target)
    target.is_active = False
    target.save(update_fields=["is_active"])
    StaffProfile.objects.filter(user=target).update(deactivated_at=clock.now())
    tokens_revoke(actor=actor, user=target)
    _audit_account(
        actor,
        "staff.deactivate",
        target,
        reason=" ".join((reason or "").split())[:500],
    )


@transaction.atomic
def staff_reactivate(*, actor, staff_id: int) -> None:
    target = staff_get(user=actor, staff_id=staff_id, for_update=True)
    _require_whole_reach(actor, target)
    if target.is_active:
        return
    target.is_active = True
    target.save(update_fields=["is_active"])
    StaffProfile.objects.filter(user=target).update(deactivated_at=None)
    _audit_account(
        actor,
        "staff.reactivate",
        target,
    )


@transaction.atomic
def staff_password_reset(*, actor, staff_id: int) -> str:
    """A new password, drawn, for the administrator to hand over; the person changes it at the next sign-in. The
    account's tokens end (whoever held the old password holds nothing)."""
    target = staff_get(user=actor, staff_id=staff_id, for_update=True)
    _require_whole_reach(actor, target)
    password = checked_password(target, "")
    target.set_password(password)
    target.save(update_fields=["password"])
    password_change_require(target)
    tokens_revoke(actor=actor, user=target)
    _audit_account(
        actor,
        "staff.password_reset",
        target,
    )
    return password


def staff_devices(*, user, target) -> list:
    """Where the account is signed in, for the administrator's page (who has read the account: staff_get)."""
    return devices_of(user=target)


@transaction.atomic
def staff_sign_out(*, actor, staff_id: int) -> int:
    """Every device of the account signed out (a phone lost at a checkpoint, or handed on with scans in its outbox),
    its API tokens ended; the account itself stays as it is — its holder signs in again. How many devices."""
    target = staff_get(user=actor, staff_id=staff_id, for_update=True)
    _require_whole_reach(actor, target, self_ok=True)
    tokens_revoke(actor=actor, user=target)
    return devices_sign_out(actor=actor, user=target)


# --- roles --------------------------------------------------------------------------------------------------------
