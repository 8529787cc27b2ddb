"""Registering a passage at a checkpoint: who, from where, and what the staff must do with them.

One transaction writes the passage, the registry record of a non-resident, the follow-up for an arrival from a
risk area and the violation for an unreported exit — or nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import clock, daily, events, pii
from fangkong.core.alerts import raise_alert
from fangkong.core.audit import audit_record
from fangkong.core.bulk import count_add, get_by, insert_one
from fangkong.core.dates import Moment
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.ids import (
    InvalidDocument,
    clean_document,
    clean_phone,
    clean_plate,
    parse_doc_type,
)
from fangkong.core.inbox import notify, words
from fangkong.core.roles import Cap
from fangkong.core.scoping import scope_for
from fangkong.registry.models import Jurisdiction, Person, PersonTag, jurisdictions_by_id
from fangkong.registry.services import person_record_visitor

from . import platform_status, rules
from .events import FOLLOWUP_OPENED, HIGH_RISK_ARRIVAL, OFFLINE_DIFFERENCE, FollowupChanged
from .hall import FOLLOWUPS_OPENED
from .models import (
    ArrivalCount,
    Checkpoint,
    FollowUp,
    Instruction,
    Passage,
    RiskLevel,
    RiskProtocol,
    ScreeningSettings,
    Shift,
    TravelReport,
    Violation,
    risk_areas_all,
)
from .offline import OFFLINE_RULES
from .selectors import checkpoint_for_work
from .travel import trips_covering

# Most urgent first, as the instructions are listed: a lower number is the stricter instruction.
INSTRUCTION_ORDER = {value: i for i, value in enumerate(Instruction.values)}

PLACES_SPLIT = re.compile(r"[,，、;；\n]+")
CLOCK_SKEW = timedelta(minutes=5)  # a scanner's clock may run a little ahead
MAX_VISITED = 20
TEMPERATURE_RANGE = (Decimal("34.0"), Decimal("43.0"))


class PassageInput(FormInput):
    """A passage as a scanner posts it (the API's body), as the staff's page fills it (`from_form`) and as
    `passage_register` takes it: one declaration of its shape. The service checks the values."""

    direction: str
    document_type: str = ""
    document_number: str
    name: str = ""
    phone: str = ""
    plate: str = ""
    origin: str = ""
    visited: list[str] = []
    destination_community: int | None = None
    destination_address: str = ""
    temperature: float | None = None
    status_code: str = ""
    negative_test_48h: bool = False
    occurred_at: Moment | None = None
    # What the page decided offline (screening/offline.py), checked again here: the instruction, its rule, and
    # what it decided with (the rules' version, the status list's time).
    offline_instruction: str = ""
    offline_rule: str = ""
    offline_basis: str = ""

    @classmethod
    def form_values(cls, post) -> dict:
        """The staff's page types the places visited as one line ("长春市、北京市朝阳区") and leaves out the direction
        of a plain registration (in)."""
        values = super().form_values(post)
        values["visited"] = places(post.get("visited", ""))
        values.setdefault("direction", "in")
        return values


def places(text: str) -> list[str]:
    """ "长春市、北京市朝阳区" → ["长春市", "北京市朝阳区"] (Chinese and Western separators)."""
    return [p.strip() for p in PLACES_SPLIT.split(text or "") if p.strip()]


@dataclass
class PassageResult:
    passage: Passage
    followup: FollowUp | None
    violation: Violation | None
    new_followup: bool


def traveller_name(user) -> Callable[[Passage], str]:
    """How `user` reads the traveller's name on passages: the register's name in full where their jurisdiction
    holds the passage (the destination community follows the arrival up); for checkpoint staff, who see their
    checkpoint's passages but nothing of the register, the name they typed, masked (李*). Never the register's
    name to them: it would tell them that a typed number is registered, and whose it is."""
    scope = scope_for(user, Cap.PASSAGE_VIEW)
    return lambda p: _name_for(scope, p)


def traveller_ref(user) -> Callable[[Passage], dict]:
    """The traveller of a passage as `user` may read it: the person's id and the register's name where their
    jurisdiction holds the passage, the typed name masked elsewhere (see traveller_name)."""
    scope = scope_for(user, Cap.PASSAGE_VIEW)
    return lambda p: {
        "id": p.person_id if scope.covers(p.jpath) else None,
        "name": _name_for(scope, p),
        "document_number": p.person.document_masked,
    }


def _name_for(scope, p: Passage) -> str:
    return p.person.name if scope.covers(p.jpath) else pii.mask_name(p.name)


def passage_reply(user, result: PassageResult) -> dict:
    """What the one who registered a passage is told. Everything in it follows from what they typed and the rules,
    never from whether the number was already registered: a known person with no risk and a number seen for the
    first time read the same. The register's facts (the person's id, their name, an exit without a travel report,
    which only a registered resident can commit) only to those whose jurisdiction holds them.

    What does differ, by design, is what the checkpoint exists for: a person the platform restricts (red, yellow
    — a case, a zone, closed-loop management, a recall) or who reported a trip ending in a risk area is told apart,
    as a status scanner tells them apart, with short reasons and without naming where they went. A case still open
    is one of those restrictions, so the id of that case (the scanners' contract: `followup_id`) says nothing the
    instruction has not said; its page is the community's (staff get a 404)."""
    p = result.passage
    scope = scope_for(user, Cap.PASSAGE_VIEW)
    followup, violation = result.followup, result.violation
    return {
        "id": p.pk,
        "instruction": p.instruction,
        "instruction_text": str(p.get_instruction_display()),
        "rule": p.rule_text,
        "rule_code": p.rule,
        # The typed destination follows a risk arrival up (a case still open may be elsewhere: not said).
        "followed_up_by": p.destination_community.name if followup and p.destination_community else None,
        "followup_id": followup.pk if followup else None,
        "violation_id": violation.pk if violation and scope.covers(violation.jpath) else None,
        "person": traveller_ref(user)(p),
    }


def _text(value: str, limit: int) -> str:
    return " ".join(unicodedata.normalize("NFKC", value or "").split())[:limit]


def _temperature(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        t = Decimal(str(value)).quantize(Decimal("0.1"))
    except InvalidOperation as exc:
        raise FieldError("temperature", _("The temperature is a number such as 36.5."), code=Code.INVALID) from exc
    if not TEMPERATURE_RANGE[0] <= t <= TEMPERATURE_RANGE[1]:
        raise FieldError(
            "temperature", _("A body temperature is between 34 and 43 °C; measure again."), code=Code.OUT_OF_RANGE
        )
    return t


def _moment(value: datetime | None, settings_row: ScreeningSettings) -> datetime:
    now = clock.now()
    if value is None:
        return now
    if value.tzinfo is None:
        raise FieldError(
            "occurred_at", _("Give the time with its offset (e.g. 2022-05-01T08:30:00+08:00)."), code=Code.INVALID
        )
    if value > now + CLOCK_SKEW:
        raise FieldError("occurred_at", _("The time is in the future; check the device's clock."), code=Code.IN_FUTURE)
    if value < now - timedelta(days=settings_row.passage_retention_days):
        raise FieldError(
            "occurred_at",
            _("The time is older than passages are kept (%(d)d days).") % {"d": settings_row.passage_retention_days},
            code=Code.OUT_OF_RANGE,
        )
    return value


def _destination(data: PassageInput) -> Jurisdiction | None:
    # Always as told: a default from the register (a resident going home) would answer differently for a
    # registered number than for an unknown one, and so tell the staff which numbers are registered.
    if data.destination_community is not None:
        community = jurisdictions_by_id().get(data.destination_community)
        if community is None or community.level != Jurisdiction.Level.COMMUNITY:
            raise FieldError(
                "destination_community",
                _("No community or village with this id in the district."),
                code=Code.NOT_FOUND,
            )
        return community
    if data.direction == "in" and not _text(data.destination_address, 200):
        raise FieldError(
            "destination_address",
            _("Give the destination community, or the address for a destination outside the district."),
            code=Code.REQUIRED,
        )
    return None


def _new_person(name: str, doc_type: str, number: str, phone: str, destination: Jurisdiction | None, root_path: str):
    # Not registered yet: a non-resident record in the destination community, or at district level when they
    # are passing through.
    place = destination or next(j for j in jurisdictions_by_id().values() if j.path == root_path)
    return person_record_visitor(
        name=name, doc_type=doc_type, number=number, phone=phone, place=place, community=destination
    )


def _trip_destinations(person: Person, at: datetime, lookback_days: int) -> list[str]:
    """Where the person's own travel reports say they went, for trips overlapping the look-back window."""
    since = clock.localdate(at) - timedelta(days=lookback_days)
    with connection.cursor() as cursor:  # on every registration of a known person: a plain statement
        cursor.execute(
            f"SELECT destination FROM {TravelReport._meta.db_table} WHERE person_id = %s AND depart_on <= %s"
            " AND return_on >= %s AND cancelled_at IS NULL",
            [person.pk, clock.localdate(at), since],
        )
        return [row[0] for row in cursor.fetchall()]


def _finest(person: Person, destination: Jurisdiction | None, checkpoint: Checkpoint) -> str:
    """Where a passage belongs: a resident coming home, to their own grid (its grid worker sees them arrive);
    anyone else to the community they are heading for; no destination, to the checkpoint."""
    if destination is None:
        return checkpoint.jpath
    if person.community_id == destination.pk:
        return person.jpath
    return destination.path


@transaction.atomic
def passage_register(*, actor, checkpoint_id: int, data: PassageInput) -> PassageResult:
    checkpoint = checkpoint_for_work(user=actor, checkpoint_id=checkpoint_id)  # 404: unknown or not theirs
    settings_row = ScreeningSettings.current()
    if data.direction not in Passage.Direction.values:
        raise FieldError("direction", _("The direction is in or out."), code=Code.UNKNOWN_CHOICE)
    try:
        doc_type = parse_doc_type(data.document_type)
    except InvalidDocument as exc:
        # parse_doc_type refuses only a type it does not know (empty is the resident ID).
        raise FieldError("document_type", str(exc), code=Code.UNKNOWN_CHOICE) from exc
    try:
        number = clean_document(doc_type, data.document_number)
    except InvalidDocument as exc:
        raise FieldError("document_number", str(exc), code=exc.code) from exc
    try:
        phone = clean_phone(data.phone) if (data.phone or "").strip() else ""
    except InvalidDocument as exc:
        raise FieldError("phone", str(exc), code=exc.code) from exc
    # Asked of everyone, registered or not: asking only for unknown numbers would say which numbers are known.
    name = _text(data.name, 64)
    if not name:
        raise FieldError("name", _("Give the name as it is on the document."), code=Code.REQUIRED)
    if data.status_code not in Passage.StatusCode.values:
        raise FieldError(
            "status_code", _("The status code seen is green, yellow, red or empty."), code=Code.UNKNOWN_CHOICE
        )
    if len(data.visited) > MAX_VISITED:
        raise FieldError("visited", _("List at most %(n)d places.") % {"n": MAX_VISITED}, code=Code.TOO_LONG)
    visited = [v for v in (_text(x, 100) for x in data.visited) if v]
    temperature = _temperature(data.temperature)
    at = _moment(data.occurred_at, settings_row)
    offline = _offline(data)

    existing = get_by(Person, doc_hash=pii.lookup_hash(number), doc_type=doc_type)
    if existing is not None and existing.merged_into_id is not None:
        existing = get_by(Person, id=existing.merged_into_id)  # a duplicate's document finds the kept record
    destination = _destination(data)
    root_path = checkpoint.jpath.split("/", 1)[0] + "/"
    created_person = existing is None
    person = existing or _new_person(name, doc_type, number, phone, destination, root_path)

    protocol = RiskProtocol.current()
    # The platform's own status decides, not only the code shown on a phone (a red person in a sealed zone was
    # let through on a green screenshot). Someone first recorded by this passage has no status of their own yet
    # (and computing one for every new visitor would cost the checkpoint's busiest path a dozen queries).
    platform = platform_status.status_for(person.pk) if existing is not None else None
    facts = rules.Facts(
        direction=data.direction,
        origin=_text(data.origin, 100),
        visited=visited,
        trip_destinations=_trip_destinations(person, at, settings_row.travel_lookback_days)
        if data.direction == "in"
        else [],
        temperature=temperature,
        status_code=data.status_code,
        at=at,
        platform_colour=platform.colour if platform else "",
        platform_reasons=platform.reasons if platform else (),
    )
    decision = rules.decide(
        facts,
        risk_areas_all(),
        {k: p.instruction for k, p in protocol.items()},
        settings_row.fever_threshold,
    )
    passage = insert_one(
        Passage(
            checkpoint=checkpoint,
            direction=data.direction,
            person=person,
            name=name,
            phone_cipher=pii.encrypt(phone) if phone else None,
            plate=clean_plate(data.plate),
            origin=facts.origin,
            visited=visited,
            destination_community=destination,
            destination_address=_text(data.destination_address, 200),
            temperature=temperature,
            status_code=data.status_code,
            negative_test_48h=bool(data.negative_test_48h),
            at=at,
            recorded_by=actor,
            instruction=decision.instruction,
            rule=decision.rule,
            rule_detail=decision.detail[:200],
            risk_area=decision.risk_area,
            jpath=_finest(person, destination, checkpoint),
            offline_instruction=offline[0],
            offline_rule=offline[1],
            offline_basis=offline[2],
        )
    )
    audit_record(
        actor=actor,
        action="passage.register",
        obj=passage,
        object_repr=str(checkpoint),
        fields={
            "direction": passage.direction,
            "person": person.pk,
            "new_person": created_person,
            "instruction": passage.instruction,
            "rule": passage.rule,
            **({"offline_instruction": passage.offline_instruction} if passage.offline_instruction else {}),
        },
    )
    if passage.offline_differs:
        _flag_difference(passage, checkpoint)
    followup, new_followup = None, False
    if data.direction == "in" and decision.level and destination is not None:
        followup, new_followup = _open_followup(
            actor, passage, person, destination, protocol[decision.level], decision, settings_row
        )
    violation = _check_exit(actor, passage, person) if data.direction == "out" else None
    if data.direction == "in":
        count_add(  # the hall's arrivals by day, kept in step (ArrivalCount)
            ArrivalCount._meta.db_table,
            {
                "day": clock.localdate(passage.at),
                "jpath": passage.jpath,
                "level": decision.risk_area.level if decision.risk_area else "",
                "shard": passage.pk % ArrivalCount.SHARDS,
            },
        )
    if data.direction == "in" and decision.level == RiskLevel.HIGH:
        # The hall's alert, in this transaction: where from, through which checkpoint, to which community — no
        # name or number (the wall is seen by a room).
        raise_alert(
            kind=HIGH_RISK_ARRIVAL,
            subject=f"{checkpoint.name} · {decision.risk_area.name if decision.risk_area else facts.origin}"
            f" → {destination.name if destination else '—'}",
            jpath=passage.jpath,
            link=reverse("screening:followup", args=[followup.pk]) if followup else "",
            ref=f"screening.passage:{passage.pk}",
        )
    return PassageResult(passage, followup, violation, new_followup)


OFFLINE_BASIS = re.compile(r"^rules=[0-9a-f]{1,16}(;list=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)?$")


def _offline(data: PassageInput) -> tuple[str, str, str]:
    """The page's decision offline, if it made one — only with a registration kept offline (`occurred_at`): on
    one made online it would be nobody's decision, and could raise the hall's alert at will. Advisory: a value this
    version does not know (a page of another release) is left out, never the passage with it."""
    if not data.offline_instruction or data.occurred_at is None:
        return "", "", ""
    if data.offline_instruction not in Instruction.values:
        return "", "", ""
    rule = data.offline_rule if data.offline_rule in OFFLINE_RULES else ""
    basis = data.offline_basis if OFFLINE_BASIS.match(data.offline_basis or "") else ""
    return data.offline_instruction, rule, basis


def _flag_difference(passage: Passage, checkpoint: Checkpoint) -> None:
    """The page decided offline otherwise than the server does now: the leader of the shift on duty when it was
    registered is told (else the leaders on duty now), in this transaction. A traveller let go on a milder
    instruction than the server's is also an alert on the hall of everyone over the checkpoint (someone may be on
    the way who should have been held) — as is any difference when no leader is on duty to be told."""
    on_duty = Shift.objects.filter(checkpoint=checkpoint, leader__isnull=False).select_related("leader")
    now = clock.now()
    leaders = [s.leader for s in on_duty.filter(starts_at__lte=passage.at, ends_at__gt=passage.at)] or [
        s.leader for s in on_duty.filter(starts_at__lte=now, ends_at__gt=now)
    ]
    offline_text = Instruction(passage.offline_instruction).label
    server_text = Instruction(passage.instruction).label
    notify(
        leaders,
        title=words(
            gettext_lazy("Decided offline otherwise at %(checkpoint)s: %(offline)s, the server says %(server)s"),
            checkpoint=checkpoint.name,
            offline=offline_text,
            server=server_text,
        ),
        body=words(
            gettext_lazy("%(name)s, registered at %(at)s."),
            name=pii.mask_name(passage.name),
            at=clock.localtime(passage.at),
        ),
        link=reverse("screening:passages") + f"?checkpoint={checkpoint.pk}&offline=differs",
    )
    # Milder offline than the server's: someone may be on the way who should have been held. With no leader on duty
    # to tell, the hall is told of any difference: someone sees it.
    if not leaders or INSTRUCTION_ORDER[passage.instruction] < INSTRUCTION_ORDER[passage.offline_instruction]:
        raise_alert(
            kind=OFFLINE_DIFFERENCE,
            subject=words(
                gettext_lazy("%(checkpoint)s decided offline: %(offline)s, the server says %(server)s"),
                checkpoint=checkpoint.name,
                offline=offline_text,
                server=server_text,
            ),
            jpath=checkpoint.jpath,
            link=reverse("screening:passages") + f"?checkpoint={checkpoint.pk}&offline=differs",
            ref=f"screening.passage-offline:{passage.pk}",
        )


def _open_followup(actor, passage, person, destination, protocol: RiskProtocol, decision, settings_row):
    """One active case per person: a new arrival while a case is open keeps that case (and its owner)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {FollowUp._meta.db_table} WHERE person_id = %s AND released_at IS NULL LIMIT 1",
            [person.pk],
        )
        row = cursor.fetchone()
    if row is not None:
        return get_by(FollowUp, id=row[0]), False
    grid = jurisdictions_by_id()[person.jurisdiction_id] if person.community_id == destination.pk else destination
    reason = rules.describe(decision.rule, decision.risk_area, decision.detail)
    followup = insert_one(
        FollowUp(
            person=person,
            passage=passage,
            level=decision.level,
            measure=protocol.measure,
            reason=reason[:300],
            community=destination,
            jurisdiction=grid,
            jpath=grid.path,
            opened_at=passage.at,
            contact_due_at=passage.at + timedelta(minutes=settings_row.contact_limit_minutes),
            measure_ends_at=passage.at + timedelta(days=protocol.days),
            test_days=list(protocol.test_days),
        )
    )
    daily.add(FOLLOWUPS_OPENED, followup.opened_at, followup.jpath, shard=followup.pk)  # the hall's trend
    audit_record(
        actor=actor,
        action="followup.open",
        obj=followup,
        object_repr=pii.mask_name(person.name),
        fields={"level": followup.level, "measure": followup.measure, "passage": passage.pk},
    )
    events.emit(FOLLOWUP_OPENED, FollowupChanged(person_id=person.pk, followup_id=followup.pk))
    return followup, True


def _check_exit(actor, passage: Passage, person: Person) -> Violation | None:
    """A resident leaving with no travel report covering today is a violation (不报备者按违反指令处理)."""
    if not person.is_resident:
        return None
    covered = any(r.covers_leaving for r in trips_covering(person, clock.localdate(passage.at)))
    if covered:
        return None
    is_official = PersonTag.objects.filter(person=person, tag=PersonTag.Tag.PUBLIC_OFFICIAL).exists()
    violation = Violation.objects.create(
        person=person,
        passage=passage,
        at=passage.at,
        checkpoint_id=passage.checkpoint_id,
        community_id=person.community_id,
        unit_id=person.unit_id,
        jpath=person.jpath,
    )
    audit_record(
        actor=actor,
        action="violation.open",
        obj=violation,
        object_repr=pii.mask_name(person.name),
        fields={"passage": passage.pk, "public_official": is_official},
    )
    return violation


def arrivals_rebuild() -> int:
    """ArrivalCount recomputed from the passages (after a bulk load that bypassed `passage_register`; a restore):
    one grouped query by the district's calendar day, from the oldest day the passages still hold (the days before
    it were counted when their passages existed; retention has deleted those since); returns the rows written."""
    from django.db.models import Count
    from django.db.models.functions import TruncDate
    from django.utils import timezone

    with transaction.atomic():
        rows = list(
            Passage.objects.filter(direction=Passage.Direction.IN)
            .annotate(day=TruncDate("at", tzinfo=timezone.get_default_timezone()))
            .values_list("day", "jpath", "risk_area__level")
            .annotate(n=Count("*"))
            .order_by()
        )
        if rows:
            ArrivalCount.objects.filter(day__gte=min(r[0] for r in rows)).delete()
        made = ArrivalCount.objects.bulk_create(
            ArrivalCount(day=day, jpath=jpath, level=level or "", n=n) for day, jpath, level, n in rows
        )
    return len(made)
