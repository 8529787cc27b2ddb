"""The inbox over the API: a user's own notifications (core.inbox) and marking them read.

The operation ids follow the API's convention for core (`fangkong_core_api_<function>`, see core.api) although the
module is not named `api`: they were `fangkong_command_api_inbox` and `fangkong_command_api_inbox_read` while the
inbox's endpoints lived in command."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Router, Schema

from . import inbox as notifications
from .api import ErrorOut

router = Router(tags=["inbox"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class NotificationOut(Schema):
    id: int
    at: datetime
    title: str
    body: str
    link: str
    read: bool


@router.get("/inbox", response={200: list[NotificationOut], **ERRORS}, operation_id="fangkong_core_api_inbox")
def inbox(request, unread: bool = False):
    qs = notifications.inbox(user=request.user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [
        {
            "id": n.pk,
            "at": n.at,
            "title": n.title_shown,
            "body": n.body_shown,
            "link": n.link,
            "read": n.read_at is not None,
        }
        for n in qs[:200]
    ]


class ReadIn(Schema):
    ids: list[int] | None = None  # none: all


@router.post("/inbox/read", response={200: dict, **ERRORS}, operation_id="fangkong_core_api_inbox_read")
def inbox_read(request, payload: ReadIn):
    return {"marked": notifications.mark_read(user=request.user, notification_ids=payload.ids)}
