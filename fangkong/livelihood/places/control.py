"""Key places and venue control. Whoever works livelihood over a venue's area registers it as a key place (its
kind, operator and supervising department) and inspects it; the supervising department's inspectors see and
inspect theirs. An inspection walks the district's checklist on a phone — every item passed or failed, a failure
said in words — and each failed item becomes a rectification due in the item's days. Places failing again and
again stand out on the list. The supervising department (or HQ) orders a place closed or limited to a capacity,
with the reason; the venue-code poster says so."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, one_in_reach, scope_for, unit_ids_for
from fangkong.registry.models import Unit

from ..models import KeyPlace, PlaceCheckItem, PlaceInspection, PlaceRectification

# code, text, English, days to rectify: the checklist of 2022's venue control, for the district to edit.
DEFAULT_ITEMS = [
    ("scan", "入口张贴场所码，逐人扫码、查验健康码", "Venue code at the entrance; every visitor scanned", 1),
    ("temperature", "入口测温，发热人员不得进入", "Temperature checked at the entrance; no one with fever", 1),
    ("ventilation", "定时通风、消毒并记录", "Ventilation and disinfection on schedule, recorded", 3),
    ("distance", "设置一米线，控制人员密度", "One-metre lines; crowding kept down", 3),
    ("masks", "工作人员和顾客规范佩戴口罩", "Staff and customers wear masks properly", 1),
]
REPEATED = 2  # failed inspections within WINDOW that mark a place for its supervising department
WINDOW = timedelta(days=30)


def ensure_default_items() -> None:
    """core.defaults: the checklist above, once (the district's edits are never overwritten)."""
    if PlaceCheckItem.objects.exists():
        return
    PlaceCheckItem.objects.bulk_create(
        PlaceCheckItem(code=c, text=t, text_en=en, order=n, days_to_fix=d)
        for n, (c, t, en, d) in enumerate(DEFAULT_ITEMS, start=1)
    )


def checklist() -> list[PlaceCheckItem]:
    return list(PlaceCheckItem.objects.filter(active=True))


def places_visible(*, user) -> QuerySet[KeyPlace]:
    """Key places of the area the user works, and those their department supervises."""
    where = Q(supervisor_id__in=unit_ids_for(user, Cap.PLACE_INSPECT))
    scope = scope_for(user, Cap.LIVELIHOOD_WORK)
    if not scope.empty:
        where |= scope.q("jpath")
    return KeyPlace.objects.filter(where).select_related("venue", "supervisor")


def place_get(*, user, place_id: int, for_update: bool = False) -> KeyPlace:
    if scope_for(user, Cap.LIVELIHOOD_WORK).empty and not unit_ids_for(user, Cap.PLACE_INSPECT):
        raise Forbidden(Cap.PLACE_INSPECT)
    return one_in_reach(places_visible(user=user), place_id, for_update=for_update)


def venues_to_register(*, user) -> QuerySet[Unit]:
    """Venues in the user's area not yet key places (what the register form offers)."""
    scope = scope_for(user, Cap.LIVELIHOOD_WORK)
    if scope.empty:
        return Unit.objects.none()
    return Unit.objects.filter(scope.q("jpath"), kind=Unit.Kind.VENUE, key_place__isnull=True).order_by("name")


def departments() -> QuerySet[Unit]:
    """The government departments a key place may be supervised by."""
    return Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).order_by("name")


def may_order(user, place: KeyPlace) -> bool:
    """The supervising department, or HQ (livelihood work over the whole district)."""
    return (place.supervisor_id in unit_ids_for(user, Cap.PLACE_INSPECT)) or scope_for(
        user, Cap.LIVELIHOOD_WORK
    ).district_wide


@dataclass(frozen=True)
class PlaceRow:
    place: KeyPlace
    failed_recently: int  # failed inspections within WINDOW
    open_fixes: int
    overdue: int

    @property
    def repeated(self) -> bool:
        return self.failed_recently >= REPEATED


