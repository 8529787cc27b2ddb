"""Inspections: plans assign enterprises to inspectors; an inspector walks a checklist for enterprises at the
enterprise (item by item, with notes and photos; a section found clean in one go) and signs — only the inspector
themself can sign — and each failed item becomes a hazard of the enterprise, its grade the item's severity."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.core import clock, uploads
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap

from .checklists import enterprise_checklist
from .hazards import hazard_create
from .models import ChecklistItem, Inspection, InspectionPlan, InspectionResult, PlanAssignment
from .selectors import enterprises_visible

DEADLINE_DAYS = {"general": 7, "major": 30}


class InspectionStartInput(FormInput):
    """An inspection begun, from the API's body or the new-inspection page's form: an enterprise, a checklist, and
    the plan it belongs to if any."""

    enterprise_id: int
    checklist_id: int
    plan_id: int | None = None


@transaction.atomic
def plan_create(
    *, actor, name: str, starts_on: date, ends_on: date, checklist_id: int, assignments: list[tuple[int, int]]
) -> InspectionPlan:
    """A campaign: (enterprise, inspector) pairs within the planner's reach."""
    if not has_cap(actor, Cap.SAFETY_REGULATE):
        raise Forbidden(Cap.SAFETY_REGULATE)
    if ends_on < starts_on:
        raise FieldError("ends_on", _("The end comes after the start."), code=Code.END_BEFORE_START)
    checklist = enterprise_checklist(checklist_id)
    plan = InspectionPlan.objects.create(
        name=(name or "").strip()[:100] or checklist.name,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
        checklist=checklist,
    )
    visible = set(enterprises_visible(user=actor).values_list("pk", flat=True))
    for row, (enterprise_id, inspector_id) in enumerate(assignments):
        if enterprise_id not in visible:
            raise FieldError(
                "assignments", _("Unknown enterprise, or outside your reach."), row=row, code=Code.NOT_FOUND
            )
        try:
            with transaction.atomic():
                PlanAssignment.objects.create(plan=plan, enterprise_id=enterprise_id, inspector_id=inspector_id)
        except IntegrityError as exc:
            raise FieldError(
                "assignments", _("This enterprise is listed twice."), row=row, code=Code.DUPLICATE
            ) from exc
    audit_record(actor=actor, action="safety.plan", obj=plan, fields={"enterprises": len(assignments)})
    return plan


def can_start_inspection(user) -> bool:
    """Who inspects enterprises: regulators and inspectors (inspection_start's check; the pages offer the start to
    them alone)."""
    return has_cap(user, Cap.SAFETY_REGULATE)


@transaction.atomic
def inspection_start(*, actor, enterprise_id: int, checklist_id: int, plan_id: int | None = None) -> Inspection:
    """An inspection at an enterprise, against a checklist for enterprises (any of them: the page offers those that
    fit the enterprise first, checklists.checklists_for) — never one for supervising governments and departments."""
    if not can_start_inspection(actor):
        raise Forbidden(Cap.SAFETY_REGULATE)
    enterprise = enterprises_visible(user=actor).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise NotFound
    checklist = enterprise_checklist(checklist_id)
    if (
        plan_id is not None
        and not PlanAssignment.objects.filter(plan_id=plan_id, enterprise=enterprise, inspector=actor).exists()
    ):
        raise FieldError("plan_id", _("This enterprise is not yours in that plan."), code=Code.NOT_FOUND)
    inspection = Inspection.objects.create(
        enterprise=enterprise, checklist=checklist, plan_id=plan_id, inspector=actor, jpath=enterprise.jpath
    )
    audit_record(actor=actor, action="safety.inspection_start", obj=inspection)
    return inspection


def inspection_visible(*, user, inspection_id: int) -> Inspection:
    """An inspection of an enterprise in the user's reach, with what its page shows (NotFound otherwise)."""
    inspection = (
        Inspection.objects.select_related("enterprise", "checklist", "inspector")
        .filter(pk=inspection_id, enterprise__in=enterprises_visible(user=user))
        .first()
    )
    if inspection is None:
        raise NotFound
    return inspection


def inspection_get(*, user, inspection_id: int, for_update: bool = False) -> Inspection:
    """The one access path to an inspection: of an enterprise the user sees (404 otherwise); `for_update` locks
    its row (of self)."""
    qs = Inspection.objects.select_related("enterprise").filter(enterprise__in=enterprises_visible(user=user))
    inspection = (qs.select_for_update(of=("self",)) if for_update else qs).filter(pk=inspection_id).first()
    if inspection is None:
        raise NotFound
    return inspection


