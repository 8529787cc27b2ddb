"""Risk areas: HQ creates, edits, ends and imports them; every change is audited."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.dates import Moment, parse_moment
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import EndMoment, FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap
from fangkong.core.tables import TableSpec, open_table
from fangkong.core.text import ascii_digits, foreign_digits

from .models import RiskArea, RiskLevel, risk_areas_all

LEVEL_ALIASES = {"高": "high", "高风险": "high", "中": "medium", "中风险": "medium", "低": "low", "低风险": "low"}


@dataclass
class RiskAreaData:
    name: str
    level: str
    valid_from: datetime
    valid_to: datetime | None = None
    code: str = ""
    notice: str = ""


class RiskAreaInput(FormInput):
    """A risk area as HQ declares or edits it, from the API's body or the risk areas page's form: in force from
    `valid_from` (default now) to `valid_to` (open; a bare date is the end of that day). `risk_area_clean` checks
    the values (a level may be written 高/中/低) for `risk_area_create` and `risk_area_update`."""

    name: str
    level: str
    valid_from: Moment | None = None
    valid_to: EndMoment | None = None
    code: str = ""
    notice: str = ""


def _forget_areas() -> None:
    """This process reloads the areas at once, and again after commit (a reload in between saw the old rows)."""
    risk_areas_all.forget()


def _require_edit(actor) -> None:
    if not has_cap(actor, Cap.RISK_EDIT):
        raise Forbidden(Cap.RISK_EDIT)


def risk_area_clean(
    *, name: str, level: str, valid_from, valid_to=None, code: str = "", notice: str = ""
) -> RiskAreaData:
    name = " ".join((name or "").split())
    if not name:
        raise FieldError("name", _("Name the region (e.g. 上海市浦东新区)."), code=Code.REQUIRED)
    level = LEVEL_ALIASES.get((level or "").strip(), (level or "").strip().lower())
    if level not in RiskLevel.values:
        raise FieldError("level", _("The level is high, medium or low."), code=Code.UNKNOWN_CHOICE)
    start = parse_moment("valid_from", valid_from) or clock.now()
    end = parse_moment("valid_to", valid_to, end=True)
    if end is not None and end <= start:
        raise FieldError("valid_to", _("The end must come after the start."), code=Code.END_BEFORE_START)
    code = unicodedata.normalize("NFKC", code or "").strip()  # full-width digits are the same code
    if foreign_digits(code):  # "٣١٠١١٥" would never match a place typed 310115…
        raise FieldError("code", _("Write the area code with the digits 0-9."), code=Code.DIGITS)
    if code and not ascii_digits(code):
        raise FieldError("code", _("An area code is up to 12 digits."), code=Code.INVALID)
    if len(code) > 12:
        raise FieldError("code", _("An area code is up to 12 digits."), code=Code.TOO_LONG)
    return RiskAreaData(name[:100], level, start, end, code, (notice or "").strip()[:200])


def _fields(area: RiskArea) -> dict:
    return {
        "name": area.name,
        "level": area.level,
        "code": area.code,
        "notice": area.notice,
        "valid_from": area.valid_from.isoformat(),
        "valid_to": area.valid_to.isoformat() if area.valid_to else None,
    }


@transaction.atomic
def risk_area_create(*, actor, data: RiskAreaData) -> RiskArea:
    _require_edit(actor)
    area = RiskArea.objects.create(
        name=data.name,
        level=data.level,
        code=data.code,
        notice=data.notice,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        created_by=actor,
    )
    audit_record(actor=actor, action="risk_area.create", obj=area, fields=_fields(area))
    _forget_areas()
    return area


@transaction.atomic
def risk_area_update(*, actor, area_id: int, data: RiskAreaData) -> RiskArea:
    _require_edit(actor)
    try:
        area = RiskArea.objects.select_for_update().get(pk=area_id)
    except RiskArea.DoesNotExist as exc:
        raise NotFound from exc
    before = _fields(area)
    for name in ("name", "level", "code", "notice", "valid_from", "valid_to"):
        setattr(area, name, getattr(data, name))
    area.updated_at = clock.now()
    area.save()
    after = _fields(area)
    _forget_areas()
    audit_record(
        actor=actor,
        action="risk_area.update",
        obj=area,
        fields={k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]},
    )
    return area


def risk_area_end(*, actor, area_id: int) -> RiskArea:
    """Lift an area now (its history stays: passages keep pointing at it)."""
    try:
        area = RiskArea.objects.get(pk=area_id)
    except RiskArea.DoesNotExist as exc:
        raise NotFound from exc
    now = clock.now()
    data = RiskAreaData(area.name, area.level, area.valid_from, max(now, area.valid_from), area.code, area.notice)
    if data.valid_to == data.valid_from:
        raise FieldError(
            "valid_to", _("This area has not started yet; change its start instead."), code=Code.WRONG_STATE
        )
    return risk_area_update(actor=actor, area_id=area_id, data=data)


COLUMNS = {
    "name": {"地区", "区域", "名称", "name", "region"},
    "code": {"区划代码", "代码", "code"},
    "level": {"风险等级", "等级", "level"},
    "valid_from": {"开始", "开始时间", "生效时间", "valid_from"},
    "valid_to": {"结束", "结束时间", "解除时间", "valid_to"},
    "notice": {"文件", "通告", "依据", "notice"},
}


AREAS = TableSpec(
    COLUMNS,
    required=("name", "level"),
    names={"name": "地区", "code": "区划代码", "level": "风险等级", "valid_from": "开始时间", "valid_to": "结束时间"},
)


@transaction.atomic
def risk_areas_import(*, actor, content: bytes, filename: str = "areas.xlsx") -> dict:
    """Import a list of areas. All rows or none: a notice is one act, half of it would be wrong."""
    _require_edit(actor)
    table = open_table(AREAS, filename, content)
    cleaned, errors = [], []
    for number, raw in table.rows:
        values = table.values(raw)
        if values is None:
            continue
        try:
            cleaned.append(
                risk_area_clean(
                    name=values.get("name", ""),
                    level=values.get("level", ""),
                    valid_from=values.get("valid_from"),
                    valid_to=values.get("valid_to"),
                    code=values.get("code", ""),
                    notice=values.get("notice", ""),
                )
            )
        except FieldError as exc:
            exc.row = number
            errors.append({**exc.as_dict(), "label": AREAS.label(exc.field)})
    if errors:
        return {"created": 0, "rejected": errors}
    for data in cleaned:
        risk_area_create(actor=actor, data=data)
    return {"created": len(cleaned), "rejected": []}
