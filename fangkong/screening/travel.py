"""Travel reports before leaving the city (离盘报备), their acknowledgements and approvals, and violations."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import approvals, clock, pii
from fangkong.core.actors import Resident
from fangkong.core.audit import audit_record
from fangkong.core.dates import Day
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.ids import InvalidDocument, clean_document, parse_doc_type
from fangkong.core.inbox import notify, words
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for, unit_ids_for
from fangkong.registry.models import Person, PersonTag
from fangkong.registry.selectors import person_holding, users_with_cap

from .models import TravelReport, Violation
from .selectors import travel_report_get, violation_get

MAX_TRIP_DAYS = 90


class TravelReportFileInput(FormInput):
    """A trip filed for a person one answers for: by `person` id (the community) or by document (the employer's HR;
    the staff's page asks for the document), where to, when (both days included), why and how."""

    person: int | None = None
    document_type: str = ""
    document_number: str = ""
    destination: str
    depart_on: Day
    return_on: Day
    reason: str
    transport: str

    def trip(self) -> dict:
        """The trip's own values, as travel_report_file takes them (the traveller is found apart)."""
        return self.dict(exclude={"person", "document_type", "document_number"})


class TravelReportDecideInput(FormInput):
    """A public official's trip approved, or rejected with the reason (`note`)."""

    approve: bool
    note: str = ""


class ViolationExplainInput(FormInput):
    """What the person says about leaving unreported."""

    explanation: str


class ViolationHandleInput(FormInput):
    """The decision on a violation: excused, warned or referred."""

    outcome: str


def _reporter_may_file_for(actor, person: Person) -> bool:
    """The person's community (or street, HQ) or their employer's HR."""
    return scope_for(actor, Cap.TRAVEL_REPORT).covers(person.jpath) or (
        person.unit_id is not None and person.unit_id in unit_ids_for(actor, Cap.TRAVEL_REPORT)
    )


def person_for_report(
    *, actor, person_id: int | None = None, document_type: str = "", document_number: str = ""
) -> Person:
    """The traveller, by id or by document number, among the people the actor may file for (else 404)."""
    if person_id is not None:
        person = Person.objects.filter(pk=person_id).first()
    else:
        try:
            doc_type = parse_doc_type(document_type)
            number = clean_document(doc_type, document_number)
        except InvalidDocument as exc:
            raise FieldError("document_number", str(exc), code=exc.code) from exc
        person = person_holding(doc_type, number)
    if person is None or not _reporter_may_file_for(actor, person):
        raise NotFound
    return person


@transaction.atomic
def travel_report_file(
    *, actor, person: Person, destination: str, depart_on: date, return_on: date, reason: str, transport: str
) -> TravelReport:
    if not _reporter_may_file_for(actor, person):
        raise NotFound
    return _file(
        actor=actor,
        person=person,
        destination=destination,
        depart_on=depart_on,
        return_on=return_on,
        reason=reason,
        transport=transport,
    )


@transaction.atomic
def travel_report_self(
    *,
    person_ids: list[int],
    person_id: int,
    destination: str,
    depart_on: date | None,
    return_on: date | None,
    reason: str,
    transport: str,
) -> TravelReport:
    """The traveller reports their own trip on the portal (`person_ids`: whom the signed-in phone may act for);
    the community and the employer acknowledge it as any other."""
    if person_id not in person_ids:
        raise NotFound
    return _file(
        actor=Resident(person_id),
        person=Person.objects.get(pk=person_id),
        destination=destination,
        depart_on=depart_on,
        return_on=return_on,
        reason=reason,
        transport=transport,
    )


def _file(
    *,
    actor,
    person: Person,
    destination: str,
    depart_on: date | None,
    return_on: date | None,
    reason: str,
    transport: str,
) -> TravelReport:
    if depart_on is None:
        raise FieldError("depart_on", _("When do you leave?"), code=Code.REQUIRED)
    if return_on is None:
        raise FieldError("return_on", _("When do you come back?"), code=Code.REQUIRED)
    today = clock.localdate()
    destination = " ".join((destination or "").split())
    if not destination:
        raise FieldError("destination", _("Where is the trip to?"), code=Code.REQUIRED)
    if depart_on < today:
        raise FieldError(
            "depart_on", _("A trip is reported before leaving; this date has passed."), code=Code.OUT_OF_RANGE
        )
    if return_on < depart_on:
        raise FieldError("return_on", _("The return comes on or after the departure."), code=Code.END_BEFORE_START)
    if (return_on - depart_on).days > MAX_TRIP_DAYS:
        raise FieldError(
            "return_on", _("A report covers at most %(n)d days.") % {"n": MAX_TRIP_DAYS}, code=Code.OUT_OF_RANGE
        )
    if not (reason or "").strip():
        raise FieldError("reason", _("Give the reason for the trip."), code=Code.REQUIRED)
    if not (transport or "").strip():
        raise FieldError("transport", _("Give the means of transport."), code=Code.REQUIRED)
    official = PersonTag.objects.filter(person=person, tag=PersonTag.Tag.PUBLIC_OFFICIAL).exists()
    report = TravelReport.objects.create(
        person=person,
        destination=destination[:100],
        depart_on=depart_on,
        return_on=return_on,
        reason=reason.strip()[:200],
        transport=transport.strip()[:64],
        filed_by=None if isinstance(actor, Resident) else actor,
        jpath=person.jpath,
        unit_id=person.unit_id,
        approval=TravelReport.Approval.PENDING if official else TravelReport.Approval.NOT_REQUIRED,
    )
    audit_record(
        actor=actor,
        action="travel_report.file",
        obj=report,
        object_repr=pii.mask_name(person.name),
        fields={
            "destination": report.destination,
            "depart_on": depart_on.isoformat(),
            "return_on": return_on.isoformat(),
            "approval": report.approval,
            "self_reported": isinstance(actor, Resident),
        },
    )
    if report.approval == TravelReport.Approval.PENDING and report.unit_id:
        # Nobody waits unseen: the official's unit leaders are told in this transaction.
        leaders = users_with_cap(Cap.TRAVEL_APPROVE, unit_ids=[report.unit_id]).get(("u", report.unit_id), [])
        notify(
            leaders,
            title=words(
                gettext_lazy("A trip awaits your approval: %(who)s to %(where)s"),
                who=pii.mask_name(person.name),
                where=report.destination,
            ),
            link=reverse("screening:travel") + "?approval=pending",
        )
    return report


@transaction.atomic
def travel_report_acknowledge(*, actor, report_id: int) -> TravelReport:
    """The community acknowledges with a jurisdiction role; the employer with its HR (unit) role."""
    report = travel_report_get(user=actor, report_id=report_id, for_update=True)
    now, fields = clock.now(), []
    if scope_for(actor, Cap.TRAVEL_REPORT).covers(report.jpath) and not report.community_ack_at:
        report.community_ack_at, report.community_ack_by = now, actor
        fields += ["community_ack_at", "community_ack_by"]
    if report.unit_id and report.unit_id in unit_ids_for(actor, Cap.TRAVEL_REPORT) and not report.employer_ack_at:
        report.employer_ack_at, report.employer_ack_by = now, actor
        fields += ["employer_ack_at", "employer_ack_by"]
    if fields:
        report.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="travel_report.acknowledge",
            obj=report,
            object_repr=pii.mask_name(report.person.name),
            fields={"by": "community" if "community_ack_at" in fields else "employer"},
        )
    return report


