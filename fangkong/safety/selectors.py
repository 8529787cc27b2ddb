"""Who sees which enterprises and hazards, and in which part they act for an enterprise: the one reading of reach
that pages, the API and the services share (an enterprise out of reach reads like one that does not exist)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, scope_for, unit_ids_for
from fangkong.registry.models import RoleAssignment, Unit

from .models import Hazard, HazardStep, IndustryDepartment, Licence


def reach_q(user, via: str = "", industry: str = "") -> Q:
    """Who sees which enterprises, once for both uses: enterprises within the caller's jurisdiction; those a
    regulator's department supervises (directly or by the industry matrix); an enterprise officer's own. `via`
    "enterprise__" reads it from a hazard (whose `jpath` is its enterprise's copy: no join for the common case);
    `industry` names a copy of the enterprise's industry on the row read (a hazard's)."""
    q = Q(pk__in=[])
    scope = scope_for(user, Cap.SAFETY_VIEW)
    if not scope.empty:
        q |= scope.q("jpath")
    depts = unit_ids_for(user, Cap.SAFETY_REGULATE)
    if depts:
        industries = list(IndustryDepartment.objects.filter(department_id__in=depts).values_list("industry", flat=True))
        q |= Q(**{f"{via}supervising_department_id__in": depts})
        if industries:
            q |= Q(**{f"{industry or via + 'safety_profile__industry'}__in": industries})
    own = unit_ids_for(user, Cap.SAFETY_SELF)
    if own:
        q |= Q(**{f"{via}pk__in": own})
    return q


def enterprises_visible(*, user) -> QuerySet[Unit]:
    return Unit.objects.filter(reach_q(user), kind=Unit.Kind.ENTERPRISE).distinct().order_by("jpath", "name")


def role_of(user, enterprise: Unit) -> str:
    """In which part the user acts for an enterprise: "enterprise" (its own officer), "regulator" (a regulator's
    department that sees it, or a regulator over its place), "" (only sees it, or not even that). Each service
    asks it before anything is written; the pages offer what it allows."""
    if enterprise.pk in unit_ids_for(user, Cap.SAFETY_SELF):
        return "enterprise"
    if enterprises_visible(user=user).filter(pk=enterprise.pk).exists() and (
        unit_ids_for(user, Cap.SAFETY_REGULATE) or scope_for(user, Cap.SAFETY_REGULATE).covers(enterprise.jpath)
    ):
        return "regulator"
    return ""


def enterprises_acted_for(*, user) -> QuerySet[Unit]:
    """The enterprises for which `role_of` is not "" — as one query, for a form's choice of enterprise (a hazard
    recorded, an accident reported): its officer's own, and those a regulator sees and regulates."""
    rows = enterprises_visible(user=user)
    if unit_ids_for(user, Cap.SAFETY_REGULATE):
        return rows
    return rows.filter(Q(pk__in=unit_ids_for(user, Cap.SAFETY_SELF)) | scope_for(user, Cap.SAFETY_REGULATE).q("jpath"))


def hazards_visible(*, user) -> QuerySet[Hazard]:
    # Measured at 200,000 hazards: reading the reach on the hazard's own columns halves the time of a subquery
    # over the visible enterprises.
    return Hazard.objects.filter(reach_q(user, via="enterprise__", industry="industry")).select_related("enterprise")


def supervising_departments(enterprises) -> dict[int, set[int]]:
    """enterprise id → the departments supervising it: its own supervising department and the one the industry
    matrix names for its industry (三管三必须) — one query for the matrix, whatever the number of enterprises
    (their `safety_profile` should be selected with them)."""
    matrix = dict(IndustryDepartment.objects.values_list("industry", "department_id"))
    out = {}
    for e in enterprises:
        industry = getattr(getattr(e, "safety_profile", None), "industry", "")
        out[e.pk] = {d for d in (e.supervising_department_id, matrix.get(industry)) if d}
    return out


def responsibility(*, user, enterprise_id: int) -> dict:
    """三管三必须: the department supervising the enterprise's industry, those that approved its licences, and
    those whose people inspected it."""
    enterprise = enterprises_visible(user=user).select_related("safety_profile").filter(pk=enterprise_id).first()
    if enterprise is None:
        raise NotFound
    depts = supervising_departments([enterprise])[enterprise.pk]
    names = dict(Unit.objects.filter(pk__in=depts).values_list("pk", "name"))
    # The enterprise's own supervising department first, then the industry's.
    supervising = [names[d] for d in sorted(depts, key=lambda d: d != enterprise.supervising_department_id)]
    approving = sorted(
        {lic.approved_by.name for lic in Licence.objects.filter(enterprise=enterprise).select_related("approved_by")}
    )
    inspectors = HazardStep.objects.filter(hazard__enterprise=enterprise, hazard__source="inspection").values_list(
        "by_id", flat=True
    )
    inspecting = sorted(
        {
            a.unit.name
            for a in RoleAssignment.objects.filter(
                user_id__in=inspectors, unit__kind=Unit.Kind.DEPARTMENT
            ).select_related("unit")
            if a.unit is not None
        }
    )
    return {
        "enterprise": enterprise.name,
        "supervising": supervising,
        "approving": approving,
        "inspecting": inspecting,
    }
