"""Staff from a sheet (registry.staff, row by row): `username, full_name, phone, jurisdiction, role, place,
valid_until, password`. A new user name makes an account belonging to `jurisdiction` (a drawn password unless the
row gives one, to be changed at the first sign-in); a row with a role grants it at `place` (a jurisdiction's or a
unit's code), with the same reach rules as the pages. A known account within reach only gains the role. Each row is
written whole or not at all; the drawn passwords are returned once, with their rows.

Passwords are hashed before the rows are written, several at a time (hashlib releases the interpreter while it
hashes). A password the sheet gives takes PBKDF2's full million rounds (~0.4 s each). A drawn one is a random
72-bit secret: rounds add nothing against guessing what cannot be guessed, so it takes DRAWN_ROUNDS, a hundredth;
it lives only until the first sign-in, where the password must be changed and Django re-hashes the one used with
the full rounds (`must_update`). A 5,000-row sheet of drawn passwords then costs seconds, not a quarter hour.
"""

from __future__ import annotations

import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from fangkong.core.errors import Code, FieldError
from fangkong.core.roles import ROLES
from fangkong.core.scoping import Forbidden, NotFound
from fangkong.core.tables import TableSpec, open_table

from . import staff
from .models import Jurisdiction, RoleAssignment, Unit
from .results import ImportResult

COLUMNS: dict[str, set[str]] = {
    "username": {"username", "用户名", "账号"},
    "full_name": {"full_name", "姓名"},
    "phone": {"phone", "手机号", "手机号码"},
    "jurisdiction": {"jurisdiction", "所属辖区", "所属辖区编码"},
    "role": {"role", "角色"},
    "place": {"place", "岗位所在", "岗位编码", "授权范围"},
    "valid_until": {"valid_until", "有效期至"},
    "password": {"password", "初始密码"},
}
STAFF = TableSpec(COLUMNS, ("username",), exact_numbers=("phone",))
TEMPLATE_HEADER = ["用户名", "姓名", "手机号", "所属辖区", "角色", "岗位所在", "有效期至", "初始密码"]
FIELD_TITLES = dict(zip(COLUMNS, TEMPLATE_HEADER, strict=True)) | {"file": "文件"}


def _role_words() -> dict[str, str]:
    words = {code: code for code in ROLES}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            words.update({str(role.label): code for code, role in ROLES.items()})
    return words


@dataclass
class StaffImportResult(ImportResult):
    passwords: list[dict] = field(default_factory=list)  # {"row", "username", "password"}: drawn here, shown once

    def as_dict(self) -> dict:
        return {**super().as_dict(), "passwords": self.passwords}


@dataclass
class _Row:
    number: int
    values: dict[str, str]
    role: str = ""
    jurisdiction_id: int | None = None
    unit_id: int | None = None
    valid_until: date | None = None
    password: str = ""
    encoded: str = ""  # the password hashed, for a new account


def _clean(row: _Row, roles: dict[str, str], places: dict[str, Jurisdiction], units: dict[str, int]) -> None:
    values = row.values
    word = (values.get("role") or "").strip()
    where = (values.get("place") or "").strip()
    if word:
        code = roles.get(word)
        if code is None:
            raise FieldError("role", _("No such role."), code=Code.UNKNOWN_CHOICE)
        row.role = code
        if ROLES[code].binds == "jurisdiction":
            if where not in places:
                raise FieldError("place", _("No jurisdiction has this code."), code=Code.NOT_FOUND)
            row.jurisdiction_id = places[where].pk
        else:
            if where not in units:
                raise FieldError("place", _("No unit has this code."), code=Code.NOT_FOUND)
            row.unit_id = units[where]
    elif where:
        raise FieldError("role", _("Name the role held there."), code=Code.REQUIRED)
    until = (values.get("valid_until") or "").strip()
    if until:
        try:
            row.valid_until = date.fromisoformat(until[:10])
        except ValueError as exc:
            raise FieldError("valid_until", _("Give a date such as 2026-12-31."), code=Code.INVALID) from exc
    home = (values.get("jurisdiction") or "").strip()
    if home and home not in places:
        raise FieldError("jurisdiction", _("No jurisdiction has this code."), code=Code.NOT_FOUND)


DRAWN_ROUNDS = 10_000


