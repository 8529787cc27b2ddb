"""Units — departments, schools, clinics, pharmacies, enterprises, employers, venues, checkpoints, sampling sites,
isolation sites, laboratories — set up from a sheet or a form by the administrators of the tree (`registry.admin`,
within reach), each with its place in the tree and its supervising department.

A unit is matched on its code: importing a sheet again changes nothing; a known code is updated (renamed, moved,
given another department). An enterprise carries its unified social credit code (GB 32100, checked with
python-stdnum). What a unit is to a module — a checkpoint's post, a sampling site, an isolation site's beds — the
module adds through an extension it registers here (`register_unit_extension`): its columns join the sheet, and its
`apply` writes its own record in the same transaction, or rejects the row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from stdnum.cn import uscc as uscc_check
from stdnum.exceptions import ValidationError as StdnumError

from fangkong.core.audit import audit_event, audit_record_many
from fangkong.core.errors import Code, FieldError
from fangkong.core.scoping import Forbidden, Scope
from fangkong.core.tables import TableSpec, open_table

from . import errors
from .models import Jurisdiction, Place, Unit
from .reorganising import admin_scope, clean_name
from .results import ImportResult

K = Unit.Kind
KIND_WORDS: dict[str, str] = {
    **{w: K.DEPARTMENT for w in ("department", "部门", "政府部门", "主管部门")},
    **{w: K.EMPLOYER for w in ("employer", "单位", "用人单位", "机关事业单位")},
    **{w: K.SCHOOL for w in ("school", "学校")},
    **{w: K.ENTERPRISE for w in ("enterprise", "企业")},
    **{w: K.CLINIC for w in ("clinic", "医院", "诊所", "医疗机构", "卫生院", "卫生服务中心")},
    **{w: K.LAB for w in ("lab", "实验室", "检测机构")},
    **{w: K.VENUE for w in ("venue", "场所", "公共场所")},
    **{w: K.CHECKPOINT for w in ("checkpoint", "卡口", "道口", "检查站")},
    **{w: K.PHARMACY for w in ("pharmacy", "药店", "药房")},
    **{w: K.SAMPLING for w in ("sampling", "采样点")},
    **{w: K.ISOLATION for w in ("isolation", "隔离点", "集中隔离点")},
}
OWN_CODE = re.compile(r"[0-9A-Za-z_-]{1,32}")
BASE_COLUMNS: dict[str, set[str]] = {
    "kind": {"kind", "类型", "单位类型"},
    "code": {"code", "编码", "代码", "单位编码"},
    "name": {"name", "名称", "单位名称"},
    "jurisdiction": {"jurisdiction", "所在辖区", "辖区", "辖区编码", "jurisdiction_code"},
    "department": {"department", "supervising_department", "主管部门", "主管部门编码"},
    "uscc": {"uscc", "统一社会信用代码", "信用代码"},
    "address": {"address", "地址"},
    "lon": {"lon", "经度", "longitude"},
    "lat": {"lat", "纬度", "latitude"},
    "place_compound": {"place_compound", "所在小区", "所在小区/村民小组"},
    "place_building": {"place_building", "所在楼栋"},
}
TEMPLATE_HEADER = [
    "类型", "编码", "名称", "所在辖区", "主管部门", "统一社会信用代码", "地址", "经度", "纬度", "所在小区", "所在楼栋"
]  # fmt: skip
FIELD_TITLES = {
    "kind": "类型",
    "code": "编码",
    "name": "名称",
    "jurisdiction": "所在辖区",
    "department": "主管部门",
    "uscc": "统一社会信用代码",
    "address": "地址",
    "lon": "经度",
    "lat": "纬度",
    "place_compound": "所在小区",
    "place_building": "所在楼栋",
    "site_kind": "采样点类型",
    "hours": "开放时间",
    "capacity": "床位",
    "isolation_kind": "隔离点类型",
    "file": "文件",
}


@dataclass(frozen=True)
class UnitExtension:
    """What a module adds to units of one kind: columns of the sheet (and fields of the form) and how to keep its
    own record in step. `apply(unit, values, actor, created)` runs in the write's transaction; it raises FieldError
    (naming its column) to reject the row, and returns whether it changed anything."""

    kind: str
    columns: dict[str, set[str]]
    apply: Callable[..., bool]
    template: tuple[str, ...] = ()  # its columns' titles in the template
    # Its fields on the unit form: (column, label, choices as (value, label) pairs — () for a text field).
    form: tuple[tuple[str, Any, tuple[tuple[str, Any], ...]], ...] = ()


def extension_forms(values=None) -> list[tuple[str, Any, list]]:
    """Per kind with fields of its own: (kind, the kind's label, its fields as (column, label, choices, the value
    given)) — for the unit form, refilled from `values` after an error."""
    labels = dict(Unit.Kind.choices)
    values = values or {}
    return [
        (k, labels.get(k, k), [(key, label, choices, values.get(key, "")) for key, label, choices in ext.form])
        for k, ext in _extensions.items()
        if ext.form
    ]


_extensions: dict[str, UnitExtension] = {}


def keep_in_step(model, unit: Unit, wanted: dict, record=None) -> bool:
    """A module's record of `unit` (its `record`, or the first of `model` at the unit) made or brought to `wanted`;
    whether anything changed. What an extension's `apply` ends with."""
    if record is None:
        record = model.objects.filter(unit=unit).order_by("pk").first()
    if record is None:
        model.objects.create(unit=unit, **wanted)
        return True
    changed = [k for k, v in wanted.items() if getattr(record, k) != v]
    for k in changed:
        setattr(record, k, wanted[k])
    if changed:
        record.save(update_fields=changed)
    return bool(changed)


