"""The responsibility chain (责任链): for a task, a zone, a checkpoint or an enterprise, who answers at each level
— the territorial line (district, street and community secretaries and heads), the industry (the supervising
department), the unit (its principal) and the individuals who acted on it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.errors import Code, FieldError
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, scope_for
from fangkong.registry.models import Jurisdiction, Unit

from .models import Responsible, Task


class Party(TextChoices):
    """Who answers at a level of the chain: the one place their words are kept."""

    TERRITORIAL = "territorial", gettext_lazy("Territorial")
    INDUSTRY = "industry", gettext_lazy("Industry (supervising department)")
    UNIT = "unit", gettext_lazy("Unit")
    INDIVIDUAL = "individual", gettext_lazy("Individual")


class Traced(TextChoices):
    """What a chain can be traced for (the API's and the page's `kind`; "unit" is read as an enterprise)."""

    TASK = "task", gettext_lazy("Task")
    ZONE = "zone", gettext_lazy("Zone")
    CHECKPOINT = "checkpoint", gettext_lazy("Checkpoint")
    ENTERPRISE = "enterprise", gettext_lazy("Enterprise")


@dataclass
class Level:
    party: str  # Party
    where: str
    people: list[str] = field(default_factory=list)

    @property
    def party_label(self) -> str:
        return str(Party(self.party).label)


def _people(**filters) -> list[str]:
    return [
        f"{r.get_duty_display()} {r.name}{' · ' + r.post if r.post else ''}"
        for r in Responsible.objects.filter(**filters).order_by("duty", "pk")
    ]


def _territorial(path: str) -> list[Level]:
    out = []
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
    for place in Jurisdiction.objects.filter(path__in=prefixes).order_by("path"):
        if place.level == "grid":
            continue
        out.append(Level(Party.TERRITORIAL, place.name, _people(jurisdiction=place)))
    return out


def _unit_levels(unit: Unit | None) -> list[Level]:
    if unit is None:
        return []
    out = []
    if unit.supervising_department_id:
        dept = unit.supervising_department
        out.append(Level(Party.INDUSTRY, dept.name, _people(unit=dept)))  # type: ignore[union-attr]
    out.append(Level(Party.UNIT, unit.name, _people(unit=unit)))
    return out


def chain(*, user, kind: str, object_id: int) -> list[Level]:
    """The chain for one object, for staff whose jurisdiction holds it."""
    scope = scope_for(user, Cap.TASK_OVERSEE)
    individuals: list[str] = []
    unit: Unit | None = None
    if kind == "task":
        task = (
            Task.objects.select_related("unit", "jurisdiction", "acknowledged_by", "done_by")
            .filter(pk=object_id)
            .first()
        )
        if task is None:
            raise NotFound
        path, unit = task.jpath, task.unit
        individuals = [u.get_username() for u in (task.acknowledged_by, task.done_by) if u is not None]
    elif kind == "zone":
        from fangkong.containment.models import Zone

        zone = Zone.objects.select_related("requested_by", "decided_by").filter(pk=object_id).first()
        if zone is None:
            raise NotFound
        path = zone.jpath
        individuals = [u.get_username() for u in (zone.requested_by, zone.decided_by) if u is not None]
    elif kind in ("checkpoint", "enterprise", "unit"):
        unit = Unit.objects.select_related("supervising_department").filter(pk=object_id).first()
        if unit is None:
            raise NotFound
        path = unit.jpath
    else:
        raise FieldError("kind", _("A task, a zone, a checkpoint or an enterprise."), code=Code.UNKNOWN_CHOICE)
    if not scope.covers(path):
        raise NotFound
    levels = _territorial(path) + _unit_levels(unit)
    if individuals:
        levels.append(Level(Party.INDIVIDUAL, _("who acted"), list(dict.fromkeys(individuals))))
    return levels