@transaction.atomic
def travel_report_decide(*, actor, report_id: int, approve: bool, note: str = "") -> TravelReport:
    """A public official's trip, approved or rejected (with the reason) by a leader of their own unit — not by
    whoever filed it, and not once the trip is withdrawn."""
    report = travel_report_get(user=actor, report_id=report_id, for_update=True)
    if report.unit_id is None or report.unit_id not in unit_ids_for(actor, Cap.TRAVEL_APPROVE):
        raise Forbidden(Cap.TRAVEL_APPROVE)
    decision = approvals.check(
        actor=actor,
        requested_by=report.filed_by_id,
        pending=report.approval == TravelReport.Approval.PENDING and report.cancelled_at is None,
        field="approval",
        old=report.approval,
        new=TravelReport.Approval.APPROVED if approve else TravelReport.Approval.REJECTED,
        approve=approve,
        note=note,
        note_length=200,
        own=_("Whoever filed a trip does not approve it; another leader of the unit does."),
        not_pending=_("This report is not waiting for approval."),
        note_missing=_("Say why the trip is not approved."),
    )
    report.approval = decision.new
    report.save(update_fields=["approval", *decision.stamp(report)])
    decision.audit(action="travel_report.decide", obj=report, object_repr=pii.mask_name(report.person.name))
    return report