def register_unit_extension(extension: UnitExtension) -> None:
    _extensions[extension.kind] = extension


def unit_columns() -> dict[str, set[str]]:
    columns = dict(BASE_COLUMNS)
    for ext in _extensions.values():
        columns.update(ext.columns)
    return columns


def template_header() -> list[str]:
    return TEMPLATE_HEADER + [title for ext in _extensions.values() for title in ext.template]


def clean_uscc(text: str) -> str:
    value = (text or "").strip().upper()
    if not value:
        return ""
    try:
        return uscc_check.validate(value)
    except StdnumError as exc:
        raise FieldError(
            "uscc",
            _("Not a valid unified social credit code (18 characters, the last a check character)."),
            code=Code.INVALID,
        ) from exc


def clean_point(values: dict[str, str]) -> tuple[float | None, float | None]:
    lon_text, lat_text = (values.get("lon") or "").strip(), (values.get("lat") or "").strip()
    if not lon_text and not lat_text:
        return None, None
    try:
        lon, lat = float(lon_text), float(lat_text)
    except ValueError as exc:
        raise FieldError("lon", _("Give both longitude and latitude, in degrees."), code=Code.INVALID) from exc
    if not (73 <= lon <= 136 and 3 <= lat <= 54):
        raise FieldError("lon", _("This point is not in China (WGS-84 degrees)."), code=Code.OUT_OF_RANGE)
    return lon, lat


@dataclass
class UnitRow:
    kind: str
    code: str
    name: str
    jurisdiction: Jurisdiction
    department_code: str
    uscc: str
    address: str
    lon: float | None
    lat: float | None
    values: dict[str, str]  # the whole row, for the kind's extension
    place: Place | None = None
    place_given: bool = False  # a sheet without the premises columns leaves a unit's premises as they are


