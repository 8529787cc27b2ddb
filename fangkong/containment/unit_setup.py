"""An isolation site set up as a unit (registry.units): its beds (required), and whether it is a designated
hospital or a central isolation site; the unit is its staff's."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.errors import Code, FieldError
from fangkong.registry.models import Unit
from fangkong.registry.units import UnitExtension, keep_in_step

from .models import IsolationSite

KIND_WORDS = {
    **{w: IsolationSite.Kind.ISOLATION for w in ("", "isolation", "集中隔离点", "隔离点")},
    **{w: IsolationSite.Kind.HOSPITAL for w in ("hospital", "定点医院")},
}


def _beds(text: str) -> int:
    text = (text or "").strip()
    if not text:
        raise FieldError("capacity", _("Give the number of beds."), code=Code.REQUIRED)
    if not text.isdigit() or not 1 <= int(text) <= 100_000:
        raise FieldError("capacity", _("The beds are a whole number from 1 to 100,000."), code=Code.OUT_OF_RANGE)
    return int(text)


def _apply(*, unit: Unit, values: dict[str, str], actor, created: bool) -> bool:
    site = IsolationSite.objects.filter(unit=unit).first()
    given = (values.get("isolation_kind") or "").strip().lower()
    # A sheet or a form without the column keeps what the site is (and its beds); a new one needs its beds.
    kind = KIND_WORDS.get(given) if given or site is None else site.kind
    if kind is None:
        raise FieldError(
            "isolation_kind", _("A designated hospital or a central isolation site."), code=Code.UNKNOWN_CHOICE
        )
    wanted = {
        "name": unit.name,
        "address": unit.address,
        "capacity": _beds(values.get("capacity", ""))
        if (values.get("capacity") or "").strip() or site is None
        else site.capacity,
        "kind": kind,
        "jpath": unit.jpath,
    }
    return keep_in_step(IsolationSite, unit, wanted, site)


EXTENSION = UnitExtension(
    kind=Unit.Kind.ISOLATION,
    columns={"capacity": {"capacity", "床位", "床位数"}, "isolation_kind": {"isolation_kind", "隔离点类型"}},
    apply=_apply,
    template=("床位", "隔离点类型"),
    form=(
        ("capacity", gettext_lazy("Beds"), ()),
        (
            "isolation_kind",
            gettext_lazy("Site"),
            (("isolation", gettext_lazy("Central isolation site")), ("hospital", gettext_lazy("Designated hospital"))),
        ),
    ),
)
