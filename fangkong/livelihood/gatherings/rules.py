"""The size limits in force, as data (GatheringLimit), and the decision they give a gathering: the strictest zone
in force over its place (a zone over its jurisdiction or an enclosing one, or over its compound or building) picks
the row; a sealed or controlled zone refuses whatever the row says."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from fangkong.containment.models import Zone, ZoneLevel
from fangkong.containment.models.zones import zone_levels_by_code
from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for
from fangkong.registry.models import Jurisdiction, Place

from ..models import Gathering, GatheringLimit

# Zone colours under which no gathering is held (sealed: red; controlled: yellow — 严禁聚集).
NO_GATHERING_COLOURS = ("red", "yellow")

# level code ("" outside any zone), conditions above, refused above, conditions. Sealed and controlled levels
# (and the red and yellow risk areas) refuse everything; the district edits the rest.
DEFAULT_LIMITS = [
    ("", 50, 100, "提前报备，控制规模，扫码测温，佩戴口罩"),
    ("prevention", 20, 50, "分时段举办，扫码测温，保持一米间距，全程佩戴口罩"),
    ("low", 20, 50, "分时段举办，扫码测温，保持一米间距，全程佩戴口罩"),
    ("controlled", 0, 0, ""),
    ("sealed", 0, 0, ""),
    ("medium", 0, 0, ""),
    ("high", 0, 0, ""),
]


def ensure_default_limits() -> None:
    """core.defaults: the limits above, once (the district's edits are never overwritten)."""
    if GatheringLimit.objects.exists():
        return
    GatheringLimit.objects.bulk_create(
        GatheringLimit(level_code=code, conditions_above=cond, max_size=top, conditions=text)
        for code, cond, top, text in DEFAULT_LIMITS
    )


REASON_ZONE = "zone"  # in a sealed or controlled zone: none at all
REASON_OVER = "over"  # over the size refused
REASON_CONDITIONS = "conditions"  # over the size needing conditions
REASON_WITHIN = "within"
REASON_NO_RULE = "no_rule"  # no limit set anywhere: refused, never let through unexamined


@dataclass(frozen=True)
class Decision:
    state: str
    reason_code: str
    limit: int | None
    size: int
    conditions: str
    level_code: str
    zone: Zone | None
    rule_version: int

    @property
    def state_label(self) -> str:
        return str(Gathering.State(self.state).label)

    @property
    def reason(self) -> str:
        return describe(self.reason_code, self.limit, self.size, self.level_code, self.zone.name if self.zone else "")


def level_name(code: str) -> str:
    if not code:
        return _("outside any zone")
    level = zone_levels_by_code().get(code)
    return level.label if level is not None else code


def describe(reason_code: str, limit: int | None, size: int, level_code: str, zone_name: str) -> str:
    """A decision's reason in the reader's language, from the facts it was made on."""
    where = level_name(level_code)
    if reason_code == REASON_ZONE:
        return _("The place is in %(zone)s (%(level)s): no gatherings there.") % {"zone": zone_name, "level": where}
    if reason_code == REASON_NO_RULE:
        return _("No size limit is set: ask district HQ.")
    if reason_code == REASON_OVER:
        return _("%(n)d people is over the limit of %(max)d in force (%(where)s).") % {
            "n": size,
            "max": limit or 0,
            "where": where,
        }
    if reason_code == REASON_CONDITIONS:
        return _("Over %(n)d people (%(where)s): held on the conditions in force.") % {"n": limit or 0, "where": where}
    return _("Within the limit of %(n)d people (%(where)s).") % {"n": limit or 0, "where": where}


def zone_over(jurisdiction: Jurisdiction, place: Place | None) -> Zone | None:
    """The strictest zone in force over the place: over its jurisdiction or one enclosing it, or over its
    compound or building."""
    parts = [p for p in jurisdiction.path.split("/") if p]
    paths = ["/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]
    where = Q(jurisdictions__path__in=paths)
    place_ids: list[int] = []
    while place is not None and len(place_ids) < 5:
        place_ids.append(place.pk)
        place = place.parent
    if place_ids:
        where |= Q(places__in=place_ids)
    return (
        Zone.objects.filter(where, state=Zone.State.ACTIVE)
        .select_related("level")
        .order_by("level__rank", "pk")
        .distinct()
        .first()
    )


def decide(*, jurisdiction: Jurisdiction, place: Place | None, size: int) -> Decision:
    zone = zone_over(jurisdiction, place)
    code = zone.level.code if zone is not None else ""
    rule = (
        GatheringLimit.objects.filter(level_code=code).first() or GatheringLimit.objects.filter(level_code="").first()
    )
    version = rule.version if rule is not None else 0

    def made(state: str, reason: str, limit: int | None, conditions: str = "") -> Decision:
        return Decision(state, reason, limit, size, conditions, code, zone, version)

    if zone is not None and zone.level.colour in NO_GATHERING_COLOURS:
        return made(Gathering.State.REFUSED, REASON_ZONE, 0)
    if rule is None:
        return made(Gathering.State.REFUSED, REASON_NO_RULE, None)
    if size > rule.max_size:
        return made(Gathering.State.REFUSED, REASON_OVER, rule.max_size)
    if size > rule.conditions_above:
        return made(Gathering.State.LIMITED, REASON_CONDITIONS, rule.conditions_above, rule.conditions)
    return made(Gathering.State.APPROVED, REASON_WITHIN, rule.conditions_above)


def limits_all(*, user) -> list[GatheringLimit]:
    """The limits, for whoever works livelihood somewhere (they register gatherings by them)."""
    if scope_for(user, Cap.LIVELIHOOD_WORK).empty:
        raise Forbidden(Cap.LIVELIHOOD_WORK)
    return list(GatheringLimit.objects.order_by("max_size", "level_code").reverse())


class GatheringLimitSetInput(FormInput):
    """One level's size rule."""

    level_code: str = ""
    conditions_above: int
    max_size: int
    conditions: str = ""


def limits_may_edit(*, user) -> bool:
    """District HQ keeps the limits (livelihood work over the whole district)."""
    return scope_for(user, Cap.LIVELIHOOD_WORK).district_wide


@transaction.atomic
def gathering_limit_set(
    *, actor, level_code: str, conditions_above: int, max_size: int, conditions: str = ""
) -> GatheringLimit:
    """Change (or add) one level's rule; audited with before and after. Gatherings decided already keep their
    decision; their pages show when today's rules would decide otherwise."""
    if not limits_may_edit(user=actor):
        raise Forbidden(Cap.LIVELIHOOD_WORK)
    level_code = (level_code or "").strip()
    if level_code and not ZoneLevel.objects.filter(code=level_code).exists():
        raise FieldError("level_code", _("No such zone level."), code=Code.UNKNOWN_CHOICE)
    if not 0 <= conditions_above <= 1_000_000 or not 0 <= max_size <= 1_000_000:
        raise FieldError("max_size", _("Between 0 and 1,000,000 people."), code=Code.OUT_OF_RANGE)
    if conditions_above > max_size:
        raise FieldError(
            "conditions_above", _("Conditions start at or below the size refused."), code=Code.OUT_OF_RANGE
        )
    conditions = " ".join((conditions or "").split())
    if len(conditions) > 300:
        raise FieldError("conditions", _("At most %(n)d characters.") % {"n": 300}, code=Code.TOO_LONG)
    rule = GatheringLimit.objects.select_for_update().filter(level_code=level_code).first()
    before = None
    if rule is None:
        rule = GatheringLimit(level_code=level_code, conditions_above=0, max_size=0)
    else:
        before = {"conditions_above": rule.conditions_above, "max_size": rule.max_size}
        rule.version += 1
    rule.conditions_above, rule.max_size, rule.conditions = conditions_above, max_size, conditions
    rule.updated_at, rule.updated_by = clock.now(), actor
    rule.save()
    audit_record(
        actor=actor,
        action="livelihood.gathering_limit_set",
        obj=rule,
        object_repr=level_code or "-",
        fields={"before": before, "conditions_above": conditions_above, "max_size": max_size},
    )
    return rule