def unit_row_clean(values: dict[str, str], *, scope: Scope, places: dict[str, Jurisdiction]) -> UnitRow:
    kind = KIND_WORDS.get((values.get("kind") or "").strip().lower())
    if kind is None:
        raise FieldError("kind", _("Unknown kind of unit."), code=Code.UNKNOWN_CHOICE)
    code = (values.get("code") or "").strip()
    if not OWN_CODE.fullmatch(code):
        raise FieldError("code", _("A unit's code is up to 32 letters, digits, - and _."), code=Code.INVALID)
    name = clean_name(values.get("name", ""))
    where_code = (values.get("jurisdiction") or "").strip()
    where = places.get(where_code)
    if where is None:
        raise FieldError("jurisdiction", _("No jurisdiction has this code."), code=Code.NOT_FOUND)
    if not scope.covers(where.path):
        raise FieldError("jurisdiction", _("This jurisdiction is beyond your reach."), code=Code.FORBIDDEN)
    uscc = clean_uscc(values.get("uscc", ""))
    if kind == K.ENTERPRISE and not uscc:
        raise FieldError("uscc", _("An enterprise's unified social credit code is required."), code=Code.REQUIRED)
    lon, lat = clean_point(values)
    address = " ".join((values.get("address") or "").split())[:200]
    department = (values.get("department") or "").strip()
    given = "place_compound" in values or "place_building" in values
    premises = _premises(values, where) if given else None
    return UnitRow(kind, code, name, where, department, uscc, address, lon, lat, values, premises, given)


def _premises(values: dict[str, str], where: Jurisdiction) -> Place | None:
    """The compound (and building) the unit sits in, named as on the places sheet, under the unit's jurisdiction;
    none when not given."""
    compound_name = " ".join((values.get("place_compound") or "").split())
    building_name = " ".join((values.get("place_building") or "").split())
    if not compound_name:
        if building_name:
            raise FieldError("place_compound", _("Name the compound the building is in."), code=Code.REQUIRED)
        return None
    compounds = list(
        Place.objects.filter(kind=Place.Kind.COMPOUND, name=compound_name, jpath__startswith=where.path)[:2]
    )
    if not compounds:
        raise FieldError(
            "place_compound", _("No compound of this name in the unit's jurisdiction."), code=Code.NOT_FOUND
        )
    if len(compounds) > 1:
        raise FieldError(
            "place_compound",
            _("Several compounds have this name in the unit's jurisdiction: give the unit's grid."),
            code=errors.Code.AMBIGUOUS,
        )
    if not building_name:
        return compounds[0]
    building = Place.objects.filter(kind=Place.Kind.BUILDING, parent=compounds[0], name=building_name).first()
    if building is None:
        raise FieldError("place_building", _("No building of this name in that compound."), code=Code.NOT_FOUND)
    return building


def _save(actor, row: UnitRow, departments: dict[str, Unit], existing: dict[str, Unit]) -> tuple[Unit, str]:
    """Create or update one unit and its module's record; ("created" | "updated" | "unchanged"). Raises FieldError."""
    department = None
    if row.department_code:
        department = departments.get(row.department_code)
        if department is None:
            raise FieldError("department", _("No department has this code."), code=Code.NOT_FOUND)
    unit = existing.get(row.code)
    fields = {
        "name": row.name,
        "jurisdiction_id": row.jurisdiction.pk,
        "jpath": row.jurisdiction.path,
        "supervising_department_id": department.pk if department else None,
        "uscc": row.uscc,
        "address": row.address,
        "lon": row.lon,
        "lat": row.lat,
    }
    if row.place_given:
        fields["place_id"] = row.place.pk if row.place else None
    if row.uscc:
        other = Unit.objects.filter(uscc=row.uscc).exclude(code=row.code).first()
        if other is not None:
            raise FieldError(
                "uscc", _("%(name)s has this credit code already.") % {"name": other.name}, code=Code.DUPLICATE
            )
    if unit is None:
        outcome = "created"
        try:
            with transaction.atomic():  # another import made the same code or credit code a moment ago
                unit = Unit.objects.create(kind=row.kind, code=row.code, **fields)
        except IntegrityError as exc:
            raise FieldError("code", _("A unit has this code or credit code already."), code=Code.DUPLICATE) from exc
    else:
        if unit.kind != row.kind:
            raise FieldError("kind", _("A unit's kind does not change; give it another code."), code=Code.INVALID)
        changed = [k for k, v in fields.items() if getattr(unit, k) != v]
        for k in changed:
            setattr(unit, k, fields[k])
        if changed:
            unit.save(update_fields=changed)
        outcome = "updated" if changed else "unchanged"
    extension = _extensions.get(row.kind)
    if extension is not None:
        record_changed = extension.apply(unit=unit, values=row.values, actor=actor, created=outcome == "created")
        if record_changed and outcome == "unchanged":
            outcome = "updated"
    existing[row.code] = unit
    if unit.kind == K.DEPARTMENT:
        departments[unit.code] = unit
    return unit, outcome


