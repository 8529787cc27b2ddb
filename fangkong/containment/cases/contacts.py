"""A case's contacts (密接, 次密接): recorded with how they met, managed as the district's protocol says — a
closed loop in their community (screening's follow-up: the owner, the contact deadline, the test days and the
"nobody missed" figures, like an arrival's), a status with its reason — and released by the rules, early by an
officer with a reason, or handed over to another district that manages them instead."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from fangkong.core import clock, events, pii
from fangkong.core.audit import audit_record
from fangkong.core.dates import Moment
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap, scope_for
from fangkong.registry.models import Jurisdiction, Person, jurisdictions_by_id
from fangkong.screening.events import FOLLOWUP_RELEASED, FollowupChanged
from fangkong.screening.followups import release_blockers
from fangkong.screening.models import FollowUp, FollowUpTest, Measure, RiskLevel, ScreeningSettings
from fangkong.screening.protocol import parse_test_days

from .. import errors
from ..models import CloseContact
from ..models.cases import ContactProtocol
from ..status import status_refresh
from .reading import case_get, contact_get, isolated_at
from .records import known_choice

MAX_DAYS = 60


class ContactAddInput(FormInput):
    """A contact of a case: who, close or secondary, how they met, the last exposure; for someone living outside
    the district, to whom they are handed over."""

    person_id: int
    kind: str = CloseContact.Kind.CLOSE
    exposure: str = CloseContact.Exposure.OTHER
    last_exposure_at: Moment
    note: str = ""
    handed_over_to: str = ""


class ContactReleaseInput(FormInput):
    """Release at the protocol's end (tests negative), or early (`early`) by an officer with the reason."""

    note: str = ""
    early: bool = False


class ContactHandOverInput(FormInput):
    """To whom (the other district or authority) and when a contact was handed over."""

    to: str
    at: Moment | None = None


class ContactProtocolInput(FormInput):
    central_days: int
    home_days: int
    test_days: list[int]

    @classmethod
    def form_values(cls, post) -> dict:
        values = super().form_values(post)
        values["test_days"] = parse_test_days(post.get("test_days", ""))
        return values


# A close contact's loop is run like an arrival from a high-risk area's, a secondary contact's like a medium one's
# (the follow-up's level says how urgent the community's work is; its reason says it is a contact).
_LEVEL = {CloseContact.Kind.CLOSE: RiskLevel.HIGH, CloseContact.Kind.SECONDARY: RiskLevel.MEDIUM}


