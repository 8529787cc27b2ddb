"""Personal pre-registration codes: created on first request, read through the register's scoping."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from fangkong.core.audit import audit_record
from fangkong.registry.selectors import person_get

from .models import PersonCode


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