def inspections_of(*, user, enterprise_id: int, limit: int = 20) -> list[Inspection]:
    """The latest inspections of an enterprise the user sees (its page lists them: one still being walked is found
    again there)."""
    return list(
        Inspection.objects.select_related("checklist", "inspector")
        .filter(enterprise_id=enterprise_id, enterprise__in=enterprises_visible(user=user))
        .order_by("-started_at", "-pk")[:limit]
    )


def record_check(user, inspection: Inspection) -> None:
    """Who records results and signs: the inspector who walks it, until it is signed (refused as the services
    refuse; the walk page offers its controls to that inspector alone)."""
    if inspection.inspector_id != user.pk:
        raise Forbidden(_("Only the inspector who walks an inspection records and signs it."))
    if inspection.signed_at is not None:
        raise FieldError("state", _("This inspection is signed."), code=Code.WRONG_STATE)


def can_record_inspection(user, inspection: Inspection) -> bool:
    try:
        record_check(user, inspection)
    except (Forbidden, FieldError):
        return False
    return True


def _mine(actor, inspection_id: int) -> Inspection:
    inspection = inspection_get(user=actor, inspection_id=inspection_id, for_update=True)
    record_check(actor, inspection)
    return inspection


@transaction.atomic
def inspection_record(
    *, actor, inspection_id: int, item_id: int, passed: bool, note: str = "", photo=None
) -> InspectionResult:
    inspection = _mine(actor, inspection_id)
    item = ChecklistItem.objects.filter(pk=item_id, checklist_id=inspection.checklist_id).first()
    if item is None:
        raise FieldError("item_id", _("This item is not on the inspection's checklist."), code=Code.NOT_FOUND)
    if not passed and not (note or "").strip():
        raise FieldError("note", _("Say what is wrong."), code=Code.REQUIRED)
    # The photo checked first (a JPEG, PNG or WebP image by its content, core.uploads): a refused one records
    # nothing of the item.
    image = uploads.stored_upload(photo, field="photo", kinds={"image"}) if photo is not None else None
    result, _created = InspectionResult.objects.update_or_create(
        inspection=inspection, item=item, defaults={"passed": passed, "note": (note or "").strip()[:300]}
    )
    if image is not None:
        result.photo = image
        result.save(update_fields=["photo"])
    return result


def sections_of(items) -> list[tuple[str, list]]:
    """A checklist's items by section (their category) in the order they come: what the walk shows and what a
    section passed at once covers."""
    sections: dict[str, list] = {}
    for item in items:
        sections.setdefault(item.category, []).append(item)
    return list(sections.items())


@transaction.atomic
def inspection_pass_section(*, actor, inspection_id: int, section: str) -> int:
    """A clean section in one tap: each of its items without a result passes (one found failing stays failed — a
    recorded failure is never overwritten). Returns how many were recorded."""
    inspection = _mine(actor, inspection_id)
    items = list(inspection.checklist.items.filter(category=section))
    if not items:
        raise FieldError("section", _("This section is not on the inspection's checklist."), code=Code.NOT_FOUND)
    done = set(inspection.results.filter(item__in=items).values_list("item_id", flat=True))
    InspectionResult.objects.bulk_create(
        InspectionResult(inspection=inspection, item=item, passed=True) for item in items if item.pk not in done
    )
    return len(items) - len(done)


SIGNATURE_MAX_BYTES = 300_000


