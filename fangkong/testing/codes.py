"""Personal pre-registration codes: created on first request, read through the register's scoping."""

from __future__ import annotations

import io

from django.db import IntegrityError, transaction

from fangkong.core.audit import audit_record
from fangkong.core.bulk import insert_many
from fangkong.registry.models import Person
from fangkong.registry.selectors import jurisdiction_get, people_list, person_get

from .models import PersonCode

PRINT_LIMIT = 500  # one sheet run; a grid has a few hundred residents


def person_code(*, actor, person_id: int) -> str:
    """The person's code (404 outside the actor's scope). Printing codes is how grid workers get them out."""
    person = person_get(user=actor, person_id=person_id)
    existing = PersonCode.objects.filter(person=person).values_list("code", flat=True).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            code = PersonCode.objects.create(person=person).code
    except IntegrityError:  # created concurrently (or a once-in-a-lifetime random clash): read it
        return PersonCode.objects.get(person=person).code
    audit_record(actor=actor, action="testing.person_code", obj=person, fields={"created": True})
    return code


def qr_svg(code: str) -> str:
    """The code as an SVG QR image (no raster library needed; it prints sharp at any size)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(code, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode().split("?>", 1)[-1].strip()  # inline: no XML declaration


def codes_for_print(*, actor, jurisdiction_id: int) -> list[tuple[Person, str]]:
    """Residents of a grid or community with their codes (created where missing), for a printed sheet the grid
    worker hands out. Audited: a sheet of codes is a list of people."""
    place = jurisdiction_get(user=actor, jurisdiction_id=jurisdiction_id)
    people = list(people_list(user=actor, jurisdiction_id=jurisdiction_id).filter(is_resident=True)[:PRINT_LIMIT])
    codes = dict(PersonCode.objects.filter(person__in=people).values_list("person_id", "code"))
    missing = [PersonCode(person=p) for p in people if p.pk not in codes]
    if missing:
        with transaction.atomic():
            insert_many(missing)
        codes.update({c.person_id: c.code for c in missing})
    audit_record(
        actor=actor, action="testing.codes_print", obj=place, fields={"people": len(people), "created": len(missing)}
    )
    return [(p, codes[p.pk]) for p in people]
