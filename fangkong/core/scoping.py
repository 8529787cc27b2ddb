"""Who may see what: a user's scope for a capability is a set of jurisdiction paths.

Selectors call `scope_for(user, cap).q()` and nothing else filters by jurisdiction. Records outside the scope
are simply absent, so a lookup by id answers 404 and does not reveal that the record exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from . import clock
from .roles import ROLES


class NotFound(Exception):
    """The object does not exist *for this user* (it may exist outside their scope)."""


class Forbidden(Exception):
    """The user may see the object but lacks the capability for this action: raised with the capability's code,
    or with a sentence that explains the refusal (the two-person rule: "the requester cannot approve")."""

    @property
    def reason(self) -> str:
        """The explaining sentence, if any (a capability code such as "containment.zone_approve" is not one)."""
        text = str(self.args[0]) if self.args else ""
        return "" if re.fullmatch(r"[a-z_]+\.[a-z_]+", text) else text


@dataclass(frozen=True)
class Scope:
    paths: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.paths

    @property
    def district_wide(self) -> bool:
        """Held over the district itself (a root path such as "211103/"), not only over part of it."""
        return any(p.count("/") == 1 for p in self.paths)

    def q(self, field: str = "jpath") -> Q:
        if not self.paths:
            return Q(pk__in=[])
        query = Q()
        for path in self.paths:
            query |= Q(**{f"{field}__startswith": path})
        return query

    def covers(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.paths)


def _minimal(paths: set[str]) -> tuple[str, ...]:
    # Drop paths already covered by a shorter one, so the SQL has as few OR branches as possible.
    out: list[str] = []
    for p in sorted(paths, key=len):
        if not any(p.startswith(q) for q in out):
            out.append(p)
    return tuple(sorted(out))


def in_force(day=None) -> Q:
    """Role assignments in force on `day` (today): no end date, or one not yet past. An expired assignment stays
    (it says who held what) and grants nothing; every read of who holds a role goes through this condition."""
    return Q(valid_until__isnull=True) | Q(valid_until__gte=day or clock.localdate())


def roles_for(user) -> list:
    """The user's role assignments, read once per user object (a request's, or a memoised API token's)."""
    return _assignments(user)


def _assignments(user) -> list:
    """The user's role assignments, read once per request (the user object lives as long as the request)."""
    if "_fangkong_roles" not in user.__dict__:
        user.__dict__["_fangkong_roles"] = list(user.roles.filter(in_force()).select_related("jurisdiction"))
    return user.__dict__["_fangkong_roles"]


def scope_for(user, cap: str) -> Scope:
    """The jurisdiction paths under which `user` holds `cap`. Cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(())
    cache = user.__dict__.setdefault("_fangkong_scopes", {})
    if cap not in cache:
        paths: set[str] = set()
        for assignment in _assignments(user):
            role = ROLES.get(assignment.role)
            if role is None or cap not in role.caps:
                continue
            # A role held over a unit grants nothing over the unit's surroundings; unit-scoped powers
            # are checked by the modules that own them.
            if assignment.jurisdiction_id:
                paths.add(assignment.jurisdiction.path)
        cache[cap] = Scope(_minimal(paths))
    return cache[cap]


def unit_ids_for(user, cap: str) -> frozenset[int]:
    """The units at which `user` holds `cap` through a unit-bound role (a checkpoint, an employer, a lab …)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cache = user.__dict__.setdefault("_fangkong_units", {})
    if cap not in cache:
        cache[cap] = frozenset(
            a.unit_id
            for a in _assignments(user)
            if a.unit_id and (role := ROLES.get(a.role)) is not None and cap in role.caps
        )
    return cache[cap]


def has_cap(user, cap: str) -> bool:
    """Holds `cap` anywhere: over a jurisdiction or at a unit."""
    return not scope_for(user, cap).empty or bool(unit_ids_for(user, cap))


M = TypeVar("M", bound=Model)


def one_in_reach(qs: QuerySet[M], pk: int, *, for_update: bool = False) -> M:
    """The object `pk` among `qs` — what the reader may reach, as a selector built it —, its row locked when asked;
    else NotFound, exactly as for an id that does not exist (the `<entity>_get` access paths end here)."""
    qs = qs.filter(pk=pk)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = qs.first()
    if found is None:
        raise NotFound
    return found
