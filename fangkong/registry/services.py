"""Writes to the registry. Each checks the actor's capability within scope and writes an audit event."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import pii
from fangkong.core.audit import audit_record, stated_reason
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.ids import (
    DocType,
    InvalidDocument,
    clean_document,
    clean_phone,
    parse_doc_type,
    resident_id_facts,
)
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for

from .counts import residents_add
from .models import Jurisdiction, Person, Place
from .selectors import jurisdiction_get, kept, person_get

MIN_REASON_LENGTH = 4


@dataclass
class PersonData:
    """Clean, validated person fields (what a form, an API body or a roster row turns into)."""

    name: str
    doc_type: str
    document_number: str
    phone: str
    community: Jurisdiction
    grid: Jurisdiction | None = None
    address: str = ""
    tags: list[str] = field(default_factory=list)
    household: Place | None = None  # where they live, when the row or form names it

    @property
    def jurisdiction(self) -> Jurisdiction:
        return self.grid or self.community


def person_data_clean(
    *,
    name: str,
    doc_type: str,
    document_number: str,
    phone: str,
    community: Jurisdiction,
    grid: Jurisdiction | None = None,
    address: str = "",
) -> PersonData:
    """Normalise and validate; raises FieldError naming the field. `doc_type` may be a code or a Chinese name."""
    try:
        doc_type = parse_doc_type(doc_type)
    except InvalidDocument as exc:
        raise FieldError("document_type", str(exc), code=exc.code) from exc
    name = " ".join((name or "").split())
    if not name:
        raise FieldError("name", _("The name is required."), code=Code.REQUIRED)
    if len(name) > 64:
        raise FieldError("name", _("The name is longer than 64 characters."), code=Code.TOO_LONG)
    try:
        number = clean_document(doc_type, document_number)
    except InvalidDocument as exc:
        raise FieldError("document_number", str(exc), code=exc.code) from exc
    try:
        phone_clean = clean_phone(phone) if (phone or "").strip() else ""
    except InvalidDocument as exc:
        raise FieldError("phone", str(exc), code=exc.code) from exc
    if grid is not None and grid.parent_id != community.pk:
        # Not one of the community's grids (the choices a form offers once the community is chosen).
        raise FieldError("grid", _("The grid does not belong to the community."), code=Code.UNKNOWN_CHOICE)
    return PersonData(name, doc_type, number, phone_clean, community, grid, (address or "").strip()[:200])


def person_fields(data: PersonData) -> dict:
    """Model field values for `data` (encrypting what must be encrypted)."""
    values: dict[str, Any] = {
        "name": data.name,
        "doc_type": data.doc_type,
        "doc_cipher": pii.encrypt(data.document_number),
        "doc_hash": pii.lookup_hash(data.document_number),
        "phone_cipher": pii.encrypt(data.phone) if data.phone else None,
        "phone_hash": pii.lookup_hash(data.phone) if data.phone else "",
        "community_id": data.community.pk,
        "jurisdiction_id": data.jurisdiction.pk,
        "jpath": data.jurisdiction.path,
        "address": data.address,
        "household_id": data.household.pk if data.household else None,
        "sex": "",
        "birth_date": None,
    }
    if data.doc_type == DocType.RESIDENT_ID:
        facts = resident_id_facts(data.document_number)
        values["sex"], values["birth_date"] = facts.sex, facts.birth_date
    return values


def audit_fields(data: PersonData) -> dict:
    """What the trail may say about a person's fields: masked values only."""
    return {
        "name": data.name,
        "doc_type": data.doc_type,
        "document_number": pii.mask_document(data.document_number),
        "phone": pii.mask_phone(data.phone),
        "jurisdiction": data.jurisdiction.code,
        "address": "…" if data.address else "",
    }


def _require(actor, cap: str, path: str) -> None:
    if not scope_for(actor, cap).covers(path):
        raise Forbidden(cap)


@dataclass(frozen=True)
class RegistrationPending:
    """A registration handed to the jurisdiction that holds the number (see `person_create`)."""

    detail: str


TRANSFER_REQUEST = "person.transfer_request"  # the audit action the holding jurisdiction lists


def transfer_request_event(*, actor, person: Person, data: PersonData):
    """The request, as an (unsaved) audit event on the person, in the holder's jurisdiction: who asked, for which
    community, with the name they gave masked. The holder's staff list these (selectors.transfer_requests)."""
    from fangkong.core.audit import audit_event

    return audit_event(
        actor=actor,
        action=TRANSFER_REQUEST,
        obj=person,
        object_repr=f"{data.name[:1]}*",
        fields={
            "to": data.jurisdiction.code,
            "to_path": data.jurisdiction.path,
            "to_name": data.jurisdiction.name,
            "name_given": f"{data.name[:1]}*",
        },
    )


def pending_detail() -> str:
    return _(
        "Recorded for confirmation: the person appears in your register once the registration is confirmed. "
        "Nothing more to do for now."
    )


