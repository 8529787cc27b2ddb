"""Registry endpoints: people (masked), reveal, roster import, jurisdictions and their boundaries. Thin: parse, call,
shape."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from fangkong.core.api import ErrorOut, idempotent, paginate
from fangkong.core.errors import Code, FieldError
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.core.tables import read_table_upload
from fangkong.core.uploads import text_upload

from . import errors, geo, merging, people, selectors, services
from .importing import people_import
from .models import Jurisdiction, Person

router = Router(tags=["registry"])


class Ref(Schema):
    id: int
    name: str


class PersonRef(Schema):
    """A person as other modules show them: masked."""

    id: int
    name: str
    document_number: str


def person_ref(p: Person) -> dict:
    return {"id": p.pk, "name": p.name, "document_number": p.document_masked}


class PersonItem(Schema):
    id: int
    name: str
    document_type: str
    document_number: str
    phone: str
    sex: str
    birth_date: date | None
    community: Ref | None  # empty only for non-residents passing through to outside the district
    grid: Ref | None
    ended: str = ""  # moved_away | deceased: left the register (the record kept)
    ended_on: date | None = None


class PersonDetail(PersonItem):
    address: str
    household: str | None
    unit: Ref | None
    tags: list[str]


class PeoplePage(Schema):
    items: list[PersonItem]
    count: int


def _item(p: Person) -> dict:
    grid = p.jurisdiction if p.community_id and p.jurisdiction_id != p.community_id else None
    return {
        "id": p.pk,
        "name": p.name,
        "document_type": p.doc_type,
        "document_number": p.document_masked,
        "phone": p.phone_masked,
        "sex": p.sex,
        "birth_date": p.birth_date,
        "community": {"id": p.community_id, "name": p.community.name} if p.community else None,
        "grid": {"id": grid.pk, "name": grid.name} if grid else None,
        "ended": p.ended,
        "ended_on": p.ended_on,
    }


@router.get("/people", response=PeoplePage)
def people_list(
    request,
    jurisdiction: int | None = None,
    q: str = "",
    tag: str = "",
    page: int = 1,
    page_size: int | None = None,
):
    """People in your jurisdiction, masked. `q` is a name, or an exact document or phone number."""
    qs = selectors.people_list(user=request.user, jurisdiction_id=jurisdiction, text=q, tag=tag)
    items, count = paginate(qs, page, page_size)
    return {"items": [_item(p) for p in items], "count": count}


@router.get("/people/{int:person_id}", response={200: PersonDetail, 404: ErrorOut})
def person_detail(request, person_id: int):
    """A person (masked). A duplicate merged into another record answers 404 with `merged_into`."""
    try:
        p = selectors.person_get(user=request.user, person_id=person_id)
    except selectors.Merged as merged:
        return Status(404, _merged(merged))
    return _detail(p)


def _merged(merged: selectors.Merged) -> dict:
    detail = _("This record was merged into another.")
    return {"detail": detail, "code": errors.Code.MERGED, "merged_into": merged.merged_into}


@router.patch("/people/{int:person_id}", response={200: PersonDetail, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def person_update(request, person_id: int, payload: people.PersonEditInput):
    """Correct or move a person: the fields given change (`community`, `grid`, `household` are ids; 0 clears the
    grid or the household). A move needs your power over both the old and the new place. The document number is
    not edited: a record with a wrong one is a duplicate, merged."""
    person = people.person_update(actor=request.user, person_id=person_id, data=payload)
    return _detail(selectors.person_get(user=request.user, person_id=person.pk))


@router.post("/people/{int:person_id}/end", response={200: PersonDetail, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def person_end(request, person_id: int, payload: people.PersonEndInput):
    """Moved away or deceased from `on` (today), with a reason: no longer a resident, the record kept."""
    person = people.person_end(actor=request.user, person_id=person_id, **payload.dict())
    return _detail(selectors.person_get(user=request.user, person_id=person.pk))


@router.post(
    "/people/{int:person_id}/restore", response={200: PersonDetail, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def person_restore(request, person_id: int, payload: people.PersonRestoreInput):
    """Undo a mistaken "moved away" or "deceased", with a reason."""
    person = people.person_restore(actor=request.user, person_id=person_id, reason=payload.reason)
    return _detail(selectors.person_get(user=request.user, person_id=person.pk))


class DuplicateOut(Schema):
    people: list[int]
    reason: str  # name_birth_phone | documents | old_id


class DuplicatesOut(Schema):
    items: list[DuplicateOut]
    count: int


@router.get("/people/duplicates", response={200: DuplicatesOut, 403: ErrorOut})
def people_duplicates(request):
    """Groups of records within your reach that are probably one person: the same name, birth date and phone
    (`name_birth_phone`); the same name and phone under two kinds of document, an ID card and a passport
    (`documents`); an old 15-digit ID number kept as another document beside its 18-digit form (`old_id`)."""
    found = merging.people_duplicates(user=request.user)
    return {"items": [{"people": d.people, "reason": d.reason} for d in found], "count": len(found)}


@router.post("/people/{int:person_id}/merge", response={200: PersonDetail, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def person_merge(request, person_id: int, payload: merging.PersonMergeInput):
    """Merge this record into `into` (kept), with a reason: every reference moves to the kept record, this one
    stays as a tombstone (404 with `merged_into`). Both must be within your reach; merging into oneself or into a
    merged record is refused (400), as is a pair that both hold what a person holds once (400 `conflict`)."""
    kept = merging.person_merge(actor=request.user, person_id=person_id, into=payload.into, reason=payload.reason)
    return _detail(selectors.person_get(user=request.user, person_id=kept.pk))


def _detail(p: Person) -> dict:
    household = p.household
    return {
        **_item(p),
        "address": p.address,
        "household": str(household) if household else None,
        "unit": {"id": p.unit.pk, "name": p.unit.name} if p.unit else None,
        "tags": [t.tag for t in p.tags.all()],
    }


class RegistrationPendingOut(Schema):
    state: str  # "pending"
    detail: str


@router.post(
    "/people",
    response={
        201: PersonDetail,
        202: RegistrationPendingOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
    },
)
def person_create(request, payload: services.PersonRegisterInput):
    """Register one person in a community (or grid) of your jurisdiction. Send `Idempotency-Key` so that a
    retried request does not fail on its own first success. 202 `pending`: the registration awaits confirmation
    (the number is held where you cannot see it; that jurisdiction decides) — nothing more is said about it."""

    def run():
        person = services.person_register(
            actor=request.user,
            name=payload.name,
            doc_type=payload.document_type,
            document_number=payload.document_number,
            phone=payload.phone,
            community_id=payload.community,
            grid_id=payload.grid,
            address=payload.address,
        )
        if isinstance(person, services.RegistrationPending):
            return 202, {"state": "pending", "detail": person.detail}
        return 201, _detail(selectors.person_get(user=request.user, person_id=person.pk))

    return Status(*idempotent(request, "people.create", run))


class PersonRevealOut(Schema):
    document_number: str
    phone: str


@router.post(
    "/people/{int:person_id}/reveal", response={200: PersonRevealOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def person_reveal(request, person_id: int, payload: services.PersonRevealInput):
    """The full document number and phone. Needs the reveal permission and a reason; recorded in the audit."""
    revealed = services.person_reveal(actor=request.user, person_id=person_id, **payload.dict())
    return {"document_number": revealed.document_number, "phone": revealed.phone}


class RosterRejection(Schema):
    row: int
    field: str
    message: str
    code: str = "invalid"


class RosterImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    rejected: list[RosterRejection]


@router.post("/people/import", response={200: RosterImportOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut})
def people_import_endpoint(request, file: File[UploadedFile]):
    """Import a roster (.xlsx, or .csv in UTF-8/GBK). Valid rows are written; each rejected row is listed with
    its spreadsheet row number (header = row 1) and field. Send `Idempotency-Key` to make retries safe."""
    if not has_cap(request.user, Cap.PEOPLE_IMPORT):
        raise Forbidden(Cap.PEOPLE_IMPORT)
    content = read_table_upload(file)

    def run():
        result = people_import(actor=request.user, filename=file.name or "", content=content)
        return 200, result.as_dict()

    return Status(*idempotent(request, "people.import", run))


class JurisdictionOut(Schema):
    id: int
    code: str
    name: str
    level: str
    kind: str
    parent_id: int | None
    path: str


class JurisdictionPage(Schema):
    items: list[JurisdictionOut]
    count: int


@router.get("/jurisdictions", response=JurisdictionPage)
def jurisdictions(request, level: str = "", parent: int | None = None, page: int = 1, page_size: int | None = None):
    """Jurisdictions in your scope (district → street/town → community/village → grid)."""
    qs = selectors.jurisdictions_visible(user=request.user).order_by("path")
    if level:
        if level not in Jurisdiction.Level.values:
            raise FieldError("level", f"one of {', '.join(Jurisdiction.Level.values)}", code=Code.UNKNOWN_CHOICE)
        qs = qs.filter(level=level)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    items, count = paginate(qs, page, page_size)
    return {"items": items, "count": count}


class BoundaryProblem(Schema):
    code: str  # the feature's jurisdiction code ("#3": the third feature, which has none; "*": the whole file)
    problem: str  # not_polygon | open_ring | unreadable | empty | invalid_outline | outside | no_code | gcj02
    message: str


class BoundariesImportOut(Schema):
    matched: int
    unmatched: list[str]
    invalid: list[BoundaryProblem]
    stored: bool
    crs: str


@router.post(
    "/registry/boundaries:import",
    response={200: BoundariesImportOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def boundaries_import_endpoint(request, file: File[UploadedFile]):
    """Jurisdictions' outlines from a GeoJSON FeatureCollection in WGS-84 (district HQ), each feature matched by
    its `code` property: `matched` features, `unmatched` codes (left out), `invalid` ones with the reason — one
    invalid outline, or a file that looks like GCJ-02, and nothing is stored (`stored` false). A file that cannot
    be read at all: 400, nothing stored. Send `Idempotency-Key` to make retries safe."""
    content = text_upload(file, max_bytes=geo.MAX_BYTES)

    def run():
        return 200, geo.boundaries_import(actor=request.user, content=content, filename=file.name or "").as_dict()

    return Status(*idempotent(request, "registry.boundaries_import", run))
