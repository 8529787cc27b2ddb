"""Livelihood services. Residents (signed in at /me/ with a one-time code, so identified by the people their phone
is registered for) request supplies while their home is in a sealed or controlled zone and sign up as
volunteers; their community works both. Anyone reports price gouging or hoarding; the market regulator (and
district HQ) verifies, the reporter's identity shown only to designated staff, each reveal audited."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import clock, reporters
from fangkong.core.actors import Resident
from fangkong.core.audit import audit_record, stated_reason
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.inbox import notify, words
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap
from fangkong.registry.models import Person

from . import errors
from .models import PriceReport, Shift, SupplyRequest, Volunteer
from .selectors import supply_requests_visible, volunteers_visible, zone_keeping_home


class SupplyRequestMoveInput(FormInput):
    """The community takes a supply request, delivers it or cancels it (with the reason), from the API's body or
    the community's page."""

    to: str  # accepted | delivered | cancelled
    note: str = ""


class VolunteerDecideInput(FormInput):
    """The community accepts or declines a volunteer; a decline says why (the volunteer is told)."""

    accept: bool
    note: str = ""


class PriceReportSubmitInput(FormInput):
    """A report of price gouging or hoarding, from the API's body or the public page's form. Leave name and phone
    out to report anonymously (the page sends them only when the reporter ticks "give my name")."""

    shop: str
    place: str
    goods: str
    description: str
    price: str = ""
    hoarding: bool = False
    name: str = ""
    phone: str = ""


class PriceReportDecideInput(FormInput):
    """The market regulator's finding on a price report: confirmed or not, and what was found and done."""

    confirmed: bool
    outcome: str


def _notify_community(person: Person, title: Promise, link: str) -> None:
    from fangkong.registry.selectors import users_with_cap

    if person.community_id is None:
        return
    users = users_with_cap(Cap.LIVELIHOOD_WORK, jurisdiction_ids=[person.community_id])
    notify([u for us in users.values() for u in us], title=title, link=link)


@transaction.atomic
def supply_request_file(
    *, person_ids: list[int], person_id: int, kind: str, items: str, urgent: bool = False, need: str = ""
):
    """A resident asks for supplies for a household member (`person_ids`: the people the session may act for)."""
    if person_id not in person_ids:
        raise NotFound
    person = Person.objects.get(pk=person_id)
    zone_id = zone_keeping_home(person.pk)
    if zone_id is None:
        raise FieldError(
            "person_id",
            _("Supplies are brought to homes in sealed or controlled zones only."),
            code=errors.Code.NOT_IN_ZONE,
        )
    if kind not in SupplyRequest.Kind.values:
        raise FieldError("kind", _("Food, medicine or other."), code=Code.UNKNOWN_CHOICE)
    if need and need not in SupplyRequest.Need.values:
        raise FieldError("need", _("Medicine, infant, dialysis or bedridden."), code=Code.UNKNOWN_CHOICE)
    items = (items or "").strip()
    if len(items) < 2:
        raise FieldError("items", _("Say what you need."), code=Code.TOO_SHORT if items else Code.REQUIRED)
    if (
        SupplyRequest.objects.filter(
            person=person, state__in=[SupplyRequest.State.RECEIVED, SupplyRequest.State.ACCEPTED]
        ).count()
        >= 3
    ):
        raise FieldError(
            "items",
            _("Three requests are open already; the community will contact you."),
            code=errors.Code.TOO_MANY_OPEN,
        )
    request = SupplyRequest.objects.create(
        person=person, zone_id=zone_id, kind=kind, items=items[:2000], urgent=bool(urgent or need), need=need,
        jpath=person.jpath,
    )  # fmt: skip
    audit_record(
        actor=Resident(person.pk), action="livelihood.supply_request", obj=request, fields={"urgent": request.urgent}
    )
    _notify_community(
        person,
        title=words(
            gettext_lazy("Urgent supplies: %(k)s") if urgent else gettext_lazy("Supplies requested: %(k)s"),
            k=SupplyRequest.Kind(kind).label,
        ),
        link="/livelihood/",
    )
    return request


SUPPLY_MOVES: dict[str, tuple[str, ...]] = {
    SupplyRequest.State.ACCEPTED: (SupplyRequest.State.RECEIVED,),
    SupplyRequest.State.DELIVERED: (SupplyRequest.State.RECEIVED, SupplyRequest.State.ACCEPTED),
    SupplyRequest.State.CANCELLED: (SupplyRequest.State.RECEIVED, SupplyRequest.State.ACCEPTED),
}


