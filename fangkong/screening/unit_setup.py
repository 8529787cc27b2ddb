"""A checkpoint set up as a unit (registry.units): its post in screening made and kept in step with the unit — name,
location, jurisdiction and the department responsible (the unit's supervising department)."""

from __future__ import annotations

from fangkong.registry.models import Unit
from fangkong.registry.units import UnitExtension

from .models import Checkpoint


def _apply(*, unit: Unit, values: dict[str, str], actor, created: bool) -> bool:
    wanted = {
        "name": unit.name,
        "location": unit.address,
        "responsible_unit_id": unit.supervising_department_id or unit.pk,
        "jurisdiction_id": unit.jurisdiction_id,
        "jpath": unit.jpath,
    }
    checkpoint = Checkpoint.objects.filter(unit=unit).first()
    if checkpoint is None:
        Checkpoint.objects.create(unit=unit, **wanted)
        return True
    changed = [k for k, v in wanted.items() if getattr(checkpoint, k) != v]
    for k in changed:
        setattr(checkpoint, k, wanted[k])
    if changed:
        checkpoint.save(update_fields=changed)
    return bool(changed)


EXTENSION = UnitExtension(kind=Unit.Kind.CHECKPOINT, columns={}, apply=_apply)
