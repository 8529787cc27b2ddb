from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from .models import AuditEvent
from .roles import Cap
from .scoping import Forbidden, scope_for


def audit_events(
    *,
    user,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    scope = scope_for(user, Cap.AUDIT_VIEW)
    if scope.empty:
        raise Forbidden(Cap.AUDIT_VIEW)
    # Events with no jurisdiction (logins, seeding, imports) are district-wide: only a district-level scope sees them.
    qs = AuditEvent.objects.filter(scope.q("jpath") | _district_wide(scope))
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_name=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return qs.order_by("-at", "-id")


def _district_wide(scope) -> Q:
    if scope.district_wide:
        return Q(jpath="")
    return Q(pk__in=[])
