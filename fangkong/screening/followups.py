"""The grid worker's closed-loop work on a case: contact, confirm where the person is, record tests, release."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import clock, daily, events, pii
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput

from . import errors
from .events import FOLLOWUP_RELEASED, FollowupChanged
from .hall import FOLLOWUPS_RELEASED
from .models import FollowUp, FollowUpTest
from .selectors import followup_get


class FollowupLocationInput(FormInput):
    """Where the person of a case is staying, as confirmed (which also means they were reached)."""

    where: str


class FollowupTestInput(FormInput):
    """A scheduled test's result: the day of the case it belongs to (one of its test days) and the result."""

    day: int
    result: str


def _active(followup: FollowUp) -> None:
    if followup.released_at:
        raise FieldError("state", _("This case is already released."), code=Code.WRONG_STATE)


@transaction.atomic
def followup_contact(*, actor, followup_id: int, note: str = "") -> FollowUp:
    """The person was reached. Contact after the limit still counts, as late: the case stays on the record."""
    followup = followup_get(user=actor, followup_id=followup_id, for_update=True)
    _active(followup)
    if followup.contacted_at:
        return followup  # a second tap changes nothing
    followup.contacted_at, followup.contacted_by = clock.now(), actor
    followup.save(update_fields=["contacted_at", "contacted_by"])
    audit_record(
        actor=actor,
        action="followup.contact",
        obj=followup,
        object_repr=pii.mask_name(followup.person.name),
        fields={"in_time": followup.contacted_in_time},
        reason=(note or "")[:300],
    )
    return followup


@transaction.atomic
def followup_confirm_location(*, actor, followup_id: int, where: str) -> FollowUp:
    followup = followup_get(user=actor, followup_id=followup_id, for_update=True)
    _active(followup)
    where = " ".join((where or "").split())
    if not where:
        raise FieldError("where", _("Say where the person is staying."), code=Code.REQUIRED)
    if not followup.contacted_at:
        followup.contacted_at, followup.contacted_by = clock.now(), actor  # confirming means they were reached
    followup.location_confirmed_at, followup.location_note = clock.now(), where[:200]
    followup.save(update_fields=["contacted_at", "contacted_by", "location_confirmed_at", "location_note"])
    audit_record(
        actor=actor,
        action="followup.location",
        obj=followup,
        object_repr=pii.mask_name(followup.person.name),
        fields={"where": "…"},
    )
    return followup


@transaction.atomic
def followup_record_test(*, actor, followup_id: int, day: int, result: str) -> FollowUpTest:
    followup = followup_get(user=actor, followup_id=followup_id, for_update=True)
    _active(followup)
    if day not in followup.test_days:
        raise FieldError(
            "day",
            _("Tests are scheduled on days %(days)s.") % {"days": ", ".join(str(d) for d in followup.test_days)},
            code=Code.UNKNOWN_CHOICE,
        )
    if result not in FollowUpTest.Result.values:
        raise FieldError("result", _("The result is negative, positive or pending."), code=Code.UNKNOWN_CHOICE)
    test, _created = FollowUpTest.objects.update_or_create(
        followup=followup, day=day, defaults={"result": result, "recorded_by": actor, "recorded_at": clock.now()}
    )
    audit_record(
        actor=actor,
        action="followup.test",
        obj=followup,
        object_repr=pii.mask_name(followup.person.name),
        fields={"day": day, "result": result},
    )
    return test


def release_blockers(followup: FollowUp) -> list[str]:
    """What still stands between the case and its release, in words."""
    now = clock.now()
    missing = []
    if not followup.contacted_at:
        missing.append(_("the person has not been contacted"))
    if now < followup.measure_ends_at:
        missing.append(_("the measure runs until %(t)s") % {"t": clock.localtime(followup.measure_ends_at)})
    results = {t.day: t.result for t in followup.tests.all()}
    for day in followup.test_days:
        if results.get(day) != FollowUpTest.Result.NEGATIVE:
            missing.append(_("no negative result for day %(d)d") % {"d": day})
    return missing


@transaction.atomic
def followup_release(*, actor, followup_id: int, note: str = "") -> FollowUp:
    followup = followup_get(user=actor, followup_id=followup_id, for_update=True)
    _active(followup)
    blockers = release_blockers(followup)
    if blockers:
        raise FieldError(
            "state", _("Cannot release yet: %(why)s.") % {"why": "; ".join(blockers)}, code=errors.Code.UNMET
        )
    followup.released_at, followup.released_by = clock.now(), actor
    followup.release_note = (note or "").strip()[:300]
    followup.save(update_fields=["released_at", "released_by", "release_note"])
    daily.add(FOLLOWUPS_RELEASED, followup.released_at, followup.jpath, shard=followup.pk)  # the hall's trend
    audit_record(actor=actor, action="followup.release", obj=followup, object_repr=pii.mask_name(followup.person.name))
    events.emit(FOLLOWUP_RELEASED, FollowupChanged(person_id=followup.person_id, followup_id=followup.pk))
    return followup
