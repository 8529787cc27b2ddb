"""Writing the audit trail. Services call `audit_record`; nothing else writes AuditEvent."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from . import clock
from .actors import Resident, System
from .auditchain import event_mac, seal_after_commit
from .bulk import insert_many, insert_one
from .context_vars import current_request
from .errors import Code, FieldError
from .models import AuditEvent
from .pii import mask_name


def _actor_fields(actor) -> dict[str, Any]:
    if isinstance(actor, System | Resident):
        return {"actor_id": None, "actor_name": actor.get_username()[:150]}
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
        # A person is named in the trail masked (李*), like every personal value in it: the trail is kept for
        # good and shown to auditors; the object id leads to the person for whoever may see them.
        person = object_type == "registry.person" and hasattr(obj, "name")
        object_repr = object_repr or (mask_name(obj.name) if person else str(obj))
        jpath = jpath or getattr(obj, "jpath", "") or ""
    info = current_request.get()
    values = {
        "at": clock.now(),
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "object_repr": object_repr[:200],
        "jpath": jpath,
        # Through JSON once, so that the MAC is made over what the database will give back (tuples become lists).
        "fields": json.loads(json.dumps(dict(fields or {}), default=str)),
        "reason": reason,
        "request_id": info.request_id,
        "client_addr": info.client_addr,
        **_actor_fields(actor),
    }
    return AuditEvent(**values, mac=event_mac({"id": 0, **values}))


def audit_record(**kwargs: Any) -> AuditEvent:
    event = insert_one(audit_event(**kwargs))
    seal_after_commit()
    return event


def audit_record_many(events: Iterable[AuditEvent]) -> None:
    insert_many(list(events))
    seal_after_commit()


# Words people type to get past a "reason" box without giving one.
_PLACEHOLDERS = {"test", "testing", "asdf", "qwer", "none", "null", "n/a", "xxxx", "测试", "测试一下", "没有原因"}


def stated_reason(reason: str, *, field: str = "reason", message: str = "") -> str:
    """A reason fit for the audit trail (why someone's numbers were revealed, why a tracing query ran): at least
    four letters, characters or digits, three of them different, some of them words, and not a placeholder —
    "aaaa", "1234", "test" and "...." say nothing to whoever later asks why ("病例12" does). Returns it with its
    white space folded."""
    from django.utils.translation import gettext as _

    text = " ".join((reason or "").split())
    chars = [c for c in text.lower() if c.isalnum()]
    if len(chars) < 4 or len(set(chars)) < 3 or not any(c.isalpha() for c in chars) or text.lower() in _PLACEHOLDERS:
        raise FieldError(
            field,
            message or _("Give the real reason (at least four characters, not repeated letters or digits)."),
            code=Code.REASON_REQUIRED,
        )
    return text[:500]