def _may_withdraw(actor, report: TravelReport) -> bool:
    """Whoever filed the trip (the community's worker, the employer's HR, a unit leader for their staff), or the
    traveller's community (its street, HQ), which answers for the traveller's whereabouts and withdraws for one
    who reported on the portal. Not another HR officer or leader who merely sees it: a leader who could withdraw
    an official's trip would refuse it with no reason on the record."""
    return (report.filed_by_id is not None and report.filed_by_id == actor.pk) or scope_for(
        actor, Cap.TRAVEL_REPORT
    ).covers(report.jpath)


@transaction.atomic
def travel_report_cancel(*, actor, report_id: int) -> TravelReport:
    """Withdraw a trip (it no longer covers an exit, and is no longer decided)."""
    report = travel_report_get(user=actor, report_id=report_id, for_update=True)
    if not _may_withdraw(actor, report):
        raise Forbidden(_("Only whoever filed a trip, or the traveller's community, withdraws it."))
    if report.cancelled_at is None:
        report.cancelled_at = clock.now()
        report.save(update_fields=["cancelled_at"])
        audit_record(
            actor=actor, action="travel_report.cancel", obj=report, object_repr=pii.mask_name(report.person.name)
        )
    return report


def trips_covering(person: Person, day: date):
    return TravelReport.objects.filter(
        Q(depart_on__lte=day + timedelta(days=1)) & Q(return_on__gte=day), person=person, cancelled_at__isnull=True
    )


@transaction.atomic
def violation_explain(*, actor, violation_id: int, explanation: str) -> Violation:
    violation = violation_get(user=actor, violation_id=violation_id, for_update=True)
    explanation = " ".join((explanation or "").split())
    if not explanation:
        raise FieldError("explanation", _("Write down what the person says."), code=Code.REQUIRED)
    violation.explanation = explanation[:300]
    violation.save(update_fields=["explanation"])
    audit_record(
        actor=actor, action="violation.explain", obj=violation, object_repr=pii.mask_name(violation.person.name)
    )
    return violation


@transaction.atomic
def violation_handle(*, actor, violation_id: int, outcome: str) -> Violation:
    """Decide an open violation once: excused, warned or referred. A handled one is not handled again (a warning
    quietly turned into an excuse would leave the trail saying both)."""
    violation = violation_get(user=actor, violation_id=violation_id, for_update=True)
    if outcome not in Violation.Outcome.values or outcome == Violation.Outcome.OPEN:
        raise FieldError("outcome", _("The outcome is excused, warned or referred."), code=Code.UNKNOWN_CHOICE)
    if violation.outcome != Violation.Outcome.OPEN:
        raise FieldError("outcome", _("This violation is handled already."), code=Code.NOT_PENDING)
    if not violation.explanation:
        raise FieldError("explanation", _("Record the person's explanation before deciding."), code=Code.REQUIRED)
    violation.outcome, violation.handled_at, violation.handled_by = outcome, clock.now(), actor
    violation.save(update_fields=["outcome", "handled_at", "handled_by"])
    audit_record(
        actor=actor,
        action="violation.handle",
        obj=violation,
        object_repr=pii.mask_name(violation.person.name),
        fields={"outcome": outcome},
    )
    return violation
