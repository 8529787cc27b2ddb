"""Command pages: my tasks, a task, directives (issue and follow)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import NoteInput
from fangkong.core.paging import page_of
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.registry.models import Jurisdiction
from fangkong.registry.selectors import jurisdiction_asked, jurisdictions_below, units_within

from .. import directives


@scoped
def my_tasks(request):
    if not has_cap(request.user, Cap.TASK_WORK):
        raise Forbidden(Cap.TASK_WORK)
    directives.escalate_overdue()  # overdue tasks are told upwards without waiting for cron
    page, query = page_of(request, directives.tasks_mine(user=request.user))
    return render(request, "command/tasks.html", {"page": page, "query": query})


@scoped
def task_detail(request, task_id: int):
    task = directives.task_get(user=request.user, task_id=task_id)
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                directives.task_acknowledge(actor=request.user, task_id=task.pk)
            elif action == "report":
                directives.task_report(
                    actor=request.user,
                    task_id=task.pk,
                    text=request.POST.get("text", ""),
                    attachment=request.FILES.get("attachment"),
                )
            elif action == "complete":
                note = NoteInput.from_form(request.POST).note
                directives.task_complete(actor=request.user, task_id=task.pk, note=note)
            elif action == "split":
                data = directives.TaskSplitInput.from_form(request.POST)
                directives.task_split(actor=request.user, task_id=task.pk, **data.dict())
            messages.success(request, _("Saved."))
            return redirect("command:task", task.pk)
        except Forbidden as exc:
            error = FieldError("state", exc.reason or _("You may not take this decision."), code=Code.FORBIDDEN)
        except FieldError as exc:
            error = exc
    below = Jurisdiction.objects.filter(parent_id=task.jurisdiction_id).order_by("path") if task.jurisdiction_id else []
    return render(
        request,
        "command/task.html",
        {
            "task": task,
            "state": task.state_now(),
            "updates": task.updates.select_related("author").order_by("at"),
            "mine": directives.tasks_mine(user=request.user).filter(pk=task.pk).exists(),
            "can_split": has_cap(request.user, Cap.DIRECTIVE_ISSUE) and bool(below),
            "below": below,
            "error": error,
        },
        status=400 if error else 200,
    )


@scoped
def attachment(request, update_id: int):
    """A progress report's attachment, for those who may see the task."""
    from ..models import TaskUpdate

    update = TaskUpdate.objects.filter(pk=update_id).exclude(attachment="").first()
    if update is None:
        raise Http404
    directives.task_get(user=request.user, task_id=update.task_id)  # 404 outside
    return FileResponse(update.attachment.open("rb"), as_attachment=True)


@scoped
def directive_list(request):
    if not has_cap(request.user, Cap.DIRECTIVE_ISSUE) and not has_cap(request.user, Cap.TASK_OVERSEE):
        raise Forbidden(Cap.DIRECTIVE_ISSUE)
    error = None
    if request.method == "POST":
        try:
            data = directives.DirectiveIssueInput.from_form(request.POST)
            d = directives.directive_issue(actor=request.user, **data.dict())
            messages.success(request, _("Directive issued to %(n)d recipients.") % {"n": d.tasks.count()})
            return redirect("command:directive", d.pk)
        except FieldError as exc:
            error = exc
    page, query = page_of(request, directives.directives_visible(user=request.user))
    # The hall's "tasks overdue" (`?state=overdue`, narrowed to its jurisdiction): the tasks below the caller
    # past their deadline and not done, above the directives.
    overdue, within = None, None
    if request.GET.get("state") == "overdue" and has_cap(request.user, Cap.TASK_OVERSEE):
        within = jurisdiction_asked(user=request.user, cap=Cap.TASK_OVERSEE, params=request.GET)
        overdue = list(directives.tasks_overdue(user=request.user, within=within.path if within else "")[:500])
    # Who one may address: the jurisdictions right below one's own, and the units within reach.
    below = jurisdictions_below(user=request.user, cap=Cap.DIRECTIVE_ISSUE).order_by("path")
    kinds = ["department", "clinic", "enterprise"]
    units = units_within(user=request.user, cap=Cap.DIRECTIVE_ISSUE, kinds=kinds).order_by("kind", "name")[:300]
    return render(
        request,
        "command/directives.html",
        {
            "page": page,
            "query": query,
            "below": below,
            "units": units,
            "error": error,
            "form": request.POST,
            "overdue": overdue,
            "within": within,
        },
        status=400 if error else 200,
    )


@scoped
def directive_detail(request, directive_id: int):
    directive = directives.directive_get(user=request.user, directive_id=directive_id)
    directives.escalate_overdue()
    tasks = list(directive.tasks.select_related("jurisdiction", "unit").order_by("pk"))
    now = clock.now()
    rows = [(t, t.state_now(now)) for t in tasks]
    return render(
        request,
        "command/directive.html",
        {"directive": directive, "rows": rows, "counts": directives.task_counts(tasks, now)},
    )
