"""From seeing to acting (处置一件事): an alert on the hall becomes a task for the community, unit or department
that must act, with a deadline — command's directive, issued by the person at the hall — and is followed on the
hall until it is closed (dispatched → acknowledged → handled → closed; overdue in red)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from fangkong.command.directives import directive_issue, directives_visible
from fangkong.command.models import Directive, Task
from fangkong.core import clock
from fangkong.core.alerts import alert_get, alert_title
from fangkong.core.audit import audit_record
from fangkong.core.forms import EndMoment, FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for
from fangkong.registry.models import Jurisdiction

DEFAULT_HOURS = 2  # a hall's dispatch is for now: the community acts within hours, not days


class AlertDispatchInput(FormInput):
    """Who must act on an alert and by when, from the API's body or the hall's form: recipients are jurisdiction
    ids or "unit:ID" (as a directive's); the deadline as a bare date means the end of that day."""

    recipients: list[int | str]
    deadline: EndMoment
    body: str = ""

    @classmethod
    def form_values(cls, post) -> dict:
        values = super().form_values(post)
        values.setdefault("recipients", [])
        return values


@transaction.atomic
def alert_dispatch(*, actor, alert_id: int, recipients: list, deadline: datetime | None, body: str = "") -> Directive:
    """A task (command's directive) for each recipient, about the alert: titled after it, linked to it, followed
    on the hall. Only an alert the actor sees (404 otherwise), only downwards within their reach (command's rule)."""
    if scope_for(actor, Cap.DIRECTIVE_ISSUE).empty:
        raise Forbidden(Cap.DIRECTIVE_ISSUE)
    alert = alert_get(user=actor, alert_id=alert_id)
    directive = directive_issue(
        actor=actor,
        title=alert_title(alert),
        body=(body or "").strip() or _("Act on the alert and report back on the task."),
        deadline=deadline,
        recipients=recipients,
        alert_id=alert.pk,
    )
    audit_record(actor=actor, action="alert.dispatch", obj=alert, fields={"directive": directive.pk})
    return directive


def dispatch_choices(*, user, alert) -> list[Jurisdiction]:
    """Where an alert's task may go: the jurisdictions on the alert's path below the user's own (a street, then
    the community, then the grid), the community first (it acts on arrivals, recalls, sealed homes)."""
    reach = scope_for(user, Cap.DIRECTIVE_ISSUE)
    if reach.empty:
        raise Forbidden(Cap.DIRECTIVE_ISSUE)
    prefixes = [alert.jpath[: i + 1] for i, ch in enumerate(alert.jpath) if ch == "/"]
    chain = [
        j
        for j in Jurisdiction.objects.filter(path__in=prefixes).order_by("path")
        if reach.covers(j.path) and j.path not in reach.paths
    ]
    return sorted(chain, key=lambda j: (j.level != "community", j.path))


def default_deadline() -> datetime:
    return clock.now() + timedelta(hours=DEFAULT_HOURS)


@dataclass
class Followed:
    """A dispatched task as the hall follows it."""

    task: Task
    state: str  # dispatched | acknowledged | handled | closed
    overdue: bool


def dispatches_for(*, user, within: str, limit: int = 20) -> list[Followed]:
    """The tasks dispatched from the hall's alerts under `within`, newest first, each with where it stands."""
    directives = (
        directives_visible(user=user)
        .filter(alert__isnull=False, alert__jpath__startswith=within)
        .order_by("-issued_at", "-pk")
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=Task.objects.select_related("jurisdiction", "unit").annotate(reports=Count("updates")),
            )
        )[:limit]
    )
    now = clock.now()
    out = []
    for d in directives:
        for t in d.tasks.all():
            if t.state == Task.State.DONE:
                state = "closed"
            elif getattr(t, "reports", 0):
                state = "handled"
            elif t.state == Task.State.ACKNOWLEDGED:
                state = "acknowledged"
            else:
                state = "dispatched"
            out.append(Followed(t, state, state != "closed" and t.deadline < now))
    return out