@transaction.atomic
def contact_add(
    *,
    actor,
    case_id: int,
    person_id: int,
    last_contact_at: datetime | None = None,
    last_exposure_at: datetime | None = None,
    kind: str = CloseContact.Kind.CLOSE,
    exposure: str = CloseContact.Exposure.OTHER,
    note: str = "",
    handed_over_to: str = "",
) -> CloseContact:
    """A contact of a case, managed from now on by the protocol (its days counted from the last exposure). The
    contact must be within the actor's view like every person named: one elsewhere in the district is recorded by
    whoever holds both (the street office above, or HQ) — otherwise trying ids would tell which exist. Everything
    is checked before anything is written; a contact already recorded for the case is refused (`duplicate`)."""
    case = case_get(user=actor, case_id=case_id, for_update=True)  # contacts of one case added one at a time
    person = Person.objects.filter(scope_for(actor, Cap.STATUS_VIEW).q(), pk=person_id).first()
    if person is None:
        raise FieldError("person_id", _("Unknown person, or outside your jurisdiction."), code=Code.NOT_FOUND)
    if person.pk == case.person_id:
        raise FieldError("person_id", _("A case is not their own close contact."), code=errors.Code.OWN_CASE)
    known_choice("kind", kind, CloseContact.Kind)
    known_choice("exposure", exposure, CloseContact.Exposure)
    at = last_exposure_at or last_contact_at
    if at is None:
        raise FieldError("last_exposure_at", _("When was the last exposure?"), code=Code.REQUIRED)
    if at > clock.now():
        raise FieldError("last_exposure_at", _("The last exposure cannot be in the future."), code=Code.IN_FUTURE)
    isolated = isolated_at(case)
    if at > isolated:
        raise FieldError(
            "last_exposure_at",
            _("The case was isolated at %(t)s: nobody was exposed to them after that.")
            % {"t": clock.localtime(isolated)},
            code=errors.Code.AFTER_ISOLATION,
        )
    if CloseContact.objects.filter(case=case, person=person).exists():
        raise FieldError("person_id", _("This person is already a contact of this case."), code=Code.DUPLICATE)
    handed_over_to = " ".join((handed_over_to or "").split())
    if person.community_id is None and not handed_over_to:
        raise FieldError(
            "handed_over_to",
            _("The person lives outside the district: say to whom they are handed over."),
            code=errors.Code.HAND_OVER,
        )
    if person.community_id is not None and handed_over_to:
        raise FieldError(
            "handed_over_to",
            _("The person lives in the district: their community manages them."),
            code=errors.Code.IN_DISTRICT,
        )
    protocol = ContactProtocol.load()[kind]
    contact = CloseContact.objects.create(
        case=case,
        person=person,
        kind=kind,
        exposure=exposure,
        last_contact_at=at,
        note=(note or "").strip()[:200],
        recorded_by=actor,
        jpath=person.jpath,
        central_days=protocol.central_days,
        home_days=protocol.home_days,
        test_days=list(protocol.test_days),
        handed_over_to=handed_over_to[:200],
        handed_over_at=clock.now() if handed_over_to else None,
    )
    if not handed_over_to:
        contact.followup = _open_followup(actor, contact, person)
        contact.save(update_fields=["followup"])
    status_refresh([person.pk])
    audit_record(
        actor=actor,
        action="case.contact",
        obj=contact,
        object_repr=pii.mask_name(person.name),
        jpath=case.jpath,
        fields={
            "case": case.pk,
            "person": person.pk,
            "kind": kind,
            "exposure": exposure,
            "handed_over_to": handed_over_to,
        },
    )
    return contact


_LOOP_KIND = {
    CloseContact.Kind.CLOSE: FollowUp.Kind.CLOSE_CONTACT,
    CloseContact.Kind.SECONDARY: FollowUp.Kind.SECONDARY_CONTACT,
}


def _loop_plan(contacts: list[CloseContact], day_one: date, recorded: Iterable[int] = ()) -> dict:
    """What the contacts' protocols ask of their one loop: a close contact's group wins over a secondary's; central
    isolation until the latest central end, the loop to the latest release; each contact's test days counted on the
    loop's day 1 (days with a result recorded are kept: a test taken is never lost)."""
    close = any(c.kind == CloseContact.Kind.CLOSE for c in contacts)
    kind = CloseContact.Kind.CLOSE if close else CloseContact.Kind.SECONDARY
    ends = max(c.release_at for c in contacts)
    centrals = [c.central_until for c in contacts if c.central_days]
    central_end = max(centrals) if centrals else None
    if central_end is not None and central_end >= ends:
        # Central isolation to the very end (a protocol with no days at home): one stage, no switch to home.
        measure, central_until = Measure.CENTRAL_ISOLATION, None
    else:
        measure, central_until = Measure.HOME_ISOLATION, central_end
    days = set(recorded)
    for c in contacts:
        offset = (clock.localdate(c.last_contact_at) - day_one).days
        days |= {d + offset for d in c.test_days if d + offset >= 1}  # an exposure before day 1: its past days gone
    return {
        "kind": _LOOP_KIND[kind],
        "level": _LEVEL[kind],
        "measure": measure,
        "central_until": central_until,
        "measure_ends_at": ends,
        "test_days": sorted(days),
    }


