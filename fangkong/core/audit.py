"""Writing the audit trail. Services call `audit_record`; nothing else writes AuditEvent."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from . import clock
from .bulk import insert_many, insert_one
from .context_vars import current_request
from .models import AuditEvent


def _actor_fields(actor) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor_id": None, "actor_name": "system"}
    return {"actor_id": actor.pk, "actor_name": actor.get_username()}


def audit_event(
    *,
    actor,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    jpath: str = "",
    fields: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """An unsaved event (for bulk writes); `fields` must already be masked."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
        jpath = jpath or getattr(obj, "jpath", "") or ""
    info = current_request.get()
    return AuditEvent(
        at=clock.now(),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        jpath=jpath,
        fields=dict(fields or {}),
        reason=reason,
        request_id=info.request_id,
        client_addr=info.client_addr,
        **_actor_fields(actor),
    )


def audit_record(**kwargs: Any) -> AuditEvent:
    return insert_one(audit_event(**kwargs))


def audit_record_many(events: Iterable[AuditEvent]) -> None:
    insert_many(list(events))
