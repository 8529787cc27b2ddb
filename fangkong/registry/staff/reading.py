"""What an account may do, and who can see a person and why (see the package)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from fangkong.core.roles import ROLES, Cap, cap_label, role_label
from fangkong.core.scoping import NotFound, in_force, scope_for

from ..models import RoleAssignment


def can_see_viewers(*, user, person) -> bool:
    """Whether `user` may ask who can see `person` (an administrator of accounts whose reach covers them)."""
    return scope_for(user, Cap.ACCOUNTS_ADMIN).covers(person.jpath)


@dataclass(frozen=True)
class Power:
    cap: str
    label: str
    where: list[str]  # the places it reaches, by name


def staff_powers(target) -> list[Power]:
    """What `target` may do today and where, from the roles in force (an expired one grants nothing)."""
    where: dict[str, list[str]] = {}
    if target.is_active:
        for a in target.roles.filter(in_force()).select_related("jurisdiction", "unit"):
            role = ROLES.get(a.role)
            for cap in sorted(role.caps) if role else ():
                place = (a.jurisdiction or a.unit).name  # type: ignore[union-attr]
                if place not in where.setdefault(cap, []):
                    where[cap].append(place)
    return [Power(cap, cap_label(cap), places) for cap, places in sorted(where.items())]


@dataclass(frozen=True)
class Viewer:
    user: Any
    full_name: str
    role: str  # its label
    place: str


def person_viewers(*, user, person) -> list[Viewer]:
    """Which staff can see `person`'s record in the register, and why (the role and the place that covers the
    person): for an administrator within reach of the person. The modules' unit staff (a checkpoint that registered
    them, a lab with their sample) see only their own records of the person, not the register."""
    if not scope_for(user, Cap.ACCOUNTS_ADMIN).covers(person.jpath):
        raise NotFound
    prefixes = [person.jpath[: i + 1] for i, ch in enumerate(person.jpath) if ch == "/"]
    roles = [code for code, r in ROLES.items() if Cap.PEOPLE_VIEW in r.caps]
    rows = (
        RoleAssignment.objects.filter(in_force(), role__in=roles, jurisdiction__path__in=prefixes, user__is_active=True)
        .select_related("user", "user__staff_profile", "jurisdiction")
        .order_by("jurisdiction__path", "role", "user__username")
    )
    return [
        Viewer(
            user=a.user,
            full_name=getattr(getattr(a.user, "staff_profile", None), "full_name", ""),
            role=role_label(a.role),
            place=a.jurisdiction.name,  # type: ignore[union-attr]
        )
        for a in rows
    ]


def staff_search(rows: QuerySet, text: str) -> QuerySet:
    text = (text or "").strip()
    if not text:
        return rows
    return rows.filter(Q(username__icontains=text) | Q(staff_profile__full_name__icontains=text))
