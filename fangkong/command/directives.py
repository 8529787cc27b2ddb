"""Directives and tasks: issued downwards within the issuer's reach, acknowledged, reported on, completed, split
further down; overdue derived from the clock and escalated once to the level above."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import clock
from fangkong.core.actors import System
from fangkong.core.alerts import raise_alert
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import EndMoment, FormInput
from fangkong.core.inbox import notify, words
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, roles_for, scope_for
from fangkong.core.text import ascii_digits
from fangkong.core.uploads import stored_upload
from fangkong.registry.models import Jurisdiction, Unit
from fangkong.registry.selectors import users_with_cap

from . import errors
from .events import TASK_ESCALATED_ALERT
from .models import Directive, Task, TaskUpdate

ATTACHMENT_KINDS = {"image", "pdf", "sheet", "document"}

MAX_RECIPIENTS = 500


class DirectiveIssueInput(FormInput):
    """A directive, from the API's body or the directives page's form. Recipients are jurisdiction ids or
    "unit:ID"; the deadline given as a bare date means the end of that day."""

    title: str
    body: str = ""
    deadline: EndMoment
    recipients: list[int | str]
    evidence: str = ""  # what completing needs (a photo of the posted notice, a list …)

    @classmethod
    def form_values(cls, post) -> dict:
        """A <select multiple> with nothing chosen is not sent at all: the service then asks for a recipient,
        rather than the schema for a missing field."""
        values = super().form_values(post)
        values.setdefault("recipients", [])
        return values


class TaskSplitInput(DirectiveIssueInput):
    """A task passed further down (a street to its communities): a directive of its own, called after the task
    unless given a title of its own (the task's page asks for none)."""

    title: str = ""


@dataclass(frozen=True)
class Recipient:
    jurisdiction: Jurisdiction | None = None
    unit: Unit | None = None

    @property
    def path(self) -> str:
        return self.jurisdiction.path if self.jurisdiction else self.unit.jpath  # type: ignore[union-attr]

    @property
    def name(self) -> str:
        return (self.jurisdiction or self.unit).name  # type: ignore[union-attr]


def parse_recipients(values: list) -> list[Recipient]:
    """Jurisdiction ids (numbers, or "j:12") and unit ids ("unit:7"). Each bad one is named by its row."""
    j_ids: dict[int, int] = {}
    u_ids: dict[int, int] = {}
    for row, value in enumerate(values):
        text = str(value).strip().lower()
        kind, _sep, ref = text.rpartition(":")
        if not ascii_digits(ref) or kind not in ("", "j", "jurisdiction", "u", "unit"):
            raise FieldError(
                "recipients", _("A recipient is a jurisdiction id or unit:ID."), row=row, code=Code.INVALID
            )
        (u_ids if kind in ("u", "unit") else j_ids)[int(ref)] = row
    found_j = Jurisdiction.objects.in_bulk(list(j_ids))
    found_u = Unit.objects.in_bulk(list(u_ids))
    for pk, row in j_ids.items():
        if pk not in found_j:
            raise FieldError("recipients", _("Unknown jurisdiction."), row=row, code=Code.NOT_FOUND)
    for pk, row in u_ids.items():
        if pk not in found_u:
            raise FieldError("recipients", _("Unknown unit."), row=row, code=Code.NOT_FOUND)
    return [Recipient(jurisdiction=found_j[pk]) for pk in j_ids] + [Recipient(unit=found_u[pk]) for pk in u_ids]


def _check_reach(actor, recipients: list[Recipient], values: list, within: str | None) -> str:
    """Downwards only: below the issuer's own jurisdiction (or below the task being split). Returns the path
    that oversees the directive."""
    reach = scope_for(actor, Cap.DIRECTIVE_ISSUE)
    if reach.empty:
        raise Forbidden(Cap.DIRECTIVE_ISSUE)
    for row, r in enumerate(recipients):
        covered = (within is not None and r.path.startswith(within)) or (within is None and reach.covers(r.path))
        own_level = r.jurisdiction is not None and (r.path in reach.paths or r.path == within)
        if not covered or own_level:
            raise FieldError(
                "recipients",
                _("%(r)s is not below you: directives go downwards within your reach.") % {"r": r.name},
                row=row,
                code=errors.Code.NOT_BELOW,
            )
    return within or min(reach.paths, key=len)


@transaction.atomic
def directive_issue(
    *,
    actor,
    title: str,
    body: str = "",
    deadline: datetime | None,
    recipients: list,
    evidence: str = "",
    from_task: Task | None = None,
    alert_id: int | None = None,
) -> Directive:
    title = " ".join((title or (from_task.directive.title if from_task else "")).split())[:200]
    if not title:
        raise FieldError("title", _("Give the directive a title."), code=Code.REQUIRED)
    if deadline is None:
        raise FieldError("deadline", _("The deadline must be in the future."), code=Code.REQUIRED)
    if deadline <= clock.now():
        raise FieldError("deadline", _("The deadline must be in the future."), code=Code.OUT_OF_RANGE)
    if from_task is not None and deadline > from_task.deadline:
        raise FieldError(
            "deadline", _("A sub-task cannot be due after the task it comes from."), code=Code.OUT_OF_RANGE
        )
    if not recipients:
        raise FieldError("recipients", _("Choose at least one recipient."), code=Code.REQUIRED)
    if len(recipients) > MAX_RECIPIENTS:
        raise FieldError("recipients", _("At most %(n)d recipients.") % {"n": MAX_RECIPIENTS}, code=Code.TOO_LARGE)
    parsed = parse_recipients(recipients)
    oversight = _check_reach(actor, parsed, recipients, from_task.jpath if from_task else None)
    directive = Directive.objects.create(
        title=title,
        body=(body or "").strip(),
        evidence=(evidence or "").strip()[:300],
        deadline=deadline,
        issued_by=actor,
        from_task=from_task,
        jpath=oversight,
        alert_id=alert_id,
    )
    tasks = Task.objects.bulk_create(
        Task(directive=directive, jurisdiction=r.jurisdiction, unit=r.unit, deadline=deadline, jpath=r.path)
        for r in parsed
    )
    audit_record(
        actor=actor,
        action="directive.issue",
        obj=directive,
        fields={"recipients": [r.name for r in parsed], "deadline": deadline.isoformat()},
    )
    workers = users_with_cap(
        Cap.TASK_WORK,
        jurisdiction_ids=[t.jurisdiction_id for t in tasks if t.jurisdiction_id],
        unit_ids=[t.unit_id for t in tasks if t.unit_id],
    )  # one query for all recipients, not one per task
    for task in tasks:
        notify(
            workers.get(_post(task), []),
            title=words(gettext_lazy("New task: %(t)s"), t=title),
            body=words(gettext_lazy("Due %(at)s."), at=clock.localtime(deadline)),
            link=f"/command/tasks/{task.pk}/",
        )
    return directive


def _post(task: Task) -> tuple[str, int]:
    """A task's post as `users_with_cap` keys it."""
    return ("j", task.jurisdiction_id) if task.jurisdiction_id else ("u", task.unit_id)  # type: ignore[return-value]


def _mine_q(user) -> Q:
    from fangkong.core.roles import ROLES

    juris, units = [], []
    for a in roles_for(user):
        role = ROLES.get(a.role)
        if role is None or Cap.TASK_WORK not in role.caps:
            continue
        if a.jurisdiction_id:
            juris.append(a.jurisdiction_id)
        if a.unit_id:
            units.append(a.unit_id)
    return Q(jurisdiction_id__in=juris) | Q(unit_id__in=units)


def tasks_mine(*, user) -> QuerySet[Task]:
    """The tasks addressed to the caller's own jurisdiction or unit."""
    return (
        Task.objects.filter(_mine_q(user))
        .select_related("directive", "jurisdiction", "unit")
        .order_by("state", "deadline", "pk")
    )


def tasks_overseen(*, user) -> QuerySet[Task]:
    """Every task below the caller (HQ sees the district's; a street its communities')."""
    return (
        Task.objects.filter(scope_for(user, Cap.TASK_OVERSEE).q("jpath"))
        .select_related("directive", "jurisdiction", "unit")
        .order_by("deadline", "pk")
    )


def overdue_q(now) -> Q:
    """A task past its deadline and not done (the hall counts them; the overdue list shows them)."""
    return Q(deadline__lt=now) & ~Q(state=Task.State.DONE)


def task_counts(tasks: list[Task], now: datetime | None = None) -> dict[str, int]:
    """A directive's summary, counted as its table reads: acknowledged is every task signed for (its time shown in
    the table's column), whether since done or past its deadline; an acknowledged task going overdue is still
    acknowledged. (Counted by the one status a task shows, the summary said 0 acknowledged beside a table
    showing when they were.)"""
    now = now or clock.now()
    acknowledged = sum(1 for t in tasks if t.acknowledged_at is not None)
    return {
        "total": len(tasks),
        "acknowledged": acknowledged,
        "open": len(tasks) - acknowledged,
        "done": sum(1 for t in tasks if t.state == Task.State.DONE),
        "overdue": sum(1 for t in tasks if t.state_now(now) == Task.Status.OVERDUE),
    }


def tasks_overdue(*, user, within: str = "") -> QuerySet[Task]:
    """The tasks below the caller past their deadline, not done, under `within` (a jurisdiction's path) if given."""
    late = tasks_overseen(user=user).filter(overdue_q(clock.now()))
    return late.filter(jpath__startswith=within) if within else late


def task_get(*, user, task_id: int) -> Task:
    task = (
        Task.objects.filter(_mine_q(user) | scope_for(user, Cap.TASK_OVERSEE).q("jpath"))
        .select_related("directive", "jurisdiction", "unit")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound
    return task


def _my_task(actor, task_id: int) -> Task:
    task = Task.objects.select_for_update().filter(_mine_q(actor), pk=task_id).first()
    if task is None:
        if Task.objects.filter(scope_for(actor, Cap.TASK_OVERSEE).q("jpath"), pk=task_id).exists():
            raise Forbidden(_("Only the recipient works a task."))
        raise NotFound
    return task


@transaction.atomic
def task_split(
    *,
    actor,
    task_id: int,
    title: str = "",
    body: str = "",
    deadline: datetime | None,
    recipients: list,
    evidence: str = "",
) -> Directive:
    """Pass one's task further down: a directive of its own, within the task's reach and due no later. Only the
    task's recipient does (its row locked while the directive is made)."""
    task = _my_task(actor, task_id)
    return directive_issue(
        actor=actor,
        from_task=task,
        title=title,
        body=body,
        deadline=deadline,
        recipients=recipients,
        evidence=evidence,
    )


@transaction.atomic
def task_acknowledge(*, actor, task_id: int) -> Task:
    task = _my_task(actor, task_id)
    if task.state == Task.State.OPEN:
        task.state, task.acknowledged_at, task.acknowledged_by = Task.State.ACKNOWLEDGED, clock.now(), actor
        task.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
        audit_record(actor=actor, action="task.acknowledge", obj=task)
    return task


@transaction.atomic
def task_report(*, actor, task_id: int, text: str, attachment=None) -> TaskUpdate:
    """Progress on a task, with an optional attachment: a photo, a PDF, an Excel or Word file, checked by its
    content and stored under a name we make (core.uploads), never the one the client sent."""
    task = _my_task(actor, task_id)
    if task.state == Task.State.DONE:
        raise FieldError("state", _("This task is done."), code=Code.WRONG_STATE)
    if not (text or "").strip():
        raise FieldError("text", _("Say what has been done so far."), code=Code.REQUIRED)
    if attachment is not None:
        attachment = stored_upload(attachment, field="attachment", kinds=ATTACHMENT_KINDS)
    if task.state == Task.State.OPEN:  # reporting progress acknowledges
        task.state, task.acknowledged_at, task.acknowledged_by = Task.State.ACKNOWLEDGED, clock.now(), actor
        task.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
    update = TaskUpdate.objects.create(task=task, author=actor, text=text.strip(), attachment=attachment or "")
    audit_record(actor=actor, action="task.report", obj=task, fields={"attachment": bool(attachment)})
    return update


@transaction.atomic
def task_complete(*, actor, task_id: int, note: str) -> Task:
    task = _my_task(actor, task_id)
    if task.state == Task.State.DONE:
        raise FieldError("state", _("This task is done already."), code=Code.WRONG_STATE)
    note = (note or "").strip()
    if task.directive.evidence and not note and not task.updates.exclude(attachment="").exists():
        raise FieldError(
            "note",
            _("This task needs evidence: %(e)s.") % {"e": task.directive.evidence},
            code=errors.Code.EVIDENCE_REQUIRED,
        )
    now = clock.now()
    if task.state == Task.State.OPEN:
        task.acknowledged_at, task.acknowledged_by = now, actor
    task.state, task.done_at, task.done_by, task.done_note = Task.State.DONE, now, actor, note
    task.save(update_fields=["state", "acknowledged_at", "acknowledged_by", "done_at", "done_by", "done_note"])
    audit_record(actor=actor, action="task.complete", obj=task, fields={"late": now > task.deadline})
    notify(
        [task.directive.issued_by],
        title=words(gettext_lazy("Done: %(t)s — %(r)s"), t=task.directive.title, r=task.recipient.name),
        link=f"/command/directives/{task.directive_id}/",
    )
    return task


def escalate_overdue(now: datetime | None = None) -> int:
    """Tell the level above about each task that went overdue, once: the recipient's parent jurisdiction's
    overseers and the issuer. Idempotent; run by `fangkong escalate` from cron, and on opening task lists."""
    now = now or clock.now()
    count = 0
    due = list(
        Task.objects.filter(deadline__lt=now, escalated_at__isnull=True)
        .exclude(state=Task.State.DONE)
        .select_related("directive", "directive__issued_by", "jurisdiction", "unit")[:1000]
    )
    if not due:
        return 0
    overseers = users_with_cap(  # one query for every level above, not one per task
        Cap.TASK_OVERSEE, jurisdiction_ids={t.jurisdiction.parent_id for t in due if t.jurisdiction}
    )
    for task in due:
        with transaction.atomic():
            if Task.objects.filter(pk=task.pk, escalated_at__isnull=True).update(escalated_at=now) == 0:
                continue  # another process took it
            parent = task.jurisdiction.parent_id or 0 if task.jurisdiction else 0
            notify(
                [*overseers.get(("j", parent), []), task.directive.issued_by],
                title=words(gettext_lazy("Overdue: %(t)s — %(r)s"), t=task.directive.title, r=task.recipient.name),
                body=words(gettext_lazy("It was due %(at)s."), at=clock.localtime(task.deadline)),
                link=f"/command/directives/{task.directive_id}/",
            )
            audit_record(actor=System("task.escalate"), action="task.escalate", obj=task)
            raise_alert(
                kind=TASK_ESCALATED_ALERT,
                subject=f"{task.directive.title[:80]} · {task.recipient.name}",
                jpath=task.jpath,
                link=f"/command/directives/{task.directive_id}/",
                ref=f"command.task:{task.pk}",
            )
            count += 1
    return count


def directives_visible(*, user) -> QuerySet[Directive]:
    return (
        Directive.objects.filter(Q(issued_by=user) | scope_for(user, Cap.TASK_OVERSEE).q("jpath"))
        .select_related("issued_by")
        .order_by("-issued_at")
    )


def directive_get(*, user, directive_id: int) -> Directive:
    directive = directives_visible(user=user).filter(pk=directive_id).first()
    if directive is None:
        raise NotFound
    return directive
