"""Editing the district's screening protocol (what each risk level means) and its time limits. HQ only; every
change is audited with before/after and bumps the level's version."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import clock, memo
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap

from .models import Instruction, Measure, RiskLevel, RiskProtocol, ScreeningSettings

MAX_DAYS = 60


def _require(actor) -> None:
    if not has_cap(actor, Cap.RISK_EDIT):
        raise Forbidden(Cap.RISK_EDIT)


def parse_test_days(value) -> list[int]:
    """[1, 4, 7], "1,4,7" or "1、4、7" → [1, 4, 7]."""
    if isinstance(value, list | tuple):
        items = list(value)
    else:
        items = [x for x in re.split(r"[\s,，、;；]+", str(value or "")) if x]
    try:
        days = sorted({int(x) for x in items})
    except (TypeError, ValueError) as exc:
        raise FieldError("test_days", _("Test days are whole numbers, e.g. 1, 4, 7."), code=Code.INVALID) from exc
    if any(d < 1 or d > MAX_DAYS for d in days):
        raise FieldError(
            "test_days",
            _("Test days run from 1 (the day of arrival) to %(n)d.") % {"n": MAX_DAYS},
            code=Code.OUT_OF_RANGE,
        )
    return days


class ProtocolUpdateInput(FormInput):
    """What a risk level means (the level itself is named by the address, or by the page's form): the checkpoint's
    instruction, the measure, its days, and the test days counted from the day of arrival. The page types the test
    days as one line ("1, 4, 7")."""

    instruction: str
    measure: str
    days: int
    test_days: list[int]

    @classmethod
    def form_values(cls, post) -> dict:
        values = super().form_values(post)
        values["test_days"] = parse_test_days(post.get("test_days", ""))
        return values


@transaction.atomic
def protocol_update(*, actor, level: str, instruction: str, measure: str, days: int, test_days) -> RiskProtocol:
    _require(actor)
    if level not in RiskLevel.values:
        raise FieldError("level", _("The level is high, medium or low."), code=Code.UNKNOWN_CHOICE)
    if instruction not in Instruction.values:
        raise FieldError("instruction", _("Unknown instruction."), code=Code.UNKNOWN_CHOICE)
    if measure not in Measure.values:
        raise FieldError("measure", _("Unknown measure."), code=Code.UNKNOWN_CHOICE)
    if not isinstance(days, int) or not 0 < days <= MAX_DAYS:
        raise FieldError("days", _("Days under the measure: 1 to %(n)d.") % {"n": MAX_DAYS}, code=Code.OUT_OF_RANGE)
    parsed = parse_test_days(test_days)
    if parsed and parsed[-1] > days:
        raise FieldError("test_days", _("A test day falls after the measure ends."), code=Code.OUT_OF_RANGE)
    # The row locked; a level without one (a database whose defaults were removed) starts from the default.
    row = RiskProtocol.objects.select_for_update().filter(level=level).first() or RiskProtocol.load()[level]
    before = {"instruction": row.instruction, "measure": row.measure, "days": row.days, "test_days": row.test_days}
    row.instruction, row.measure, row.days, row.test_days = instruction, measure, days, parsed
    after = {"instruction": row.instruction, "measure": row.measure, "days": row.days, "test_days": row.test_days}
    if after != before:
        row.version += 1
        row.updated_at = clock.now()
        row.save()
        audit_record(
            actor=actor,
            action="protocol.update",
            obj=row,
            object_repr=level,
            fields={k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]},
        )
        _forget()
    return row


SETTINGS_FIELDS = ("contact_limit_minutes", "fever_threshold", "passage_retention_days", "travel_lookback_days")
LIMITS = {
    "contact_limit_minutes": (5, 24 * 60),
    "passage_retention_days": (7, 365),
    "travel_lookback_days": (1, 30),
}


class SettingsUpdateInput(FormInput):
    """The time limits and thresholds, each changed only when given (None, or an empty field on the page, keeps
    it)."""

    contact_limit_minutes: int | None = None
    fever_threshold: float | None = None
    passage_retention_days: int | None = None
    travel_lookback_days: int | None = None

    def given(self) -> dict:
        return {k: v for k, v in self.dict().items() if v is not None}


@transaction.atomic
def settings_update(*, actor, **values) -> ScreeningSettings:
    _require(actor)
    row = ScreeningSettings.objects.select_for_update().order_by("pk").first() or ScreeningSettings()
    changes = {}
    for name, value in values.items():
        parsed: Decimal | int
        if name not in SETTINGS_FIELDS:
            raise FieldError(name, _("Unknown setting."), code=Code.UNKNOWN_CHOICE)
        if name == "fever_threshold":
            try:
                parsed = Decimal(str(value)).quantize(Decimal("0.1"))
            except InvalidOperation as exc:
                raise FieldError(name, _("A temperature such as 37.3."), code=Code.INVALID) from exc
            if not Decimal("37.0") <= parsed <= Decimal("38.5"):
                raise FieldError(name, _("The fever threshold is between 37.0 and 38.5 °C."), code=Code.OUT_OF_RANGE)
        else:
            low, high = LIMITS[name]
            try:
                parsed = int(value)
            except (TypeError, ValueError) as exc:
                raise FieldError(name, _("A whole number."), code=Code.INVALID) from exc
            if not low <= parsed <= high:
                raise FieldError(
                    name, _("Between %(low)d and %(high)d.") % {"low": low, "high": high}, code=Code.OUT_OF_RANGE
                )
        if getattr(row, name) != parsed:
            changes[name] = {"from": str(getattr(row, name)), "to": str(parsed)}
            setattr(row, name, parsed)
    if changes:
        row.updated_at = clock.now()
        row.save()
        audit_record(
            actor=actor, action="screening_settings.update", obj=row, object_repr="screening settings", fields=changes
        )
        _forget()
    return row


def _forget() -> None:
    memo.forget()
