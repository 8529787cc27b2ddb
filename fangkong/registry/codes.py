"""Personal and household codes: created on first request, read through the register's scoping. Testing samples
by them, venues and status scanners read them, residents show theirs: an identity, below every domain."""

from __future__ import annotations

import io

from django.db import IntegrityError, transaction

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.bulk import insert_many, write_rows
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for

from .models import HouseholdCode, Person, PersonCode, Place, new_person_codes
from .selectors import jurisdiction_get, people_list, person_get

PRINT_LIMIT = 500  # one sheet run; a grid has a few hundred residents


def code_of(person: Person) -> str:
    """The person's own code (created if missing), for the person themselves signed in to the portal."""
    existing = PersonCode.objects.filter(person=person).values_list("code", flat=True).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return PersonCode.objects.create(person=person).code
    except IntegrityError:
        return PersonCode.objects.get(person=person).code


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


class PersonCodesIssueInput(FormInput):
    """Where to issue codes: the API's body; the jurisdiction's page holds it in its address."""

    jurisdiction_id: int


def person_codes_issue(*, actor, jurisdiction_id: int) -> int:
    """Codes for every resident of a jurisdiction who has none yet (before a round, so that sites scan codes
    rather than type ID numbers; residents then see theirs in the portal). Set-based: a district's 1.4 million
    take seconds. Returns how many were created; audited."""
    place = jurisdiction_get(user=actor, jurisdiction_id=jurisdiction_id)
    # Seeing a jurisdiction is not the power to write its people's records: issuing codes is editing the register.
    if not scope_for(actor, Cap.PEOPLE_EDIT).covers(place.path):
        raise Forbidden(Cap.PEOPLE_EDIT)
    people = (
        people_list(user=actor, jurisdiction_id=jurisdiction_id)
        .filter(is_resident=True, testing_code__isnull=True)
        .order_by()
    )
    for attempt in range(3):
        ids = list(people.values_list("pk", flat=True))
        try:
            with transaction.atomic():
                now = clock.now()
                created = write_rows(
                    PersonCode._meta.db_table,
                    ["person_id", "code", "created_at"],
                    zip(ids, new_person_codes(len(ids)), [now] * len(ids), strict=True),
                )
                audit_record(actor=actor, action="testing.codes_issue", obj=place, fields={"created": created})
                return created
        except IntegrityError:
            # Two random codes alike (55 bits: once in tens of thousands of district runs) or a code created
            # meanwhile for one of these people: read again and draw new codes.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def household_codes_for_print(*, actor, jurisdiction_id: int) -> list[tuple[Place, str, list[Person]]]:
    """The households of a grid or community with their codes (created where missing) and resident members, for
    the household sheet (one card per door). Audited with the personal sheet's rules."""
    place = jurisdiction_get(user=actor, jurisdiction_id=jurisdiction_id)
    members: dict[int, list[Person]] = {}
    for person in people_list(user=actor, jurisdiction_id=jurisdiction_id).filter(
        is_resident=True, household__isnull=False
    )[: PRINT_LIMIT * 3]:
        if person.household_id is not None:
            members.setdefault(person.household_id, []).append(person)
    households = list(
        Place.objects.filter(pk__in=list(members)[:PRINT_LIMIT]).select_related("parent__parent").order_by("pk")
    )
    codes = dict(HouseholdCode.objects.filter(household__in=households).values_list("household_id", "code"))
    missing = [HouseholdCode(household=h) for h in households if h.pk not in codes]
    if missing:
        with transaction.atomic():
            insert_many(missing)
        codes.update({c.household_id: c.code for c in missing})
    audit_record(
        actor=actor,
        action="testing.household_codes_print",
        obj=place,
        fields={"households": len(households), "created": len(missing)},
    )
    return [(h, codes[h.pk], members[h.pk]) for h in households]


def household_by_code(code: str) -> tuple[Place, list[Person]] | None:
    """The household a code belongs to and its residents, for the site page (the family shows the code; the
    sampler sees masked names only)."""
    row = HouseholdCode.objects.filter(code="".join((code or "").split()).upper()).select_related("household").first()
    if row is None:
        return None
    members = list(Person.objects.filter(household=row.household, is_resident=True).order_by("birth_date", "pk"))
    return row.household, members


def is_household_code(text: str) -> bool:
    text = "".join((text or "").split()).upper()
    return len(text) == 12 and text.startswith("H")


def is_person_code(text: str) -> bool:
    text = "".join((text or "").split()).upper()
    return len(text) == 12 and text.startswith("P")