def _reason(contact: CloseContact) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # the reason is kept in the district's language
        return _("%(kind)s of case №%(case)d (%(how)s), last exposure %(at)s") % {
            "kind": CloseContact.Kind(contact.kind).label,
            "case": contact.case_id,
            "how": CloseContact.Exposure(contact.exposure).label,
            "at": clock.localtime(contact.last_contact_at),
        }


def _open_followup(actor, contact: CloseContact, person: Person) -> FollowUp:
    """The closed loop in the contact's community, owned like an arrival's (their grid when they live in one):
    due to be contacted within the district's limit, its test days the protocol's, counted from the exposure.
    Someone already under management in the same community as another case's contact keeps their loop, planned
    again over both contacts."""
    # Two cases' tracers adding the same person at once must not open two loops: the person's row is the lock.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    shared = (
        FollowUp.objects.select_for_update()
        .filter(
            person=person,
            released_at__isnull=True,
            kind__in=list(_LOOP_KIND.values()),
            community_id=person.community_id,  # moved since: the new community opens its own
        )
        .order_by("pk")
        .first()
    )
    if shared is not None:
        return _join_followup(actor, shared, contact)
    places = jurisdictions_by_id()
    community = places[person.community_id or 0]  # a contact without one was handed over, never here
    grid = places.get(person.jurisdiction_id)
    owner: Jurisdiction = grid if grid is not None and grid.path.startswith(community.path) else community
    now = clock.now()
    followup = FollowUp.objects.create(
        person=person,
        **_loop_plan([contact], clock.localdate(contact.last_contact_at)),
        reason=_reason(contact)[:300],
        community=community,
        jurisdiction=owner,
        jpath=owner.path,
        opened_at=contact.last_contact_at,  # day 1 of the tests is the day of the last exposure
        contact_due_at=now + timedelta(minutes=ScreeningSettings.current().contact_limit_minutes),
    )
    audit_record(
        actor=actor,
        action="followup.open",
        obj=followup,
        object_repr=pii.mask_name(person.name),
        fields={"level": followup.level, "measure": followup.measure, "contact": contact.pk},
    )
    return followup


def _managed_on(loop_id: int, *, but: int | None = None) -> list[CloseContact]:
    """The contacts still managed through a loop (not released, not handed over), but one."""
    qs = CloseContact.objects.filter(followup_id=loop_id, released_at__isnull=True, handed_over_at__isnull=True)
    if but is not None:
        qs = qs.exclude(pk=but)
    return list(qs.order_by("pk"))


def _replan(actor, loop: FollowUp, contacts: list[CloseContact], *, action: str, contact: CloseContact) -> None:
    """Set the loop to what its contacts now ask (see _loop_plan), audited with before and after."""
    recorded = set(loop.tests.values_list("day", flat=True))
    plan = _loop_plan(contacts, clock.localdate(loop.opened_at), recorded)
    fields = ["kind", "level", "measure", "central_until", "measure_ends_at", "test_days"]

    def shown(values: dict) -> dict:
        return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}

    before = {k: getattr(loop, k) for k in fields}
    if before == plan:
        return
    for key, value in plan.items():
        setattr(loop, key, value)
    loop.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=action,
        obj=loop,
        object_repr=pii.mask_name(contact.person.name),
        fields={"contact": contact.pk, "before": shown(before), "after": shown(plan)},
    )


def _join_followup(actor, loop: FollowUp, contact: CloseContact) -> FollowUp:
    """A second case's contact joins the person's loop: planned again over every contact it manages now."""
    _replan(actor, loop, [*_managed_on(loop.pk, but=contact.pk), contact], action="followup.extend", contact=contact)
    loop.reason = f"{loop.reason}; {_reason(contact)}"[:300]  # said even when the plan does not change
    loop.save(update_fields=["reason"])
    return loop


def _managed(contact: CloseContact) -> None:
    if contact.released_at is not None:
        raise FieldError("state", _("This contact is released already."), code=Code.WRONG_STATE)
    if contact.handed_over_at is not None:
        raise FieldError("state", _("This contact was handed over to another district."), code=Code.WRONG_STATE)


