"""A sampling site set up as a unit (registry.units): the unit is its sampling team, and the site — where it samples,
for whom (mass screening, a fever clinic, in- and outpatients), its hours — is made and kept in step. A testing
laboratory set up as a unit carries the tubes it gets through per hour (实验室产能), which the pool plan reads."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.errors import Code, FieldError
from fangkong.registry.models import Unit
from fangkong.registry.units import UnitExtension, keep_in_step

from .models import LabCapacity, Site, SiteKind

SITE_KIND_WORDS = {
    **{w: SiteKind.MASS for w in ("", "mass", "大规模筛查", "常规", "便民采样")},
    **{w: SiteKind.FEVER_CLINIC for w in ("fever_clinic", "发热门诊")},
    **{w: SiteKind.HOSPITAL for w in ("hospital", "住院", "门诊", "住院门诊")},
}


def _apply(*, unit: Unit, values: dict[str, str], actor, created: bool) -> bool:
    site = Site.objects.filter(unit=unit).order_by("pk").first()
    given = (values.get("site_kind") or "").strip().lower()
    # A sheet or a form without the column keeps what the site is; a new site is for mass screening.
    kind = SITE_KIND_WORDS.get(given) if given or site is None else site.kind
    if kind is None:
        raise FieldError(
            "site_kind",
            _("A site is for mass screening, a fever clinic or in- and outpatients."),
            code=Code.UNKNOWN_CHOICE,
        )
    wanted = {
        "name": unit.name,
        "address": unit.address,
        "jurisdiction_id": unit.jurisdiction_id,
        "jpath": unit.jpath,
        "kind": kind,
        "hours": (values.get("hours") or "").strip()[:64] or (site.hours if site else ""),
        "lon": unit.lon,
        "lat": unit.lat,
    }
    return keep_in_step(Site, unit, wanted, site)


EXTENSION = UnitExtension(
    kind=Unit.Kind.SAMPLING,
    columns={"site_kind": {"site_kind", "采样点类型"}, "hours": {"hours", "开放时间"}},
    apply=_apply,
    template=("采样点类型", "开放时间"),
    form=(
        (
            "site_kind",
            gettext_lazy("Samples for"),
            (
                ("mass", gettext_lazy("Mass screening")),
                ("fever_clinic", gettext_lazy("Fever clinic")),
                ("hospital", gettext_lazy("In- and outpatients")),
            ),
        ),
        ("hours", gettext_lazy("Opening hours"), ()),
    ),
)


MAX_TUBES_PER_HOUR = 100_000  # Shenzhen's 78 labs managed about 23,000 tubes an hour between them


def _apply_lab(*, unit: Unit, values: dict[str, str], actor, created: bool) -> bool:
    """A lab's capacity when given; a sheet or a form without it keeps what is known (a lab without one is shown
    as unknown on the pool plan, never guessed)."""
    text = (values.get("tubes_per_hour") or "").strip().replace(",", "")
    if not text:
        return False
    if not text.isdigit() or not 1 <= int(text) <= MAX_TUBES_PER_HOUR:
        raise FieldError(
            "tubes_per_hour",
            _("Tubes per hour: a whole number from 1 to %(n)s.") % {"n": f"{MAX_TUBES_PER_HOUR:,}"},
            code=Code.OUT_OF_RANGE,
        )
    return keep_in_step(LabCapacity, unit, {"tubes_per_hour": int(text)})


LAB_EXTENSION = UnitExtension(
    kind=Unit.Kind.LAB,
    columns={"tubes_per_hour": {"tubes_per_hour", "每小时检测管数", "实验室产能"}},
    apply=_apply_lab,
    template=("每小时检测管数",),
    form=(("tubes_per_hour", gettext_lazy("Tubes tested per hour"), ()),),
)