def units_import(*, actor, filename: str, content: bytes) -> ImportResult:
    """Create and update units from a sheet; each rejected row named with its column, and nothing of it written
    (each row in a savepoint: a module's record refused takes its unit with it). Departments first, so that the
    others may name a department created by the same sheet."""
    scope = admin_scope(actor)
    table = open_table(TableSpec(unit_columns(), ("kind", "code", "name", "jurisdiction")), filename, content)
    places = {j.code: j for j in Jurisdiction.objects.filter(retired_on__isnull=True)}
    result = ImportResult()
    rows: list[tuple[int, UnitRow]] = []
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        try:
            values = table.values(cells)
            if values is None:
                continue
            row = unit_row_clean(values, scope=scope, places=places)
            if row.code in seen:
                message = _("This code is on row %(row)s already.") % {"row": seen[row.code]}
                raise FieldError("code", message, code=Code.DUPLICATE)
            seen[row.code] = number
            rows.append((number, row))
        except FieldError as exc:
            result.reject(number, exc)
    rows.sort(key=lambda r: (r[1].kind != K.DEPARTMENT, r[0]))
    with transaction.atomic():
        existing = {u.code: u for u in Unit.objects.select_for_update().filter(code__in=list(seen))}
        departments = {u.code: u for u in Unit.objects.filter(kind=K.DEPARTMENT)}
        events = []
        for number, row in rows:
            if row.code in existing and not scope.covers(existing[row.code].jpath):
                message = _("This unit is beyond your reach.")
                result.reject(number, FieldError("code", message, code=Code.FORBIDDEN))
                continue
            try:
                with transaction.atomic():
                    unit, outcome = _save(actor, row, departments, existing)
            except FieldError as exc:
                result.reject(number, exc)
                continue
            setattr(result, outcome, getattr(result, outcome) + 1)
            if outcome != "unchanged":
                events.append(audit_event(actor=actor, action=ACTIONS[outcome], obj=unit))
        audit_record_many(events)
    result.rejected.sort(key=lambda r: r["row"])
    return result


ACTIONS = {"created": "unit.create", "updated": "unit.update"}


def departments() -> list[Unit]:
    """The district's government departments (a unit's supervising department is one of them, wherever it is)."""
    return list(Unit.objects.filter(kind=K.DEPARTMENT).order_by("name"))


def units_administered(*, user):
    return Unit.objects.filter(admin_scope(user).q("jpath")).select_related(
        "jurisdiction", "supervising_department", "place"
    )


@transaction.atomic
def unit_save(*, actor, values: dict[str, str]) -> tuple[Unit, str]:
    """One unit from a form (the same rules as a sheet's row): created, or updated when its code is known."""
    scope = admin_scope(actor)
    places = {j.code: j for j in Jurisdiction.objects.filter(retired_on__isnull=True)}
    row = unit_row_clean(values, scope=scope, places=places)
    existing = {u.code: u for u in Unit.objects.select_for_update().filter(code=row.code)}
    if row.code in existing and not scope.covers(existing[row.code].jpath):
        raise Forbidden(_("This unit is beyond your reach."))
    departments = {u.code: u for u in Unit.objects.filter(kind=K.DEPARTMENT)}
    unit, outcome = _save(actor, row, departments, existing)
    if outcome != "unchanged":
        audit_record_many([audit_event(actor=actor, action=ACTIONS[outcome], obj=unit)])
    return unit, outcome