def _locked(actor, contact_id: int) -> CloseContact:
    """A contact to release or hand over, its loop locked first (the order screening's release takes: loop, then
    contacts), then the contact: two contacts of one loop leaving at once are seen one after the other."""
    loop_id = contact_get(user=actor, contact_id=contact_id).followup_id
    if loop_id is not None:
        FollowUp.objects.select_for_update().filter(pk=loop_id).first()
    return contact_get(user=actor, contact_id=contact_id, for_update=True)


def _close_followup(actor, contact: CloseContact, note: str) -> None:
    """Close the contact's loop in the community with them (its page and desk stop asking for work) — unless the
    loop still manages another case's contact: then it is planned again over those alone (its end, stage and test
    days no longer the leaving contact's)."""
    followup = contact.followup
    if followup is None or followup.released_at is not None:
        return
    others = _managed_on(followup.pk, but=contact.pk)
    if others:
        _replan(actor, followup, others, action="followup.narrow", contact=contact)
        return
    FollowUp.objects.filter(pk=followup.pk, released_at__isnull=True).update(
        released_at=clock.now(), released_by=actor, release_note=note[:300]
    )
    events.emit(FOLLOWUP_RELEASED, FollowupChanged(person_id=contact.person_id, followup_id=followup.pk))


def _release_blockers(contact: CloseContact) -> list[str]:
    """What stands between a contact and release by the rules. The loop's own rules when the loop is this
    contact's alone (its measure ends when the protocol does); when it also manages another case's contact (it
    runs longer), the person reached and this contact's own days over with their own test days negative; without
    a loop (purged), the days alone."""
    loop = contact.followup
    if loop is not None and not _managed_on(loop.pk, but=contact.pk):
        return release_blockers(loop)
    missing = []
    if loop is not None and not loop.contacted_at:
        missing.append(_("the person has not been contacted"))
    if clock.now() < contact.release_at:
        missing.append(_("the measure runs until %(t)s") % {"t": clock.localtime(contact.release_at)})
    if loop is not None:
        offset = (clock.localdate(contact.last_contact_at) - clock.localdate(loop.opened_at)).days
        results = {t.day: t.result for t in loop.tests.all()}
        for day in contact.test_days:
            if day + offset >= 1 and results.get(day + offset) != FollowUpTest.Result.NEGATIVE:
                missing.append(_("no negative result for day %(d)d") % {"d": day + offset})
    return missing


@transaction.atomic
def contact_release(*, actor, contact_id: int, note: str = "", early: bool = False) -> CloseContact:
    """Release by the rules — the protocol's days over, the person reached, every test day negative — or early,
    by an officer who gives the reason (audited as such)."""
    contact = _locked(actor, contact_id)
    _managed(contact)
    note = (note or "").strip()
    if early:
        if not note:
            raise FieldError("note", _("Give the reason for an early release."), code=Code.REASON_REQUIRED)
    else:
        blockers = _release_blockers(contact)
        if blockers:
            raise FieldError(
                "state", _("Cannot release yet: %(why)s.") % {"why": "; ".join(blockers)}, code=errors.Code.UNMET
            )
    contact.released_at, contact.released_by = clock.now(), actor
    contact.release_note, contact.released_early = note[:300], early
    contact.save(update_fields=["released_at", "released_by", "release_note", "released_early"])
    _close_followup(actor, contact, note or _("Released at the end of the protocol."))
    status_refresh([contact.person_id])
    audit_record(
        actor=actor,
        action="contact.release_early" if early else "contact.release",
        obj=contact,
        object_repr=pii.mask_name(contact.person.name),
        reason=note[:300],
    )
    return contact