@transaction.atomic
def supply_request_move(*, actor, request_id: int, to: str, note: str = "") -> SupplyRequest:
    request = supply_requests_visible(user=actor).select_for_update(of=("self",)).filter(pk=request_id).first()
    if request is None:
        raise NotFound
    if to not in SUPPLY_MOVES:
        raise FieldError("to", _("Unknown state."), code=Code.UNKNOWN_CHOICE)
    if request.state not in SUPPLY_MOVES[to]:
        raise FieldError("to", _("Not from “%(now)s”.") % {"now": request.get_state_display()}, code=Code.WRONG_STATE)
    if to == SupplyRequest.State.CANCELLED and not (note or "").strip():
        raise FieldError("note", _("Say why it is cancelled."), code=Code.REASON_REQUIRED)
    # Packed goods go to a door against the recipient's own confirmation (deliveries), unless the community raised
    # the request for a household that has no phone to confirm with.
    if to == SupplyRequest.State.DELIVERED and request.delivery_id and request.raised_by_id is None:
        raise FieldError(
            "to",
            _("The recipient confirms this delivery: their code at the door, or on their phone."),
            code=Code.WRONG_STATE,
        )
    now = clock.now()
    request.state, request.handled_by, request.note = to, actor, (note or "").strip()[:300]
    if to == SupplyRequest.State.ACCEPTED:
        request.accepted_at = now
    if to == SupplyRequest.State.DELIVERED:
        request.delivered_at = now
        request.confirmed_with = SupplyRequest.Confirmation.OFFICER
    if to in (SupplyRequest.State.DELIVERED, SupplyRequest.State.CANCELLED):
        request.closed_at = now
        request.door_code_cipher = None
    request.save()
    audit_record(actor=actor, action=f"livelihood.supply_{to}", obj=request)
    if to == SupplyRequest.State.CANCELLED and request.delivery_id:
        _return_to_stock(actor, request)
    if to in (SupplyRequest.State.DELIVERED, SupplyRequest.State.CANCELLED) and request.delivery_id:
        from .deliveries.writing import delivery_close_if_done

        delivery_close_if_done(request.delivery_id)
    return request


def _return_to_stock(actor, request: SupplyRequest) -> None:
    """A packed request cancelled: its goods go back into the stock point's stock, in the ledger."""
    from .models import StockMovement
    from .stock import stock_move

    point_id = request.delivery.point_id  # type: ignore[union-attr]
    for line in request.lines.all():
        stock_move(
            actor=actor, point_id=point_id, item=line.goods_id, quantity=line.quantity, direction="in",
            reason=StockMovement.Reason.CORRECTION, source=_("Returned: supply request %(n)s") % {"n": request.pk},
        )  # fmt: skip


# ---------------------------------------------------------------- volunteers


@transaction.atomic
def volunteer_sign_up(*, person_ids: list[int], person_id: int, skills: list[str], availability: str) -> Volunteer:
    if person_id not in person_ids:
        raise NotFound
    person = Person.objects.get(pk=person_id)
    skills = [s for s in dict.fromkeys(skills or []) if s]
    unknown = [s for s in skills if s not in Volunteer.Skill.values]
    if unknown or not skills:
        raise FieldError(
            "skills", _("Choose what you can help with."), code=Code.UNKNOWN_CHOICE if unknown else Code.REQUIRED
        )
    availability = " ".join((availability or "").split())
    if not availability:
        raise FieldError("availability", _("Say when you are available (days, hours)."), code=Code.REQUIRED)
    from fangkong.containment.status import status_of

    if status_of(person.pk).colour == "red":
        raise FieldError(
            "person_id",
            _("Thank you — once your status is no longer red you can sign up."),
            code=errors.Code.STATUS_RED,
        )
    try:
        with transaction.atomic():
            v = Volunteer.objects.create(
                person=person, skills=skills, availability=availability[:200], jpath=person.jpath
            )
    except IntegrityError as exc:
        raise FieldError("person_id", _("You have signed up already."), code=Code.DUPLICATE) from exc
    audit_record(actor=Resident(person.pk), action="livelihood.volunteer_sign_up", obj=v, fields={"skills": skills})
    _notify_community(person, title=gettext_lazy("A volunteer signed up"), link="/livelihood/")
    return v


@transaction.atomic
def volunteer_withdraw(*, person_ids: list[int], volunteer_id: int) -> Volunteer:
    """The volunteer stops (or takes back a sign-up not yet answered): from the portal, for one of the phone's
    people. The community is told; the sign-up then goes 30 days later (retention: volunteers)."""
    v = (
        Volunteer.objects.select_for_update(of=("self",))
        .filter(pk=volunteer_id, person_id__in=person_ids)
        .select_related("person")
        .first()
    )
    if v is None:
        raise NotFound
    if v.state not in (Volunteer.State.APPLIED, Volunteer.State.ACCEPTED):
        raise FieldError("state", _("This sign-up has ended already."), code=Code.NOT_ACTIVE)
    v.state, v.decided_at = Volunteer.State.WITHDRAWN, clock.now()
    v.save(update_fields=["state", "decided_at"])
    # The shifts not yet begun are off (the community sees why); one under way is still checked out.
    called_off = Shift.objects.filter(volunteer=v, checked_in_at__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=v.decided_at, cancel_note=_("The volunteer stopped volunteering.")
    )
    audit_record(
        actor=Resident(v.person_id),
        action="livelihood.volunteer_withdraw",
        obj=v,
        fields={"shifts_cancelled": called_off} if called_off else None,
    )
    _notify_community(v.person, title=gettext_lazy("A volunteer withdrew"), link=f"/livelihood/volunteers/{v.pk}/")
    return v


