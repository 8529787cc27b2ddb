"""The jurisdiction tree, set up and kept by its administrators: imported from a sheet (`code, name, level,
parent_code`), renamed, added to, and reorganised (a grid moved to another community) — within their reach
(`registry.admin`: district HQ the district, a street officer their street).

Levels run district → street/town → community/village → grid, each directly under the level above. Codes are the
official ones (the district's 6-digit GB/T 2260 code, the 12-digit statistical division codes beginning with it for
streets, towns, communities and villages) or the district's own for grids; a code never changes and names one
jurisdiction for good. A new jurisdiction's path is its parent's path and its code (`211103/211103001000/…`).

A move rewrites the materialised path (`jpath`) of every record under the moved jurisdiction, in every app, in one
transaction: people, places, cases and history follow (the audit trail alone keeps the path of its day).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_event, audit_record_many
from fangkong.core.errors import Code, FieldError
from fangkong.core.scoping import Forbidden, Scope
from fangkong.core.tables import TableSpec, open_table

from . import errors
from .models import Jurisdiction, jurisdictions_by_id
from .reorganising import (
    DEPTH,
    L,
    admin_scope,
    check_code,
    clean_name,
    district_root,
    fits,
    level_of,
    move_with_records,
)
from .results import ImportResult

COLUMNS = {
    "code": {"code", "编码", "代码", "区划代码", "统计用区划代码"},
    "name": {"name", "名称", "名字"},
    "level": {"level", "层级", "级别", "类型"},
    "parent_code": {"parent_code", "parent", "上级编码", "上级代码", "上级"},
}
TREE = TableSpec(COLUMNS, ("code", "name", "level", "parent_code"), exact_numbers=("code", "parent_code"))
TEMPLATE_HEADER = ["编码", "名称", "层级", "上级编码"]
FIELD_TITLES = {"code": "编码", "name": "名称", "level": "层级", "parent_code": "上级编码", "file": "文件"}


# --- import -----------------------------------------------------------------------------------------------------


@dataclass
class _Row:
    row: int
    code: str
    name: str
    level: str
    kind: str
    parent_code: str


@dataclass
class TreeImportResult(ImportResult):
    failed: dict[str, int] = field(default_factory=dict)  # the codes of rejected rows → their row


def _cycles(rows: dict[str, _Row], existing: dict[str, Jurisdiction]) -> dict[str, list[str]]:
    """Codes whose parent chain (as the file would make it) comes back to them: {code: the loop's codes}."""

    def parent_of(code: str) -> str | None:
        if code in rows:
            return rows[code].parent_code or None
        j = existing.get(code)
        return existing_codes.get(j.parent_id) if j and j.parent_id else None

    existing_codes = {j.pk: c for c, j in existing.items()}
    out: dict[str, list[str]] = {}
    for start in rows:
        seen: list[str] = []
        code: str | None = start
        while code is not None and code not in seen:
            seen.append(code)
            code = parent_of(code)
        if code == start:
            out[start] = seen
    return out


def jurisdictions_import(*, actor, filename: str, content: bytes) -> TreeImportResult:
    """Create, rename, re-level (street ↔ town) and move jurisdictions from a sheet; every rejected row named with
    its field. A row whose parent row is rejected is rejected too: nothing is created under a hole. Re-importing
    the same sheet changes nothing. Raises FieldError for a file that cannot be read at all."""
    scope = admin_scope(actor)
    district = district_root()
    table = open_table(TREE, filename, content)
    result = TreeImportResult()
    rows: dict[str, _Row] = {}
    for number, cells in table.rows:
        code = ""
        try:
            values = table.values(cells)
            if values is None:
                continue
            code = values["code"].strip()
            if not code:
                raise FieldError("code", _("The code is required."), code=Code.REQUIRED)
            level, kind = level_of(values["level"])
            check_code(code, level, district)
            name = clean_name(values["name"])
            parent_code = values["parent_code"].strip()
            if level != L.DISTRICT and not parent_code:
                raise FieldError("parent_code", _("The parent's code is required."), code=Code.REQUIRED)
            if code in rows:
                raise FieldError(
                    "code",
                    _("This code is on row %(row)s already.") % {"row": rows[code].row},
                    code=Code.DUPLICATE,
                )
            rows[code] = _Row(number, code, name, level, kind, parent_code)
        except FieldError as exc:
            result.reject(number, exc)
            if code and code not in rows:
                result.failed.setdefault(code, number)
    with transaction.atomic():
        _apply(actor, scope, district, rows, result)
    result.rejected.sort(key=lambda r: r["row"])
    return result


def _apply(actor, scope: Scope, district: Jurisdiction, rows: dict[str, _Row], result: TreeImportResult) -> None:
    existing = {j.code: j for j in Jurisdiction.objects.select_for_update().order_by("path")}
    loops = _cycles(rows, existing)
    for code, loop in loops.items():
        row = rows[code]
        others = ", ".join(str(rows[c].row) if c in rows else c for c in loop if c != code)
        message = _("The parent chain comes back to this row (through %(others)s).") % {"others": others}
        result.reject(row.row, FieldError("parent_code", message, code=errors.Code.CYCLE))
    for code in loops:
        result.failed[code] = rows.pop(code).row
    events = []
    # Parents before children: the file's rows by their level, each level after the one above.
    for row in sorted(rows.values(), key=lambda r: (DEPTH[r.level], r.row)):
        try:
            events.extend(_apply_row(actor, scope, district, row, rows, existing, result))
        except FieldError as exc:
            result.reject(row.row, exc)
            result.failed[row.code] = rows.pop(row.code).row
        except Forbidden as exc:
            result.reject(row.row, FieldError("parent_code", exc.reason, code=Code.FORBIDDEN))
            result.failed[row.code] = rows.pop(row.code).row
    audit_record_many(events)


def _apply_row(actor, scope, district, row: _Row, rows, existing, result) -> list:
    if row.level == L.DISTRICT:
        if row.code != district.code:
            raise FieldError("code", _("This is not the district's code."), code=Code.INVALID)
        if row.name != district.name:
            raise FieldError("name", _("The district's name is set up with the district."), code=Code.INVALID)
        result.unchanged += 1
        return []
    parent = existing.get(row.parent_code)
    if parent is None:
        if row.parent_code in result.failed:
            message = _("Its parent's row %(row)s was rejected.") % {"row": result.failed[row.parent_code]}
        else:
            message = _("No jurisdiction has this code, here or above.")
        raise FieldError("parent_code", message, code=Code.NOT_FOUND)
    if parent.retired_on is not None:
        raise FieldError("parent_code", _("This parent is retired."), code=Code.WRONG_STATE)
    fits(row.level, parent.level)
    if not scope.covers(parent.path):
        raise Forbidden(_("This parent is beyond your reach."))
    node = existing.get(row.code)
    if node is None:
        node = Jurisdiction.objects.create(
            code=row.code,
            name=row.name,
            level=row.level,
            kind=row.kind,
            parent=parent,
            path=f"{parent.path}{row.code}/",
        )
        existing[row.code] = node
        result.created += 1
        return [audit_event(actor=actor, action="jurisdiction.create", obj=node, jpath=node.path)]
    if node.level != row.level:
        raise FieldError(
            "level", _("A jurisdiction's level does not change; retire it and add a new one."), code=Code.INVALID
        )
    if node.retired_on is not None:
        raise FieldError("code", _("This jurisdiction is retired."), code=Code.WRONG_STATE)
    changes: dict = {}
    if node.name != row.name:
        changes["name"] = [node.name, row.name]
        node.name = row.name
    if node.kind != row.kind:
        changes["kind"] = [node.kind, row.kind]
        node.kind = row.kind
    if changes:
        if not scope.covers(node.path):
            raise Forbidden(_("This jurisdiction is beyond your reach."))
        node.save(update_fields=["name", "kind"])
        jurisdictions_by_id.forget()
    if node.parent_id != parent.pk:
        if not scope.covers(node.path) or node.path in scope.paths:
            raise Forbidden(_("This jurisdiction is beyond your reach."))
        old = node.path
        move_with_records(node, parent)
        for j in existing.values():  # the subtree's paths as the database now has them
            if j.path.startswith(old):
                j.path = node.path + j.path[len(old) :]
        changes["parent"] = [old, node.path]
    if not changes:
        result.unchanged += 1
        return []
    result.updated += 1
    return [audit_event(actor=actor, action="jurisdiction.update", obj=node, jpath=node.path, fields=changes)]


def tree_rows(*, user) -> list[Jurisdiction]:
    """The jurisdictions `user` administers, in tree order, with their parents (one query)."""
    return list(
        Jurisdiction.objects.filter(admin_scope(user).q("path"))
        .order_by("path")
        .annotate(parent_code=F("parent__code"))
    )
