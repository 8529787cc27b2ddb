"""Reorganising the jurisdiction tree within one's reach (`registry.admin`): its rules (levels, codes), rename, add
and move (a grid to another community). Merging, splitting and retiring are registry.tree_changes; the sheet's
import is registry.tree.

A move rewrites the materialised path (`jpath`) of every record under the jurisdiction, in every app, in one
transaction — people, places, cases and history follow (the audit trail alone keeps the path of its day).
"""

from __future__ import annotations

import re

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, Scope, scope_for

from . import errors
from .models import Jurisdiction, Place, jurisdictions_by_id

L = Jurisdiction.Level
K = Jurisdiction.Kind
DEPTH: dict[str, int] = {L.DISTRICT: 0, L.STREET: 1, L.COMMUNITY: 2, L.GRID: 3}
LEVEL_WORDS: dict[str, tuple[str, str]] = {
    **{w: (L.DISTRICT, K.DISTRICT) for w in ("district", "区", "县", "区县", "县区")},
    **{w: (L.STREET, K.STREET) for w in ("street", "街道", "街道办事处")},
    **{w: (L.STREET, K.TOWN) for w in ("town", "镇", "乡", "乡镇")},
    **{w: (L.COMMUNITY, K.COMMUNITY) for w in ("community", "社区", "社区居委会")},
    **{w: (L.COMMUNITY, K.VILLAGE) for w in ("village", "村", "行政村", "村委会")},
    **{w: (L.GRID, K.GRID) for w in ("grid", "网格")},
}
OWN_CODE = re.compile(r"[0-9A-Za-z_-]{1,32}")


def admin_scope(actor) -> Scope:
    scope = scope_for(actor, Cap.REGISTRY_ADMIN)
    if scope.empty:
        raise Forbidden(Cap.REGISTRY_ADMIN)
    return scope


def district_root() -> Jurisdiction:
    root = Jurisdiction.objects.filter(parent__isnull=True).order_by("path").first()
    if root is None:
        raise FieldError("file", _("Set up the district first (fangkong setup)."), code=Code.WRONG_STATE)
    return root


def level_of(text: str) -> tuple[str, str]:
    found = LEVEL_WORDS.get((text or "").strip().lower())
    if found is None:
        raise FieldError("level", _("The level is one of 街道, 镇, 乡, 社区, 村, 网格."), code=Code.UNKNOWN_CHOICE)
    return found


def check_code(code: str, level: str, district: Jurisdiction) -> None:
    """Streets, towns, communities and villages carry the 12-digit statistical division code within the district."""
    if level == L.GRID:
        if not OWN_CODE.fullmatch(code):
            raise FieldError("code", _("A grid's code is up to 32 letters, digits, - and _."), code=Code.INVALID)
    elif level != L.DISTRICT and not (len(code) == 12 and code.isdigit() and code.startswith(district.code)):
        raise FieldError(
            "code",
            _("The official 12-digit statistical division code, beginning with the district's %(code)s.")
            % {"code": district.code},
            code=Code.INVALID,
        )


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise FieldError("name", _("The name is required."), code=Code.REQUIRED)
    if len(name) > 100:
        raise FieldError("name", _("The name is longer than 100 characters."), code=Code.TOO_LONG)
    return name


def fits(level: str, parent_level: str) -> None:
    if DEPTH[level] != DEPTH[parent_level] + 1:
        above: dict[str, str] = {
            L.STREET: _("the district"),
            L.COMMUNITY: _("a street or town"),
            L.GRID: _("a community or village"),
        }
        raise FieldError(
            "level",
            _("This level goes directly under %(above)s.") % {"above": above.get(level, _("nothing"))},
            code=Code.INVALID,
        )


# --- moving records with a jurisdiction -------------------------------------------------------------------------

# The audit trail keeps what was true on its day (and refuses updates): it is not rewritten.
FROZEN = {"core.auditevent"}


def jpath_models() -> list:
    return [
        m
        for m in apps.get_models()
        if m._meta.label_lower not in FROZEN and any(f.name == "jpath" for f in m._meta.concrete_fields)
    ]


def community_models() -> list:
    """Models with a `community` foreign key beside the finest `jpath`: a grid's records name its community."""
    out = []
    for m in jpath_models():
        for f in m._meta.concrete_fields:
            if f.name == "community" and f.is_relation and f.related_model is Jurisdiction:
                out.append(m)
    return out


def _rewrite_paths(old: str, new: str) -> int:
    """Every record under `old` now under `new` (each table: one UPDATE on its jpath prefix index)."""
    moved = 0
    for model in jpath_models():
        moved += model._base_manager.filter(jpath__startswith=old).update(
            jpath=Concat(Value(new), Substr("jpath", len(old) + 1))
        )
    Jurisdiction.objects.filter(path__startswith=old).update(path=Concat(Value(new), Substr("path", len(old) + 1)))
    return moved