@transaction.atomic
def contact_hand_over(*, actor, contact_id: int, to: str, at: datetime | None = None) -> CloseContact:
    """Handed over to another district or authority (someone who lives or went there): recorded to whom and when;
    nobody here follows them up any longer."""
    contact = _locked(actor, contact_id)
    _managed(contact)
    to = " ".join((to or "").split())
    if not to:
        raise FieldError("to", _("Say to whom the contact is handed over."), code=Code.REQUIRED)
    at = at or clock.now()
    if at > clock.now():
        raise FieldError("at", _("The hand-over cannot be in the future."), code=Code.IN_FUTURE)
    contact.handed_over_to, contact.handed_over_at = to[:200], at
    contact.save(update_fields=["handed_over_to", "handed_over_at"])
    _close_followup(actor, contact, _("Handed over to %(to)s") % {"to": to})
    status_refresh([contact.person_id])
    audit_record(
        actor=actor,
        action="contact.hand_over",
        obj=contact,
        object_repr=pii.mask_name(contact.person.name),
        fields={"to": to, "at": at.isoformat()},
    )
    return contact


def contacts_followup_released(followup_id: int) -> None:
    """Screening's worker released a contact's loop by its rules (reached, days over, tests negative): the
    contacts sharing it are released with it, by the same person (screening audited it)."""
    contacts = list(
        CloseContact.objects.select_for_update()
        .filter(followup_id=followup_id, released_at__isnull=True, handed_over_at__isnull=True)
        .select_related("followup")
        .order_by("pk")
    )
    loop = contacts[0].followup if contacts else None
    if loop is None or loop.released_at is None:
        return
    for contact in contacts:  # the loop ran to the latest end: every contact sharing it is over
        contact.released_at, contact.released_by, contact.release_note = (
            loop.released_at,
            loop.released_by,
            loop.release_note,
        )
        contact.save(update_fields=["released_at", "released_by", "release_note"])
    status_refresh([contacts[0].person_id])


@transaction.atomic
def contact_protocol_update(
    *, actor, kind: str, central_days: int, home_days: int, test_days: list[int] | str
) -> ContactProtocol:
    """The district's protocol for a kind of contact (HQ): applies to contacts recorded from now on."""
    if not has_cap(actor, Cap.ZONE_PROTOCOL):
        raise Forbidden(Cap.ZONE_PROTOCOL)
    known_choice("kind", kind, CloseContact.Kind)
    for field, value in (("central_days", central_days), ("home_days", home_days)):
        if not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
            raise FieldError(field, _("Days: 0 to %(n)d.") % {"n": MAX_DAYS}, code=Code.OUT_OF_RANGE)
    total = central_days + home_days
    if not 0 < total <= MAX_DAYS:
        raise FieldError(
            "home_days", _("The protocol lasts 1 to %(n)d days.") % {"n": MAX_DAYS}, code=Code.OUT_OF_RANGE
        )
    days = parse_test_days(test_days)
    if days and days[-1] > total:
        raise FieldError("test_days", _("A test day falls after the protocol ends."), code=Code.OUT_OF_RANGE)
    row = ContactProtocol.objects.select_for_update().filter(kind=kind).first() or ContactProtocol.load()[kind]
    before = {"central_days": row.central_days, "home_days": row.home_days, "test_days": list(row.test_days)}
    after = {"central_days": central_days, "home_days": home_days, "test_days": days}
    if before == after and row.pk is not None:
        return row
    row.central_days, row.home_days, row.test_days = central_days, home_days, days
    row.version = (row.version or 0) + (1 if row.pk is not None else 0)
    row.updated_at, row.updated_by = clock.now(), actor
    row.save()
    audit_record(
        actor=actor,
        action="contact_protocol.update",
        obj=row,
        object_repr=str(CloseContact.Kind(kind).label),
        fields={"before": before, "after": after},
    )
    return row


def contact_protocols() -> list[ContactProtocol]:
    rows = ContactProtocol.load()
    return [rows[k] for k in CloseContact.Kind.values]


__all__ = [
    "ContactAddInput",
    "ContactHandOverInput",
    "ContactProtocolInput",
    "ContactReleaseInput",
    "contact_add",
    "contact_hand_over",
    "contact_protocol_update",
    "contact_protocols",
    "contact_release",
    "contacts_followup_released",
]
