"""A fresh installation's first step (`fangkong setup`): the district itself and its first administrator.

An empty database has nobody who could sign in and no jurisdiction to hold anything. This makes the district's
root (its 6-digit administrative division code, GB/T 2260: 211103 for 兴隆台区) and one account with district
HQ's role over it, whose password must be changed at its first sign-in. Everything else — streets, communities,
grids, places, units, staff — that administrator then sets up. The demo (`fangkong seed-demo`) is never needed.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core.actors import System
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.passwords import password_change_require

from .models import Jurisdiction, RoleAssignment
from .staff import checked_password, clean_username

DIVISION_CODE = re.compile(r"[1-9]\d{5}")  # GB/T 2260: province, prefecture, county — two digits each


@dataclass
class SetUp:
    district: Jurisdiction
    admin: object
    password: str  # as given, or drawn here: shown once, to be changed at the first sign-in


@transaction.atomic
def district_setup(*, code: str, name: str, admin_username: str, admin_password: str = "") -> SetUp:
    """The district's root and its first administrator (district HQ over it, to change the password first).
    Refused when a district is already set up: a second root would split everything that counts under one."""
    code, name, username = (code or "").strip(), (name or "").strip(), (admin_username or "").strip()
    if not DIVISION_CODE.fullmatch(code):
        raise FieldError(
            "code",
            _("The district's code is its 6-digit administrative division code, such as 211103."),
            code=Code.INVALID,
        )
    if not name:
        raise FieldError("name", _("Give the district's name."), code=Code.REQUIRED)
    if Jurisdiction.objects.filter(level=Jurisdiction.Level.DISTRICT).exists():
        raise FieldError("code", _("A district is set up already on this installation."), code=Code.DUPLICATE)
    username = clean_username(username, field="admin_username")
    user = get_user_model()(username=username, is_staff=False)
    password = checked_password(user, admin_password or secrets.token_urlsafe(12), field="admin_password")
    user.set_password(password)
    user.save()
    district = Jurisdiction.objects.create(
        code=code, name=name, level=Jurisdiction.Level.DISTRICT, kind=Jurisdiction.Kind.DISTRICT, path=f"{code}/"
    )
    RoleAssignment.objects.create(user=user, role="hq_admin", jurisdiction=district)
    password_change_require(user)
    audit_record(
        actor=System("setup"),
        action="district.setup",
        obj=district,
        fields={"code": code, "admin": username},
    )
    return SetUp(district=district, admin=user, password=password)
