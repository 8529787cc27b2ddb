"""Changing the jurisdiction tree one jurisdiction at a time (`/api/v1/admin/jurisdictions…`): add, rename, move,
merge, split a grid, retire — what the tree page does. Thin: the services (registry.reorganising, tree_changes)
check the reach (404 for a jurisdiction beyond it) and write the audit trail."""

from __future__ import annotations

from datetime import date

from ninja import Router, Status

from fangkong.core.api import ErrorOut

from . import reorganising, tree_changes
from .api import JurisdictionOut

router = Router(tags=["administration"])


class TreeNodeOut(JurisdictionOut):
    """A jurisdiction as the tree's changes leave it: with the day it was retired, if it was."""

    retired_on: date | None


def _jurisdiction(j) -> dict:
    return {f: getattr(j, f) for f in ("id", "code", "name", "level", "kind", "parent_id", "path", "retired_on")}


TREE_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.post("/admin/jurisdictions", response={201: TreeNodeOut, **TREE_ERRORS})
def jurisdiction_add(request, payload: reorganising.JurisdictionAddInput):
    """A jurisdiction directly under a parent within reach: a street under the district, a grid under a community.
    Streets, communities and villages take their 12-digit statistical code; grids the district's own."""
    return Status(201, _jurisdiction(reorganising.jurisdiction_add(actor=request.user, **payload.dict())))


@router.post("/admin/jurisdictions/{int:jurisdiction_id}/rename", response={200: TreeNodeOut, **TREE_ERRORS})
def jurisdiction_rename(request, jurisdiction_id: int, payload: reorganising.JurisdictionRenameInput):
    node = reorganising.jurisdiction_rename(actor=request.user, jurisdiction_id=jurisdiction_id, **payload.dict())
    return _jurisdiction(node)


@router.post("/admin/jurisdictions/{int:jurisdiction_id}/move", response={200: TreeNodeOut, **TREE_ERRORS})
def jurisdiction_move(request, jurisdiction_id: int, payload: reorganising.JurisdictionMoveInput):
    """Move a jurisdiction (a grid to another community) with every record under it."""
    node = reorganising.jurisdiction_move(actor=request.user, jurisdiction_id=jurisdiction_id, **payload.dict())
    return _jurisdiction(node)


@router.post("/admin/jurisdictions/{int:jurisdiction_id}/merge", response={200: TreeNodeOut, **TREE_ERRORS})
def jurisdiction_merge(request, jurisdiction_id: int, payload: tree_changes.JurisdictionMergeInput):
    """Merge into another of the same level (`into`): children, records and references move; the merged one is
    retired from today. Answers the jurisdiction that took it in."""
    kept = tree_changes.jurisdiction_merge(actor=request.user, jurisdiction_id=jurisdiction_id, into_id=payload.into)
    return _jurisdiction(kept)


@router.post("/admin/jurisdictions/{int:jurisdiction_id}/split", response={201: TreeNodeOut, **TREE_ERRORS})
def jurisdiction_split(request, jurisdiction_id: int, payload: tree_changes.JurisdictionSplitInput):
    """Split a grid: a new grid (`code`, `name`) takes the `compounds` chosen, their people and their records."""
    made = tree_changes.jurisdiction_split(
        actor=request.user,
        jurisdiction_id=jurisdiction_id,
        code=payload.code,
        name=payload.name,
        compound_ids=payload.compounds,
    )
    return Status(201, _jurisdiction(made))


@router.post("/admin/jurisdictions/{int:jurisdiction_id}/retire", response={200: TreeNodeOut, **TREE_ERRORS})
def jurisdiction_retire(request, jurisdiction_id: int):
    """Retire an emptied jurisdiction from today (nothing referenced is deleted)."""
    return _jurisdiction(tree_changes.jurisdiction_retire(actor=request.user, jurisdiction_id=jurisdiction_id))
