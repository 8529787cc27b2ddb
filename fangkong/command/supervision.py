"""Supervision: inspectors record findings against a task, a checkpoint, a report or a unit; an outcome
(reminder, criticism, formal accountability) is proposed and needs a second person to approve it. A unit's
record brings together its findings and outcomes and, from screening, the requests its people made to pass a
checkpoint unregistered and its staff's unreported exits."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from fangkong.core import approvals
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for, unit_ids_for
from fangkong.registry.models import Jurisdiction, Unit

from .models import Finding, Outcome, ReportAssignment, Task


def reach_q(user, field: str = "jpath") -> Q | None:
    """Discipline inspection is a district-wide unit: it sees everything; HQ its jurisdiction. None: nothing."""
    if unit_ids_for(user, Cap.SUPERVISE):
        return Q()
    scope = scope_for(user, Cap.SUPERVISE)
    return None if scope.empty else scope.q(field)


def _target(kind: str, target_id: int) -> tuple[Unit | None, Jurisdiction | None, str] | None:
    """What a finding is about, or None if there is no such thing (the caller answers that exactly as it answers
    "outside your jurisdiction": which task or unit ids exist elsewhere is not the caller's to learn)."""
    if kind == Finding.Target.TASK:
        task = Task.objects.select_related("unit", "jurisdiction").filter(pk=target_id).first()
        return (task.unit, task.jurisdiction, task.jpath) if task else None
    if kind == Finding.Target.REPORT:
        a = ReportAssignment.objects.select_related("unit", "jurisdiction").filter(pk=target_id).first()
        return (a.unit, a.jurisdiction, a.jpath) if a else None
    if kind in (Finding.Target.UNIT, Finding.Target.CHECKPOINT):
        unit = Unit.objects.filter(pk=target_id).first()
        if unit is None or (kind == Finding.Target.CHECKPOINT and unit.kind != Unit.Kind.CHECKPOINT):
            return None
        return unit, None, unit.jpath
    if kind == Finding.Target.JURISDICTION:
        place = Jurisdiction.objects.filter(pk=target_id).first()
        return (None, place, place.path) if place else None
    raise FieldError(
        "target_kind",
        _("A finding is about a task, a checkpoint, a report, a unit or a jurisdiction."),
        code=Code.UNKNOWN_CHOICE,
    )


class FindingRecordInput(FormInput):
    """A finding, from the API's body or the supervision page's form."""

    target_kind: str  # task | checkpoint | report | unit | jurisdiction
    target_id: int
    text: str


@transaction.atomic
def finding_record(*, actor, target_kind: str, target_id: int, text: str) -> Finding:
    reach = reach_q(actor)
    if reach is None:
        raise Forbidden(Cap.SUPERVISE)
    target = _target(target_kind, target_id)
    if target is None or (
        not unit_ids_for(actor, Cap.SUPERVISE) and not scope_for(actor, Cap.SUPERVISE).covers(target[2])
    ):
        raise FieldError("target_id", _("Unknown, or outside your jurisdiction."), code=Code.NOT_FOUND)
    unit, place, path = target
    if not (text or "").strip():
        raise FieldError("text", _("Describe what was found."), code=Code.REQUIRED)
    if len(text.strip()) < 4:
        raise FieldError("text", _("Describe what was found."), code=Code.TOO_SHORT)
    finding = Finding.objects.create(
        target_kind=target_kind,
        target_id=target_id,
        unit=unit,
        jurisdiction=place,
        text=text.strip(),
        inspector=actor,
        jpath=path,
    )
    audit_record(
        actor=actor, action="supervision.finding", obj=finding, fields={"target": f"{target_kind}:{target_id}"}
    )
    return finding


def findings_visible(*, user) -> QuerySet[Finding]:
    reach = reach_q(user)
    if reach is None:
        return Finding.objects.none()
    return (
        Finding.objects.filter(reach)
        .select_related("unit", "jurisdiction", "inspector")
        .prefetch_related("outcomes__proposed_by", "outcomes__decided_by")
        .order_by("-found_at")
    )


class OutcomeProposeInput(FormInput):
    """An outcome proposed for a finding, from the API's body or the supervision page's form."""

    kind: str  # reminder | criticism | accountability
    note: str = ""


@transaction.atomic
def outcome_propose(*, actor, finding_id: int, kind: str, note: str = "") -> Outcome:
    finding = findings_visible(user=actor).filter(pk=finding_id).first()
    if finding is None:
        raise NotFound
    if kind not in Outcome.Kind.values:
        raise FieldError("kind", _("A reminder, a criticism or formal accountability."), code=Code.UNKNOWN_CHOICE)
    outcome = Outcome.objects.create(finding=finding, kind=kind, note=(note or "").strip(), proposed_by=actor)
    audit_record(actor=actor, action="supervision.propose", obj=finding, fields={"outcome": kind})
    return outcome


def outcome_get(*, user, outcome_id: int, for_update: bool = False) -> Outcome:
    """An outcome of a finding the user sees (404 otherwise). `for_update`: its row locked until the transaction
    ends (not the finding's), for a decision on its current state."""
    reach = reach_q(user, "finding__jpath")
    qs = Outcome.objects.filter(reach if reach is not None else Q(pk__in=[])).select_related("finding")
    outcome = (qs.select_for_update(of=("self",)) if for_update else qs).filter(pk=outcome_id).first()
    if outcome is None:
        raise NotFound
    return outcome


class OutcomeDecideInput(FormInput):
    """A second person's decision on a proposed outcome (a rejection with the reason), from the API's body or
    the supervision page's form."""

    approve: bool
    note: str = ""

    @classmethod
    def form_values(cls, post) -> dict:
        """The page's form has two buttons, `action` approve or reject, rather than an `approve` box."""
        values = super().form_values(post)
        if "approve" not in post:
            values["approve"] = post.get("action") == "approve"
        return values


@transaction.atomic
def outcome_decide(*, actor, outcome_id: int, approve: bool, note: str = "") -> Outcome:
    """A second person decides (a rejection with the reason); whoever proposed it cannot."""
    outcome = outcome_get(user=actor, outcome_id=outcome_id, for_update=True)
    if not (
        unit_ids_for(actor, Cap.ACCOUNTABILITY_APPROVE)
        or scope_for(actor, Cap.ACCOUNTABILITY_APPROVE).covers(outcome.finding.jpath)
    ):
        raise Forbidden(Cap.ACCOUNTABILITY_APPROVE)
    decision = approvals.check(
        actor=actor,
        requested_by=outcome.proposed_by_id,
        pending=outcome.state == Outcome.State.PROPOSED,
        old=outcome.state,
        new=Outcome.State.APPROVED if approve else Outcome.State.REJECTED,
        approve=approve,
        note=note,
        own=_("Whoever proposed an outcome cannot approve it."),
        not_pending=_("This outcome is decided already."),
    )
    outcome.state = decision.new
    outcome.save(update_fields=["state", *decision.stamp(outcome)])
    decision.audit(
        action="supervision.decide",
        obj=outcome.finding,
        fields={"outcome": outcome.kind, "outcome_id": outcome.pk, "approved": approve},
    )
    return outcome


@dataclass
class Record:
    findings: list[Finding]
    pass_requests: int
    violations: int
    pass_request_list: list = field(default_factory=list)  # the latest, from screening
    violation_list: list = field(default_factory=list)


def unit_record(*, user, unit_id: int | None = None, jurisdiction_id: int | None = None) -> Record:
    """A unit's (or a jurisdiction's) record for HQ and inspectors."""
    from fangkong.screening.models import PassRequest, Violation

    reach = reach_q(user)
    if reach is None:
        raise Forbidden(Cap.SUPERVISE)
    findings = findings_visible(user=user)
    if unit_id is not None:
        findings = findings.filter(unit_id=unit_id)
        requests = PassRequest.objects.filter(requester_unit_id=unit_id)
        violations = Violation.objects.filter(unit_id=unit_id)
    elif jurisdiction_id is not None:
        place = Jurisdiction.objects.filter(pk=jurisdiction_id).first()
        if place is None:
            raise NotFound
        findings = findings.filter(jpath__startswith=place.path)
        requests = PassRequest.objects.filter(requester_unit__jpath__startswith=place.path)
        violations = Violation.objects.filter(jpath__startswith=place.path)
    else:
        raise FieldError("unit_id", _("Choose a unit or a jurisdiction."), code=Code.REQUIRED)
    return Record(
        findings=list(findings[:200]),
        pass_requests=requests.count(),
        violations=violations.count(),
        pass_request_list=list(requests.select_related("checkpoint").order_by("-at")[:20]),
        violation_list=list(violations.select_related("person").order_by("-at")[:20]),
    )
