"""Directives down the chain as tasks, their updates and sub-directives."""

from __future__ import annotations

from datetime import datetime

from ninja import Form, Schema, Status

from fangkong.core.api import paginate
from fangkong.core.forms import NoteInput

from .. import directives
from . import ERRORS, router


class DirectiveOut(Schema):
    id: int
    tasks: list[int]


@router.post("/directives", response={201: DirectiveOut, **ERRORS})
def directive_create(request, payload: directives.DirectiveIssueInput):
    """Issue a directive downwards: one task per recipient, each notified."""
    d = directives.directive_issue(actor=request.user, **payload.dict())
    return Status(201, {"id": d.pk, "tasks": list(d.tasks.order_by("pk").values_list("pk", flat=True))})


class TaskOut(Schema):
    id: int
    title: str
    body: str
    deadline: datetime
    state: str  # open | acknowledged | done | overdue
    recipient: str
    directive_id: int
    evidence: str


def _task(t) -> dict:
    return {
        "id": t.pk,
        "title": t.directive.title,
        "body": t.directive.body,
        "deadline": t.deadline,
        "state": t.state_now(),
        "recipient": t.recipient.name,
        "directive_id": t.directive_id,
        "evidence": t.directive.evidence,
    }


class TaskPage(Schema):
    items: list[TaskOut]
    count: int


@router.get("/tasks", response={200: TaskPage, **ERRORS})
def task_list(request, page: int = 1, page_size: int | None = None):
    """The caller's tasks (addressed to their jurisdiction or unit), open ones first."""
    items, count = paginate(directives.tasks_mine(user=request.user), page, page_size)
    return {"items": [_task(t) for t in items], "count": count}


@router.get("/tasks/{int:task_id}", response={200: TaskOut, **ERRORS})
def task_detail(request, task_id: int):
    return _task(directives.task_get(user=request.user, task_id=task_id))


@router.post("/tasks/{int:task_id}/acknowledge", response={200: TaskOut, **ERRORS})
def task_acknowledge(request, task_id: int):
    return _task(directives.task_acknowledge(actor=request.user, task_id=task_id))


@router.post("/tasks/{int:task_id}/complete", response={200: TaskOut, **ERRORS})
def task_complete(request, task_id: int, payload: NoteInput):
    """Done, with the evidence the directive asked for (in the note, or as attachments reported before)."""
    return _task(directives.task_complete(actor=request.user, task_id=task_id, note=payload.note))


class UpdateOut(Schema):
    id: int
    text: str
    at: datetime
    attachment: bool


@router.post("/tasks/{int:task_id}/updates", response={201: UpdateOut, **ERRORS})
def task_update(request, task_id: int, text: Form[str]):
    """Progress on a task, with an optional `attachment` file (multipart form): a JPEG/PNG/WebP photo, a PDF, an
    Excel or a Word file, recognised by its content (a name claiming another type is refused)."""
    attachment = request.FILES.get("attachment")
    u = directives.task_report(actor=request.user, task_id=task_id, text=text, attachment=attachment)
    return Status(201, {"id": u.pk, "text": u.text, "at": u.at, "attachment": bool(u.attachment)})


@router.post("/tasks/{int:task_id}/subtasks", response={201: DirectiveOut, **ERRORS})
def task_split(request, task_id: int, payload: directives.TaskSplitInput):
    """Pass a task further down (a street to its communities): a directive of its own, due no later; without a
    `title`, called after the task."""
    d = directives.task_split(actor=request.user, task_id=task_id, **payload.dict())
    return Status(201, {"id": d.pk, "tasks": list(d.tasks.order_by("pk").values_list("pk", flat=True))})
