"""Public hazard reports (举报): anyone reports, anonymously or named; regulators verify (a verified report
becomes a hazard of the enterprise) and record the reward; only designated staff see a named reporter's
identity, each time with a reason in the audit trail. Nothing about the reporter ever reaches the enterprise."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from fangkong.core import reporters
from fangkong.core.audit import audit_record, stated_reason
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for, unit_ids_for
from fangkong.registry.models import Jurisdiction, Unit

from .hazards import hazard_create
from .models import PublicReport


class TipSubmitInput(FormInput):
    """A hazard reported by the public, from the API's body or the portal's form. Leave name and phone out to
    report anonymously (the portal's form sends them only when the reporter ticks "give my name")."""

    enterprise_id: int | None = None
    place: str = ""
    description: str
    name: str = ""
    phone: str = ""


@transaction.atomic
def tip_submit(
    *, enterprise_id: int | None, place: str, description: str, name: str = "", phone: str = ""
) -> PublicReport:
    """From the portal, no account needed. Named only if both a name and a phone are given."""
    enterprise = Unit.objects.filter(pk=enterprise_id, kind=Unit.Kind.ENTERPRISE).first() if enterprise_id else None
    if enterprise_id and enterprise is None:
        raise FieldError("enterprise_id", _("Unknown enterprise."), code=Code.NOT_FOUND)
    place = " ".join((place or "").split())[:200]
    if not place and enterprise is None:
        raise FieldError("place", _("Say where the hazard is."), code=Code.REQUIRED)
    text = (description or "").strip()
    if len(text) < 6:
        raise FieldError(
            "description",
            _("Describe the hazard (what, where exactly)."),
            code=Code.TOO_SHORT if text else Code.REQUIRED,
        )
    anonymous, name_cipher, phone_cipher = reporters.identity(name, phone)
    district = Jurisdiction.objects.filter(parent__isnull=True).order_by("pk").first()
    report = PublicReport.objects.create(
        enterprise=enterprise,
        place=place or (enterprise.name if enterprise else ""),
        description=text[:4000],
        anonymous=anonymous,
        name_cipher=name_cipher,
        phone_cipher=phone_cipher,
        jpath=enterprise.jpath if enterprise else (district.path if district else ""),
    )
    audit_record(actor=None, action="safety.tip", obj=report, fields={"anonymous": report.anonymous})
    return report


def tips_visible(*, user) -> QuerySet[PublicReport]:
    """For regulators and HQ; never for an enterprise officer (holding only the self-service role)."""
    q = scope_for(user, Cap.SAFETY_TIPS).q("jpath")
    if unit_ids_for(user, Cap.SAFETY_TIPS):
        q = Q()  # a regulator's department works reports district-wide
    elif scope_for(user, Cap.SAFETY_TIPS).empty:
        return PublicReport.objects.none()
    return PublicReport.objects.filter(q).select_related("enterprise", "hazard").order_by("-reported_at")


def _tip(actor, report_id: int) -> PublicReport:
    report = tips_visible(user=actor).select_for_update(of=("self",)).filter(pk=report_id).first()
    if report is None:
        raise NotFound
    return report


@transaction.atomic
def tip_verify(*, actor, report_id: int, grade: str, deadline: datetime | None) -> PublicReport:
    """Confirmed on site: the report becomes a hazard of the enterprise (its source "public", no reporter)."""
    report = _tip(actor, report_id)
    if report.state != PublicReport.State.RECEIVED:
        raise FieldError("state", _("This report is handled already."), code=Code.WRONG_STATE)
    if report.enterprise_id is None:
        raise FieldError("enterprise_id", _("Name the enterprise before registering the hazard."), code=Code.REQUIRED)
    hazard = hazard_create(
        actor=actor,
        enterprise_id=report.enterprise_id,
        grade=grade,
        description=report.description,
        deadline=deadline,
        source="public",
    )
    report.state, report.hazard = PublicReport.State.VERIFIED, hazard
    report.save(update_fields=["state", "hazard"])
    audit_record(actor=actor, action="safety.tip_verify", obj=report, fields={"hazard": hazard.pk})
    return report


@transaction.atomic
def tip_reject(*, actor, report_id: int, note: str) -> PublicReport:
    report = _tip(actor, report_id)
    if report.state != PublicReport.State.RECEIVED:
        raise FieldError("state", _("This report is handled already."), code=Code.WRONG_STATE)
    if not (note or "").strip():
        raise FieldError("note", _("Say what the inspection found."), code=Code.REQUIRED)
    report.state = PublicReport.State.REJECTED
    report.save(update_fields=["state"])
    audit_record(actor=actor, action="safety.tip_reject", obj=report, reason=note.strip()[:300])
    return report


@transaction.atomic
def tip_reward(*, actor, report_id: int, amount: str, note: str = "") -> PublicReport:
    report = _tip(actor, report_id)
    if report.state != PublicReport.State.VERIFIED:
        raise FieldError("state", _("A reward is for a verified report."), code=Code.WRONG_STATE)
    try:
        value = Decimal(str(amount))
    except InvalidOperation as exc:
        raise FieldError("amount", _("An amount in yuan."), code=Code.INVALID) from exc
    if not value.is_finite():
        raise FieldError("amount", _("An amount in yuan."), code=Code.INVALID)
    if value <= 0:
        raise FieldError("amount", _("An amount in yuan."), code=Code.OUT_OF_RANGE)
    report.reward, report.reward_note = value, (note or "").strip()[:200]
    report.save(update_fields=["reward", "reward_note"])
    audit_record(actor=actor, action="safety.tip_reward", obj=report, fields={"amount": str(value)})
    return report


def tip_reveal(*, actor, report_id: int, reason: str) -> tuple[str, str]:
    """A named reporter's name and phone, for designated staff (to pay a reward, to ask a question)."""
    report = tips_visible(user=actor).filter(pk=report_id).first()
    if report is None:
        raise NotFound
    if scope_for(actor, Cap.SAFETY_TIP_IDENTITY).empty and not unit_ids_for(actor, Cap.SAFETY_TIP_IDENTITY):
        raise Forbidden(_("Only designated staff see who reported."))
    if not report.anonymous:
        reason = stated_reason(reason, message=_("Give the reason for seeing who reported."))
    who = reporters.reveal(report)
    audit_record(actor=actor, action="safety.tip_reveal", obj=report, reason=reason.strip()[:300])
    return who