@transaction.atomic
def volunteer_decide(*, actor, volunteer_id: int, accept: bool, note: str = "") -> Volunteer:
    v = volunteers_visible(user=actor).select_for_update(of=("self",)).filter(pk=volunteer_id).first()
    if v is None:
        raise NotFound
    if v.state != Volunteer.State.APPLIED:
        raise FieldError("state", _("Decided already."), code=Code.NOT_PENDING)
    if not accept and not (note or "").strip():
        raise FieldError("note", _("Say why (the volunteer is told)."), code=Code.NOTE_REQUIRED)
    v.state = Volunteer.State.ACCEPTED if accept else Volunteer.State.DECLINED
    v.decided_by, v.decided_at, v.note = actor, clock.now(), (note or "").strip()[:300]
    v.save()
    audit_record(actor=actor, action="livelihood.volunteer_decide", obj=v, fields={"accept": accept})
    return v


# ---------------------------------------------------------------- price gouging and hoarding


@transaction.atomic
def price_report_submit(
    *, shop: str, place: str, goods: str, description: str, price: str = "", hoarding: bool = False,
    name: str = "", phone: str = "",
) -> PriceReport:  # fmt: skip
    """From the portal, no account needed; named only if both a name and a phone are given."""
    shop, place, goods = (" ".join((x or "").split()) for x in (shop, place, goods))
    if not shop:
        raise FieldError("shop", _("Name the shop or seller."), code=Code.REQUIRED)
    if not place:
        raise FieldError("place", _("Say where it is."), code=Code.REQUIRED)
    if not goods:
        raise FieldError("goods", _("Which goods?"), code=Code.REQUIRED)
    text = (description or "").strip()
    if len(text) < 4:
        raise FieldError(
            "description",
            _("Say what happened (the price asked, what was refused)."),
            code=Code.TOO_SHORT if text else Code.REQUIRED,
        )
    anonymous, name_cipher, phone_cipher = reporters.identity(name, phone)
    report = PriceReport.objects.create(
        shop=shop[:100],
        place=place[:200],
        goods=goods[:100],
        price=(price or "").strip()[:60],
        hoarding=bool(hoarding),
        description=text[:4000],
        anonymous=anonymous,
        name_cipher=name_cipher,
        phone_cipher=phone_cipher,
    )
    audit_record(actor=None, action="livelihood.price_report", obj=report, fields={"anonymous": report.anonymous})
    return report


@transaction.atomic
def price_report_decide(*, actor, report_id: int, confirmed: bool, outcome: str) -> PriceReport:
    """A report decided on its own; one joined to a case is decided with the case (price_watch.price_case_close)."""
    from .price_watch import price_report_get
    from .price_watch.selectors import can_watch

    if not can_watch(actor):
        raise Forbidden(Cap.PRICE_WATCH)
    report = price_report_get(user=actor, id=report_id, for_update=True)
    if report.state != PriceReport.State.RECEIVED:
        raise FieldError("state", _("Decided already."), code=Code.NOT_PENDING)
    if report.case_id is not None:
        raise FieldError("state", _("This report is closed with the case it joined."), code=Code.WRONG_STATE)
    if not (outcome or "").strip():
        raise FieldError("outcome", _("Record what was found and done."), code=Code.REQUIRED)
    report.state = PriceReport.State.CONFIRMED if confirmed else PriceReport.State.DISMISSED
    report.handled_by, report.handled_at, report.outcome = actor, clock.now(), outcome.strip()[:300]
    report.save()
    audit_record(actor=actor, action="livelihood.price_decide", obj=report, fields={"confirmed": confirmed})
    return report


@transaction.atomic
def price_reporter_reveal(*, actor, report_id: int, reason: str) -> tuple[str, str]:
    """A named reporter's name and phone, to designated staff only, with a reason; audited."""
    if not has_cap(actor, Cap.PRICE_REPORTER_IDENTITY):
        raise Forbidden(Cap.PRICE_REPORTER_IDENTITY)
    report = PriceReport.objects.filter(pk=report_id).first()
    if report is None:
        raise NotFound
    if not report.anonymous:
        reason = stated_reason(reason, message=_("Give the reason for revealing the reporter."))
    who = reporters.reveal(report)
    audit_record(actor=actor, action="livelihood.price_reveal", obj=report, reason=reason.strip()[:300])
    return who