def data_url_png(value: str) -> bytes | None:
    """The pad's "data:image/png;base64,…" as bytes (None when the pad was left empty)."""
    import base64
    import binascii

    prefix = "data:image/png;base64,"
    if not value:
        return None
    if not value.startswith(prefix):
        raise FieldError("signature", _("The signature is a PNG image of at most 300 kB."), code=Code.UNSUPPORTED_TYPE)
    if len(value) > SIGNATURE_MAX_BYTES * 4 // 3 + 100:
        raise FieldError("signature", _("The signature is a PNG image of at most 300 kB."), code=Code.TOO_LARGE)
    try:
        return base64.b64decode(value[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise FieldError(
            "signature", _("The signature is a PNG image of at most 300 kB."), code=Code.UNREADABLE
        ) from exc


def read_upload(upload) -> bytes | None:
    """An uploaded signature's bytes, refused past the limit ("too_large") without reading further."""
    if upload is None:
        return None
    return uploads.read_upload(upload, max_bytes=SIGNATURE_MAX_BYTES, field="signature")


def _signature_png(data: bytes | None) -> bytes:
    """The drawn signature: a PNG of sensible size with ink on it (a blank pad is not a signature)."""
    from io import BytesIO

    from PIL import Image, ImageChops, UnidentifiedImageError

    if not data:
        raise FieldError("signature", _("Sign on the pad before signing the inspection."), code=Code.REQUIRED)
    if len(data) > SIGNATURE_MAX_BYTES:
        raise FieldError("signature", _("The signature is a PNG image of at most 300 kB."), code=Code.TOO_LARGE)
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise FieldError("signature", _("The signature is a PNG image of at most 300 kB."), code=Code.UNSUPPORTED_TYPE)
    try:
        with Image.open(BytesIO(data), formats=["PNG"]) as img:
            # The size from the header, before anything is decoded: a few kB of PNG can claim gigapixels.
            if not (50 <= img.width <= 2000 and 30 <= img.height <= 1000):
                raise FieldError("signature", _("The signature image has an odd size."), code=Code.INVALID)
            # Every chunk and its checksum, to the end: decoding alone would let a truncated file through once
            # WeasyPrint (the PDF exports) has set Pillow's process-wide LOAD_TRUNCATED_IMAGES.
            img.verify()
        with Image.open(BytesIO(data), formats=["PNG"]) as img:
            rgba = img.convert("RGBA")
            # Ink: opaque pixels darker than paper (a transparent or white pad has none), counted by Pillow.
            opaque = rgba.getchannel("A").point(lambda a: 255 if a > 128 else 0)
            dark = rgba.convert("L").point(lambda g: 255 if g < 160 else 0)
            ink = ImageChops.multiply(opaque, dark).histogram()[255]
    except FieldError:
        raise
    except Image.DecompressionBombError as exc:
        raise FieldError("signature", _("The signature image has an odd size."), code=Code.TOO_LARGE) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise FieldError(
            "signature", _("The signature is a PNG image of at most 300 kB."), code=Code.UNREADABLE
        ) from exc
    if ink < 30:
        raise FieldError("signature", _("Sign on the pad before signing the inspection."), code=Code.REQUIRED)
    return data


@transaction.atomic
def inspection_sign(
    *, actor, inspection_id: int, signature: bytes | None = None, at: datetime | None = None
) -> Inspection:
    """The inspector signs — the signing is theirs alone, the drawn signature its visible form — and every failed
    item becomes a hazard (a major one for a major item). `at`: when it was signed on a phone that kept the walk
    offline (by the server's clock: core.outbox); the hazards' deadlines run from then."""
    from django.core.files.base import ContentFile

    inspection = _mine(actor, inspection_id)
    png = _signature_png(signature)
    results = list(inspection.results.select_related("item"))
    if len(results) < inspection.checklist.items.count():
        raise FieldError("results", _("Every item of the checklist needs a result before signing."), code=Code.REQUIRED)
    now = clock.now()
    if at is not None:
        if at > now + timedelta(minutes=5):
            raise FieldError("at", _("The time is in the future; check the device's clock."), code=Code.IN_FUTURE)
        if at < inspection.started_at:
            raise FieldError("at", _("The signing's time is before the inspection began."), code=Code.OUT_OF_RANGE)
        now = at
    for r in results:
        if not r.passed:
            grade = r.item.severity
            r.hazard = hazard_create(
                actor=actor,
                enterprise_id=inspection.enterprise_id,
                grade=grade,
                description=f"[{inspection.checklist.name} {r.item.code}] {r.item.text}: {r.note}",
                deadline=now + timedelta(days=DEADLINE_DAYS[grade]),
                source="inspection",
            )
            r.save(update_fields=["hazard"])
    inspection.signed_at = now
    inspection.signature.save(f"inspection-{inspection.pk}.png", ContentFile(png), save=False)
    inspection.save(update_fields=["signed_at", "signature"])
    audit_record(
        actor=actor,
        action="safety.inspection_sign",
        obj=inspection,
        fields={"failed": sum(1 for r in results if not r.passed)},
    )
    return inspection