@transaction.atomic
def person_create(*, actor, data: PersonData) -> Person | RegistrationPending:
    """Register a person — or, when the number is already registered outside the actor's jurisdiction, hand the
    registration to the jurisdiction that holds it as a request and answer "recorded for confirmation".

    The register is one for the district, so a number can be registered once; refusing with "registered
    elsewhere" told anyone with an editing role that a number is in the register (and, before, where). The
    request says nothing of where, whose or what name; the holder sees who asked and decides (moves the person,
    or not). A number already in the actor's own jurisdiction is refused as a duplicate: they can see it."""
    _require(actor, Cap.PEOPLE_EDIT, data.jurisdiction.path)
    doc_hash = pii.lookup_hash(data.document_number)
    existing = kept(Person.objects.filter(doc_type=data.doc_type, doc_hash=doc_hash).first())
    if existing is not None:
        if scope_for(actor, Cap.PEOPLE_VIEW).covers(existing.jpath):
            raise FieldError(
                "document_number", _("A person with this document number is already registered."), code=Code.DUPLICATE
            )
        from fangkong.core.bulk import insert_one

        insert_one(transfer_request_event(actor=actor, person=existing, data=data))
        return RegistrationPending(pending_detail())
    person = Person.objects.create(**person_fields(data))
    residents_add({person.jpath: 1})  # a registered person is a resident (the hall's counts: registry.counts)
    audit_record(actor=actor, action="person.create", obj=person, fields=audit_fields(data))
    return person


class PersonRegisterInput(FormInput):
    """One person registered: the API's body (`community` and `grid` are jurisdiction ids; the document type a
    code, a Chinese name or an English label)."""

    name: str
    document_type: str = "resident_id"
    document_number: str
    phone: str = ""
    community: int
    grid: int | None = None
    address: str = ""


def person_register(
    *,
    actor,
    name: str,
    doc_type: str,
    document_number: str,
    phone: str,
    community_id: int,
    grid_id: int | None = None,
    address: str = "",
) -> Person | RegistrationPending:
    """Validate raw input (naming the bad field) and create the person (or hand the registration over, see
    `person_create`); jurisdictions outside scope are 404."""
    community = jurisdiction_get(user=actor, jurisdiction_id=community_id)
    if community.level != Jurisdiction.Level.COMMUNITY:
        raise FieldError("community", _("Choose a community or village."), code=Code.UNKNOWN_CHOICE)
    grid = jurisdiction_get(user=actor, jurisdiction_id=grid_id) if grid_id is not None else None
    data = person_data_clean(
        name=name,
        doc_type=doc_type,
        document_number=document_number,
        phone=phone,
        community=community,
        grid=grid,
        address=address,
    )
    return person_create(actor=actor, data=data)


class PersonRevealInput(FormInput):
    """Why the full numbers are needed: the API's body and the person page's form (the rule on what makes a
    reason is `core.audit.stated_reason`'s, in the service)."""

    reason: str


@dataclass(frozen=True)
class Revealed:
    document_number: str
    phone: str


@transaction.atomic
def person_reveal(*, actor, person_id: int, reason: str) -> Revealed:
    """Clear document number and phone, for a stated reason, into the audit trail first."""
    person = person_get(user=actor, person_id=person_id)  # 404 outside scope
    _require(actor, Cap.PEOPLE_REVEAL, person.jpath)
    reason = stated_reason(
        reason, message=_("Say why you need the full numbers (at least %(n)d characters).") % {"n": MIN_REASON_LENGTH}
    )
    audit_record(
        actor=actor,
        action="person.reveal",
        obj=person,
        fields={"revealed": ["document_number", "phone"]},
        reason=reason[:500],
    )
    return Revealed(pii.decrypt(person.doc_cipher), pii.decrypt(person.phone_cipher))


def person_record_visitor(
    *, name: str, doc_type: str, number: str, phone: str, place: Jurisdiction, community: Jurisdiction | None
) -> Person:
    """Someone met in the field (at a checkpoint, at a clinic) who is not in the register yet: a non-resident
    record where they were met. `number` and `phone` are already clean. No capability check: the calling
    service has made its own."""
    from fangkong.core.ids import resident_id_facts

    name = " ".join((name or "").split())[:64]
    if not name:
        raise FieldError("name", _("This person is not in the register: give their name."), code=Code.REQUIRED)
    facts = resident_id_facts(number) if doc_type == "resident_id" else None
    return Person.objects.create(
        name=name,
        doc_type=doc_type,
        doc_cipher=pii.encrypt(number),
        doc_hash=pii.lookup_hash(number),
        phone_cipher=pii.encrypt(phone) if phone else None,
        phone_hash=pii.lookup_hash(phone) if phone else "",
        sex=facts.sex if facts else "",
        birth_date=facts.birth_date if facts else None,
        community=community,
        jurisdiction=place,
        jpath=place.path,
        is_resident=False,
    )