def place_rows(places: list[KeyPlace]) -> list[PlaceRow]:
    """Each place with its recent failures and open rectifications (two grouped queries for the page)."""
    ids = [p.pk for p in places]
    now = clock.now()
    failed = dict(
        PlaceInspection.objects.filter(place_id__in=ids, failed__gt=0, at__gte=now - WINDOW)
        .values("place_id")
        .annotate(n=Count("pk"))
        .values_list("place_id", "n")
    )
    fixes: dict[int, tuple[int, int]] = {
        place_id: (n, late)
        for place_id, n, late in PlaceRectification.objects.filter(place_id__in=ids, done_at__isnull=True)
        .values("place_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=now)))
        .values_list("place_id", "n", "late")
    }
    return [PlaceRow(p, failed.get(p.pk, 0), *fixes.get(p.pk, (0, 0))) for p in places]


class PlaceCheckItemSetInput(FormInput):
    """One line of the checklist, added or changed by district HQ: its code (letters, digits, _ or -; empty: a new
    line), its words, the days a failure has to be put right, whether it is asked now."""

    code: str = ""
    text: str
    days_to_fix: int = 3
    active: bool = True


def checklist_may_edit(*, user) -> bool:
    """District HQ keeps the checklist (livelihood work over the whole district)."""
    return scope_for(user, Cap.LIVELIHOOD_WORK).district_wide


def checklist_all() -> list[PlaceCheckItem]:
    """Every line, those no longer asked too (for HQ's page)."""
    return list(PlaceCheckItem.objects.order_by("-active", "order", "code"))


@transaction.atomic
def place_check_item_set(*, actor, code: str, text: str, days_to_fix: int = 3, active: bool = True) -> PlaceCheckItem:
    """Add a line or change one (its words, its days, asked or not); inspections done keep the words they had."""
    if not checklist_may_edit(user=actor):
        raise Forbidden(Cap.LIVELIHOOD_WORK)
    code = (code or "").strip().lower()
    if not code:  # a new line from the page: named after its place in the list
        code = f"item{PlaceCheckItem.objects.count() + 1}"
        while PlaceCheckItem.objects.filter(code=code).exists():
            code += "x"
    if not re.fullmatch(r"[a-z0-9_-]{2,30}", code):
        raise FieldError("code", _("2 to 30 letters, digits, _ or -."), code=Code.INVALID)
    text = " ".join((text or "").split())
    if not text:
        raise FieldError("text", _("This field is required."), code=Code.REQUIRED)
    if len(text) > 200:
        raise FieldError("text", _("At most %(n)d characters.") % {"n": 200}, code=Code.TOO_LONG)
    if not 1 <= days_to_fix <= 60:
        raise FieldError("days_to_fix", _("1 to 60 days."), code=Code.OUT_OF_RANGE)
    item = PlaceCheckItem.objects.select_for_update().filter(code=code).first()
    before = None
    if item is None:
        last = PlaceCheckItem.objects.order_by("-order").values_list("order", flat=True).first() or 0
        item = PlaceCheckItem(code=code, order=last + 1)
    else:
        before = {"text": item.text, "days_to_fix": item.days_to_fix, "active": item.active}
    item.text, item.days_to_fix, item.active = text, days_to_fix, active
    item.save()
    audit_record(
        actor=actor, action="livelihood.place_check_item_set", obj=item, object_repr=code,
        fields={"before": before, "text": text, "days_to_fix": days_to_fix, "active": active},
    )  # fmt: skip
    return item


class KeyPlaceRegisterInput(FormInput):
    venue_id: int
    kind: str
    operator: str = ""
    supervisor_id: int | None = None


class PlaceInspectInput(FormInput):
    """The walk: every item of the checklist passed or failed (`results`: code → pass|fail), a failure said in words
    (`notes`: code → what was found)."""

    results: dict[str, str]
    notes: dict[str, str] = {}

    @classmethod
    def form_values(cls, post) -> dict:
        """The page's radio buttons `result_<code>` and notes `note_<code>`."""
        results = {k.removeprefix("result_"): v for k, v in post.items() if k.startswith("result_")}
        notes = {k.removeprefix("note_"): v for k, v in post.items() if k.startswith("note_") and str(v).strip()}
        return {"results": results, "notes": notes}


class PlaceOrderInput(FormInput):
    """Closed, limited to a capacity, or open again; with the reason."""

    state: str
    capacity: int | None = None
    note: str = ""


class RectificationCloseInput(FormInput):
    note: str = ""


@transaction.atomic
def place_register(
    *, actor, venue_id: int, kind: str, operator: str = "", supervisor_id: int | None = None
) -> KeyPlace:
    scope = scope_for(actor, Cap.LIVELIHOOD_WORK)
    if scope.empty:
        raise Forbidden(Cap.LIVELIHOOD_WORK)
    venue = Unit.objects.filter(scope.q("jpath"), pk=venue_id).exclude(kind=Unit.Kind.DEPARTMENT).first()
    if venue is None:
        raise FieldError("venue_id", _("Unknown venue, or outside your reach."), code=Code.NOT_FOUND)
    if kind not in KeyPlace.Kind.values:
        raise FieldError("kind", _("Choose one of the kinds."), code=Code.UNKNOWN_CHOICE)
    supervisor = None
    if supervisor_id:
        supervisor = Unit.objects.filter(pk=supervisor_id, kind=Unit.Kind.DEPARTMENT).first()
        if supervisor is None:
            raise FieldError("supervisor_id", _("Choose a government department."), code=Code.NOT_FOUND)
    try:
        with transaction.atomic():
            place = KeyPlace.objects.create(
                venue=venue, kind=kind, operator=" ".join((operator or "").split())[:100], supervisor=supervisor,
                jpath=venue.jpath,
            )  # fmt: skip
    except IntegrityError as exc:
        raise FieldError("venue_id", _("This venue is a key place already."), code=Code.DUPLICATE) from exc
    audit_record(actor=actor, action="livelihood.place_register", obj=place, object_repr=venue.name, jpath=place.jpath)
    return place


@transaction.atomic
def place_inspect(*, actor, place_id: int, results: dict[str, str], notes: dict[str, str] | None = None):
    """Every active item answered, a failure said in words; nothing written unless the whole walk is."""
    place = place_get(user=actor, place_id=place_id, for_update=True)
    notes = {k: " ".join(str(v).split())[:300] for k, v in (notes or {}).items()}
    items = checklist()
    for item in items:
        answer = results.get(item.code)
        if answer not in ("pass", "fail"):
            raise FieldError(
                f"result_{item.code}", _("Pass or fail: %(item)s") % {"item": item.label}, code=Code.REQUIRED
            )
        if answer == "fail" and not notes.get(item.code):
            raise FieldError(
                f"note_{item.code}", _("Say what was found: %(item)s") % {"item": item.label}, code=Code.REQUIRED
            )
    unknown = set(results) - {i.code for i in items}
    if unknown:
        raise FieldError(
            "results",
            _("Not on the checklist: %(codes)s") % {"codes": ", ".join(sorted(unknown))},
            code=Code.UNKNOWN_CHOICE,
        )
    now = clock.now()
    failed = [i for i in items if results[i.code] == "fail"]
    inspection = PlaceInspection.objects.create(
        place=place, at=now, by=actor, results={i.code: results[i.code] for i in items},
        notes={k: v for k, v in notes.items() if k in results}, failed=len(failed), jpath=place.jpath,
    )  # fmt: skip
    PlaceRectification.objects.bulk_create(
        PlaceRectification(
            inspection=inspection,
            place=place,
            item=i.code,
            text=i.text,
            finding=notes.get(i.code, ""),
            deadline=now + timedelta(days=i.days_to_fix),
            jpath=place.jpath,
        )
        for i in failed
    )
    audit_record(
        actor=actor, action="livelihood.place_inspect", obj=place, object_repr=place.venue.name, jpath=place.jpath,
        fields={"failed": [i.code for i in failed]},
    )  # fmt: skip
    return inspection


@transaction.atomic
def rectification_close(*, actor, rectification_id: int, note: str = "") -> PlaceRectification:
    fix = PlaceRectification.objects.select_for_update().filter(pk=rectification_id).first()
    if fix is None:
        raise NotFound
    place_get(user=actor, place_id=fix.place_id)  # 404 outside the reader's places
    if fix.done_at is not None:
        raise FieldError("rectification", _("Put right already."), code=Code.WRONG_STATE)
    fix.done_at, fix.done_by = clock.now(), actor
    fix.save(update_fields=["done_at", "done_by"])
    fields = {"item": fix.item, "note": " ".join((note or "").split())[:200]}
    audit_record(actor=actor, action="livelihood.place_fixed", obj=fix.place, jpath=fix.jpath, fields=fields)
    return fix


@transaction.atomic
def place_order(*, actor, place_id: int, state: str, capacity: int | None = None, note: str = "") -> KeyPlace:
    """Close a place, limit it to a capacity, or open it again — the supervising department or HQ, with the reason
    (the venue-code poster shows the order at once)."""
    place = place_get(user=actor, place_id=place_id, for_update=True)
    if not may_order(actor, place):
        raise Forbidden(Cap.PLACE_INSPECT)
    if state not in KeyPlace.State.values:
        raise FieldError("state", _("Closed, limited or open."), code=Code.UNKNOWN_CHOICE)
    note = " ".join((note or "").split())
    if not note:
        raise FieldError("note", _("Give the reason (the order's basis)."), code=Code.REASON_REQUIRED)
    if len(note) > 300:
        raise FieldError("note", _("At most %(n)d characters.") % {"n": 300}, code=Code.TOO_LONG)
    if state == KeyPlace.State.LIMITED and not (capacity and 1 <= capacity <= 100_000):
        raise FieldError("capacity", _("How many people at once (1 to 100,000)?"), code=Code.OUT_OF_RANGE)
    before = place.state
    place.state, place.order_note = state, note
    place.capacity = capacity if state == KeyPlace.State.LIMITED else None
    place.ordered_by, place.ordered_at = actor, clock.now()
    place.save(update_fields=["state", "order_note", "capacity", "ordered_by", "ordered_at"])
    audit_record(
        actor=actor, action="livelihood.place_order", obj=place, object_repr=place.venue.name, jpath=place.jpath,
        fields={"before": before, "after": state, "capacity": place.capacity},
    )  # fmt: skip
    return place


def poster_notice(venue: Unit) -> tuple[str, str] | None:
    """containment's venue-code poster: (tone, words) of the order in force at the venue, or None."""
    place = KeyPlace.objects.filter(venue=venue).first()
    if place is None or place.state == KeyPlace.State.OPEN:
        return None
    if place.state == KeyPlace.State.CLOSED:
        return "stop", _("Closed by order: %(note)s") % {"note": place.order_note}
    return "caution", _("At most %(n)d people at once, by order: %(note)s") % {
        "n": place.capacity or 0,
        "note": place.order_note,
    }
