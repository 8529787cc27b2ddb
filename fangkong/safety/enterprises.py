"""Enterprises as work safety knows them: the profile (industry, size, first responsible person, special risks) kept
by the enterprise's own officer or its regulator; licences recorded by the regulator with the department that
approved them; and the industry → department matrix (三管三必须: whoever approves an industry supervises it) that
district HQ keeps as data."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.dates import Day
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap, scope_for
from fangkong.registry.models import Unit

from .labels import INDUSTRIES, SIZES, SPECIAL_RISKS
from .models import EnterpriseProfile, Hazard, IndustryDepartment, Licence
from .selectors import enterprises_visible, role_of


def enterprise_get(*, user, enterprise_id: int, for_update: bool = False) -> Unit:
    """The one access path to an enterprise: one the user sees (its officer, a regulator over it, its
    jurisdiction); NotFound otherwise. `for_update` locks its row (the services' writes)."""
    if for_update:
        rows = Unit.objects.select_for_update().filter(pk__in=enterprises_visible(user=user).values("pk"))
    else:
        rows = enterprises_visible(user=user).select_related("safety_profile", "supervising_department", "jurisdiction")
    found = rows.filter(pk=enterprise_id).first()
    if found is None:
        raise NotFound
    return found


def enterprises_listed(*, user, text: str = "") -> QuerySet[Unit]:
    """The enterprises the user sees, with their open hazards counted, found by name or code."""
    rows = enterprises_visible(user=user).select_related("safety_profile", "jurisdiction")
    text = (text or "").strip()
    if text:
        rows = rows.filter(Q(name__icontains=text) | Q(code__iexact=text) | Q(uscc__iexact=text))
    return rows.annotate(open_hazards=Count("hazards", filter=~Q(hazards__state=Hazard.State.CLOSED)))


def licences_of(enterprise: Unit) -> list[Licence]:
    return list(enterprise.licences.select_related("approved_by").order_by("valid_until", "kind"))


def expired(licence: Licence, today: date | None = None) -> bool:
    return licence.valid_until is not None and licence.valid_until < (today or clock.localdate())


class ProfileUpdateInput(FormInput):
    """An enterprise's profile, from the API's body or its page's form; a field not given keeps its value."""

    industry: str | None = None
    size: str | None = None
    principal: str | None = None
    special_risks: list[str] | None = None  # SPECIAL_RISKS keys

    @classmethod
    def form_values(cls, post) -> dict:
        values = super().form_values(post)
        values["special_risks"] = [r for r in post.getlist("special_risks") if r.strip()]
        return values


def can_keep_profile(user, enterprise: Unit) -> bool:
    """Who keeps an enterprise's profile: its own officer or its regulator (profile_update's check; the page
    offers the form to them alone)."""
    return bool(role_of(user, enterprise))


def can_add_licence(user, enterprise: Unit) -> bool:
    """Who records a licence: the enterprise's regulator (licence_add's check)."""
    return role_of(user, enterprise) == "regulator"


@transaction.atomic
def profile_update(
    *,
    actor,
    enterprise_id: int,
    industry: str | None = None,
    size: str | None = None,
    principal: str | None = None,
    special_risks: list[str] | None = None,
) -> Unit:
    """The enterprise's profile: its own officer or a regulator keeps it. Its hazards carry its industry."""
    enterprise = enterprise_get(user=actor, enterprise_id=enterprise_id, for_update=True)
    if not can_keep_profile(actor, enterprise):
        raise NotFound
    profile, _created = EnterpriseProfile.objects.select_for_update().get_or_create(unit=enterprise)
    if size is not None and size.strip() and size.strip() not in dict(SIZES):
        raise FieldError("size", _("Choose a size among those listed."), code=Code.UNKNOWN_CHOICE)
    known = {key for key, _label in SPECIAL_RISKS}
    for row, risk in enumerate(special_risks or []):
        if risk not in known:
            raise FieldError("special_risks", _("Choose among the risks listed."), row=row, code=Code.UNKNOWN_CHOICE)
    if industry is not None:
        profile.industry = industry.strip()[:40]
    if size is not None:
        profile.size = size.strip()
    if principal is not None:
        profile.principal = principal.strip()[:64]
    if special_risks is not None:
        profile.special_risks = list(dict.fromkeys(special_risks))
    profile.save()
    Hazard.objects.filter(enterprise=enterprise).exclude(industry=profile.industry).update(industry=profile.industry)
    audit_record(actor=actor, action="safety.profile", obj=enterprise)
    return enterprise


class LicenceAddInput(FormInput):
    """A licence, from the API's body or the enterprise's page."""

    kind: str
    number: str = ""
    approved_by_id: int
    valid_until: Day | None = None


@transaction.atomic
def licence_add(
    *, actor, enterprise_id: int, kind: str, number: str = "", approved_by_id: int, valid_until: date | None = None
) -> Licence:
    """A licence the enterprise holds, with the department that approved it (which thereby supervises it): recorded
    by a regulator."""
    enterprise = enterprise_get(user=actor, enterprise_id=enterprise_id, for_update=True)
    if not can_add_licence(actor, enterprise):
        raise NotFound
    dept = Unit.objects.filter(pk=approved_by_id, kind=Unit.Kind.DEPARTMENT).first()
    if dept is None:
        raise FieldError("approved_by_id", _("The approving department."), code=Code.NOT_FOUND)
    if not (kind or "").strip():
        raise FieldError("kind", _("Name the licence."), code=Code.REQUIRED)
    licence = Licence.objects.create(
        enterprise=enterprise,
        kind=kind.strip()[:60],
        number=(number or "").strip()[:60],
        approved_by=dept,
        valid_until=valid_until,
    )
    audit_record(actor=actor, action="safety.licence", obj=enterprise, fields={"kind": licence.kind})
    return licence


def may_read_matrix(user) -> bool:
    """Regulators and those who oversee enterprises read the matrix (an enterprise's officer does not)."""
    return has_cap(user, Cap.SAFETY_REGULATE) or has_cap(user, Cap.SAFETY_VIEW)


def industry_matrix(*, user) -> list[IndustryDepartment]:
    """三管三必须 as the district keeps it: each industry with its supervising department (who regulates sees it)."""
    if not may_read_matrix(user):
        raise Forbidden(Cap.SAFETY_REGULATE)
    return list(IndustryDepartment.objects.select_related("department").order_by("industry"))


def may_keep_matrix(user) -> bool:
    return scope_for(user, Cap.SAFETY_REGULATE).district_wide


class IndustryAssignInput(FormInput):
    """An industry and its supervising department, from the matrix page (or the API, whose address names the
    industry)."""

    industry: str = ""
    department_id: int


@transaction.atomic
def industry_assign(*, actor, industry: str, department_id: int) -> IndustryDepartment:
    """三管三必须 as data: district HQ says which department supervises an industry."""
    if not may_keep_matrix(actor):
        raise Forbidden(Cap.SAFETY_REGULATE)
    dept = Unit.objects.filter(pk=department_id, kind=Unit.Kind.DEPARTMENT).first()
    if dept is None:
        raise FieldError("department_id", _("The supervising department."), code=Code.NOT_FOUND)
    if not (industry or "").strip():
        raise FieldError("industry", _("Name the industry."), code=Code.REQUIRED)
    row, _created = IndustryDepartment.objects.update_or_create(
        industry=industry.strip()[:40], defaults={"department": dept}
    )
    audit_record(
        actor=actor,
        action="safety.industry",
        object_type="safety.industrydepartment",
        object_id=row.pk,
        object_repr=row.industry,
        fields={"department": dept.name},
    )
    return row


def industries_known() -> list[str]:
    """The industries a profile's industry is chosen among: the fixed list (labels.INDUSTRIES: what the built-in
    checklists fit), then those the district named in its matrix or its profiles."""
    fixed = [key for key, _label in INDUSTRIES]
    named = set(IndustryDepartment.objects.values_list("industry", flat=True))
    named |= set(EnterpriseProfile.objects.exclude(industry="").values_list("industry", flat=True).distinct()[:500])
    return fixed + sorted(named - set(fixed))