def encoded_drawn(password: str) -> str:
    """A drawn password's hash: PBKDF2 with DRAWN_ROUNDS where PBKDF2 is the installation's hasher (see the
    module's docstring); the installation's own hash otherwise."""
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(password, hasher.salt(), iterations=DRAWN_ROUNDS)
    return make_password(password)


def staff_import(*, actor, filename: str, content: bytes) -> StaffImportResult:
    staff.require_admin(actor)
    table = open_table(STAFF, filename, content)
    roles = _role_words()
    places = {j.code: j for j in Jurisdiction.objects.filter(retired_on__isnull=True)}
    units = dict(Unit.objects.values_list("code", "pk"))
    users = get_user_model()
    known = {u.lower(): pk for u, pk in users.objects.values_list("username", "pk")}
    result = StaffImportResult()
    rows: list[_Row] = []
    seen: dict[tuple, int] = {}
    for number, cells in table.rows:
        try:
            values = table.values(cells)
            if values is None:
                continue
            row = _Row(number, values)
            _clean(row, roles, places, units)
            key = ((values.get("username") or "").strip().lower(), row.role, row.jurisdiction_id, row.unit_id)
            if key in seen:
                raise FieldError(
                    "username", _("The same grant is on row %(row)s.") % {"row": seen[key]}, code=Code.DUPLICATE
                )
            seen[key] = number
            rows.append(row)
        except FieldError as exc:
            result.reject(number, exc)
    # The new accounts' passwords, hashed side by side before anything is written.
    new = [r for r in rows if (r.values.get("username") or "").strip().lower() not in known]
    firsts: dict[str, _Row] = {}
    for r in new:
        firsts.setdefault(r.values["username"].strip().lower(), r)
    for r in firsts.values():
        r.password = (r.values.get("password") or "").strip() or secrets.token_urlsafe(9)
    pending = list(firsts.values())
    drawn = {id(r) for r in pending if not (r.values.get("password") or "").strip()}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        hashes = pool.map(lambda r: encoded_drawn(r.password) if id(r) in drawn else make_password(r.password), pending)
        for r, encoded in zip(pending, hashes, strict=True):
            r.encoded = encoded
    for row in rows:
        _write(actor, row, result, homes=places)
    result.rejected.sort(key=lambda r: r["row"])
    return result


def _write(actor, row: _Row, result: StaffImportResult, *, homes: dict[str, Jurisdiction]) -> None:
    values = row.values
    username = (values.get("username") or "").strip()
    home_code = (values.get("jurisdiction") or "").strip()
    try:
        with transaction.atomic():
            target: Any = get_user_model().objects.filter(username__iexact=username).first()
            outcome = "unchanged"
            if target is None:
                made = staff.staff_create(
                    actor=actor,
                    username=username,
                    full_name=values.get("full_name", ""),
                    phone=values.get("phone", ""),
                    # The row's own password (hashed ahead) — or, where an earlier row of this person was
                    # rejected, the one this row gives, else one drawn now.
                    password=row.password or (values.get("password") or "").strip(),
                    jurisdiction_id=homes[home_code].pk if home_code else None,
                    encoded=row.encoded if row.password else "",
                )
                target, outcome = made.user, "created"
                if not (values.get("password") or "").strip():
                    result.passwords.append({"row": row.number, "username": username, "password": made.password})
            if row.role:
                held = RoleAssignment.objects.filter(
                    user=target, role=row.role, jurisdiction=row.jurisdiction_id, unit=row.unit_id
                ).first()
                if held is None or held.valid_until != row.valid_until:
                    staff.role_grant(
                        actor=actor,
                        staff_id=target.pk,
                        role=row.role,
                        jurisdiction_id=row.jurisdiction_id,
                        unit_id=row.unit_id,
                        valid_until=row.valid_until,
                    )
                    outcome = "created" if outcome == "created" else "updated"
    except FieldError as exc:
        result.reject(row.number, exc)
        result.passwords = [p for p in result.passwords if p["row"] != row.number]
        return
    except (Forbidden, NotFound) as exc:
        message = getattr(exc, "reason", "") or _("This account or place is beyond your reach.")
        result.reject(row.number, FieldError("place", message, code=Code.FORBIDDEN))
        result.passwords = [p for p in result.passwords if p["row"] != row.number]
        return
    setattr(result, outcome, getattr(result, outcome) + 1)
