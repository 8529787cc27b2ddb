"""A checkpoint set up as a unit (registry.units): its post in screening made and kept in step with the unit — name,
location, jurisdiction and the department responsible (the unit's supervising department)."""

from __future__ import annotations

from fangkong.registry.models import Unit
from fangkong.registry.units import UnitExtension, keep_in_step

from .models import Checkpoint


def _apply(*, unit: Unit, values: dict[str, str], actor, created: bool) -> bool:
    wanted = {
        "name": unit.name,
        "location": unit.address,
        "responsible_unit_id": unit.supervising_department_id or unit.pk,
        "jurisdiction_id": unit.jurisdiction_id,
        "jpath": unit.jpath,
    }
    return keep_in_step(Checkpoint, unit, wanted)


EXTENSION = UnitExtension(kind=Unit.Kind.CHECKPOINT, columns={}, apply=_apply)
