"""Checklists as data, and inspections walked item by item and signed."""

from __future__ import annotations

from ninja import File, Form, Schema, Status
from ninja.files import UploadedFile

from .. import inspections
from . import ERRORS, router


class ChecklistOut(Schema):
    id: int
    code: str
    name: str
    version: int
    items: int
    audience: str  # enterprise | supervision (governments and departments: never at an enterprise)
    industries: list[str]  # the industries it fits; with `risks` empty too: every enterprise
    risks: list[str]  # the special risks that make it fit
    # Its code's built-in checklist says something other than what this version was written from or, for the
    # district's own version, what it said when the district made it: a correction the district has not taken up
    # (a version nobody changed is brought up to date at the next migrate).
    builtin_newer: bool


def _checklist(c, items: int, digests: dict[str, str]) -> dict:
    from ..checklists import builtin_newer

    return {
        "id": c.pk,
        "code": c.code,
        "name": c.name,
        "version": c.version,
        "items": items,
        "audience": c.audience,
        "industries": c.industries,
        "risks": c.risks,
        "builtin_newer": builtin_newer(c, digests),
    }


@router.get("/safety/checklists", response={200: list[ChecklistOut], **ERRORS})
def checklist_list(request):
    """Checklists with their versions, whom each is for and what it fits (the State Council's 15 measures and the
    enterprise checklists by industry and risk are built in)."""
    from django.db.models import Count

    from ..checklists import builtin_digests
    from ..models import Checklist

    digests = builtin_digests()
    rows = Checklist.objects.annotate(n=Count("items")).order_by("code", "-version")
    return [_checklist(c, c.n, digests) for c in rows]


@router.post("/safety/checklists/{code}:import", response={201: ChecklistOut, **ERRORS})
def checklist_import(
    request,
    code: str,
    name: Form[str] = "",
    audience: Form[str] = "",
    file: File[UploadedFile] = None,  # type: ignore[assignment]
):
    """A new version of a checklist from .xlsx/.csv (code, text, category, severity); duplicate codes refused.
    `audience` (enterprise | supervision) and repeated `industries` and `risks` fields say what it is for; each left
    out is the previous version's, and `industries` or `risks` sent empty (`industries=`) clears it."""
    from fangkong.core.tables import read_table_upload

    from ..checklists import builtin_digests, posted_list
    from ..checklists import checklist_import as run

    content = read_table_upload(file)  # "required" when no file came
    c = run(
        actor=request.user,
        code=code,
        name=name,
        filename=file.name or "",
        content=content,
        audience=audience,
        industries=posted_list(request.POST, "industries"),
        risks=posted_list(request.POST, "risks"),
    )
    return Status(201, _checklist(c, c.items.count(), builtin_digests()))


# ---------------------------------------------------------------- inspections


class InspectionOut(Schema):
    id: int
    enterprise_id: int
    checklist_id: int
    items: int
    recorded: int
    signed: bool
    signature: str | None  # the drawn signature's image
    hazards: list[int]


def _inspection(i) -> dict:
    results = list(i.results.all())
    return {
        "id": i.pk,
        "enterprise_id": i.enterprise_id,
        "checklist_id": i.checklist_id,
        "items": i.checklist.items.count(),
        "recorded": len(results),
        "signed": i.signed_at is not None,
        "signature": i.signature.url if i.signature else None,
        "hazards": [r.hazard_id for r in results if r.hazard_id],
    }


@router.post("/safety/inspections", response={201: InspectionOut, **ERRORS})
def inspection_create(request, payload: inspections.InspectionStartInput):
    return Status(201, _inspection(inspections.inspection_start(actor=request.user, **payload.dict())))


@router.post("/safety/inspections/{int:inspection_id}/results", response={200: InspectionOut, **ERRORS})
def inspection_result(request, inspection_id: int, item_id: Form[int], passed: Form[bool], note: Form[str] = ""):
    """One checklist item: passed or not (with a note, and a `photo` file if taken). Multipart form."""
    inspections.inspection_record(
        actor=request.user,
        inspection_id=inspection_id,
        item_id=item_id,
        passed=passed,
        note=note,
        photo=request.FILES.get("photo"),
    )
    from ..models import Inspection

    return _inspection(Inspection.objects.get(pk=inspection_id))


@router.post("/safety/inspections/{int:inspection_id}/sign", response={200: InspectionOut, **ERRORS})
def inspection_sign(request, inspection_id: int):
    """Signed by the inspector who walked it (403 for anyone else), with the drawn signature as a `signature`
    PNG file (multipart); each failed item becomes a hazard."""
    png = inspections.read_upload(request.FILES.get("signature"))
    return _inspection(inspections.inspection_sign(actor=request.user, inspection_id=inspection_id, signature=png))