def move_with_records(node: Jurisdiction, parent: Jurisdiction) -> int:
    old, new = node.path, f"{parent.path}{node.code}/"
    node.parent = parent
    node.save(update_fields=["parent"])
    moved = _rewrite_paths(old, new)
    node.path = new
    if node.level == L.GRID:
        for model in community_models():
            model._base_manager.filter(jpath__startswith=new).exclude(community=parent).update(community=parent)
    jurisdictions_by_id.forget()
    return moved


# --- one at a time, from the pages and the API --------------------------------------------------------------------


class JurisdictionRenameInput(FormInput):
    name: str


class JurisdictionAddInput(FormInput):
    """A jurisdiction added under its parent (the page's form names it `parent`)."""

    parent_id: int
    code: str
    name: str
    kind: str  # 街道, 镇, 社区, 村, 网格 (or street, town, community, village, grid)

    @classmethod
    def form_values(cls, post) -> dict:
        return {**super().form_values(post), **({"parent_id": post["parent"]} if "parent" in post else {})}


class JurisdictionMoveInput(FormInput):
    """Where a jurisdiction moves (the page's form names it `parent`)."""

    parent_id: int

    @classmethod
    def form_values(cls, post) -> dict:
        return {**super().form_values(post), **({"parent_id": post["parent"]} if "parent" in post else {})}


def jurisdiction_admin_get(*, user, jurisdiction_id: int, for_update: bool = False) -> Jurisdiction:
    """A jurisdiction `user` administers (their reach and below); NotFound otherwise."""
    rows = Jurisdiction.objects.filter(admin_scope(user).q("path"))
    if for_update:
        rows = rows.select_for_update()
    found = rows.filter(pk=jurisdiction_id).first()
    if found is None:
        raise NotFound
    return found


@transaction.atomic
def jurisdiction_rename(*, actor, jurisdiction_id: int, name: str) -> Jurisdiction:
    node = jurisdiction_admin_get(user=actor, jurisdiction_id=jurisdiction_id, for_update=True)
    name = clean_name(name)
    if name != node.name:
        audit_record(
            actor=actor, action="jurisdiction.update", obj=node, jpath=node.path, fields={"name": [node.name, name]}
        )
        node.name = name
        node.save(update_fields=["name"])
        jurisdictions_by_id.forget()
    return node


@transaction.atomic
def jurisdiction_add(*, actor, parent_id: int, code: str, name: str, kind: str) -> Jurisdiction:
    """A new jurisdiction directly under `parent` (a street under the district, a grid under a community …)."""
    parent = jurisdiction_admin_get(user=actor, jurisdiction_id=parent_id, for_update=True)
    level, kind = level_of(kind)
    code = (code or "").strip()
    check_code(code, level, district_root())
    name = clean_name(name)
    fits(level, parent.level)
    if parent.retired_on is not None:
        raise FieldError("parent_id", _("This parent is retired."), code=Code.WRONG_STATE)
    if Jurisdiction.objects.filter(code=code).exists():
        raise FieldError("code", _("A jurisdiction has this code already."), code=Code.DUPLICATE)
    try:
        with transaction.atomic():  # another administrator added the same code a moment ago
            node = Jurisdiction.objects.create(
                code=code, name=name, level=level, kind=kind, parent=parent, path=f"{parent.path}{code}/"
            )
    except IntegrityError as exc:
        raise FieldError("code", _("A jurisdiction has this code already."), code=Code.DUPLICATE) from exc
    audit_record(actor=actor, action="jurisdiction.create", obj=node, jpath=node.path)
    jurisdictions_by_id.forget()
    return node


@transaction.atomic
def jurisdiction_move(*, actor, jurisdiction_id: int, parent_id: int) -> Jurisdiction:
    """Move a jurisdiction (a grid to another community, a community to another street) with every record under
    it; both the old and the new parent within the actor's reach."""
    scope = admin_scope(actor)
    node = jurisdiction_admin_get(user=actor, jurisdiction_id=jurisdiction_id, for_update=True)
    if node.path in scope.paths or node.parent_id is None:
        raise Forbidden(_("This jurisdiction is beyond your reach."))
    parent = jurisdiction_admin_get(user=actor, jurisdiction_id=parent_id, for_update=True)
    if parent.path.startswith(node.path):
        raise FieldError("parent_id", _("A jurisdiction cannot move under itself."), code=errors.Code.CYCLE)
    fits(node.level, parent.level)
    if parent.retired_on is not None:
        raise FieldError("parent_id", _("This parent is retired."), code=Code.WRONG_STATE)
    if node.parent_id == parent.pk:
        return node
    old = node.path
    moved = move_with_records(node, parent)
    audit_record(
        actor=actor,
        action="jurisdiction.move",
        obj=node,
        jpath=node.path,
        fields={"parent": [old, node.path], "records": moved},
    )
    return node


def compounds_of(*, user, grid_id: int) -> list[Place]:
    """The compounds of a grid `user` administers (a split's choices); NotFound beyond reach."""
    grid = jurisdiction_admin_get(user=user, jurisdiction_id=grid_id)
    return list(Place.objects.filter(kind=Place.Kind.COMPOUND, jurisdiction=grid).order_by("name"))
