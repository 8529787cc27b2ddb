"""Resident sign-in by phone and one-time code, and what a resident may see and do about themselves."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import clock, jobs, pii, throttle
from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldError
from fangkong.core.ids import InvalidDocument, clean_phone
from fangkong.core.ratelimit import RateLimited
from fangkong.core.sms import send_sms
from fangkong.registry.models import Person

from .models import OneTimeCode

CODE_MINUTES = 5
MAX_ATTEMPTS = 5
RESEND_SECONDS = 60
MAX_PER_HOUR = 5


def _phone_hash(phone: str) -> str:
    try:
        return pii.lookup_hash(clean_phone(phone))
    except InvalidDocument as exc:
        raise FieldError("phone", str(exc), code=exc.code) from exc


def _code_hash(phone_hash: str, code: str) -> str:
    return hmac.new(phone_hash.encode(), code.encode(), hashlib.sha256).hexdigest()


# Limits on asking for codes, counted per number whether or not it is registered (so the replies and their
# limits are the same for both), per address and overall (a text message costs money and annoys its recipient).
SEND_PER_PHONE_MINUTE = throttle.Limit("otp-send-phone-minute", 1, RESEND_SECONDS)
SEND_PER_PHONE_HOUR = throttle.Limit("otp-send-phone-hour", MAX_PER_HOUR, 3600)
SEND_PER_ADDRESS = throttle.Limit("otp-send-address", 10, 3600)
SEND_OVERALL = throttle.Limit("otp-send-all", 5000, 3600)
VERIFY_FAILURES_PER_ADDRESS = throttle.Limit("otp-fail-address", 20, 15 * 60)


def login_code_send(*, phone: str, address: str) -> None:
    """Send a code if people are registered with this phone. Nothing in the reply tells a stranger whether a
    number is in the register: the same limits apply to every number, the same row is written either way (an
    unregistered number's code can never be typed right: nobody received it), and the text message itself
    leaves after the reply, in the background, so its gateway's delay does not show in the reply's timing."""
    phone_hash = _phone_hash(phone)
    try:
        throttle.hit(SEND_PER_PHONE_MINUTE, phone_hash)
    except RateLimited as exc:
        raise FieldError(
            "phone", _("A code was sent less than a minute ago; wait for it."), code="code_sent_recently"
        ) from exc
    try:
        throttle.hit(SEND_PER_PHONE_HOUR, phone_hash)
    except RateLimited as exc:
        raise FieldError(
            "phone", _("Too many codes for this number; try again in an hour."), code="too_many_codes"
        ) from exc
    throttle.hit(SEND_PER_ADDRESS, address)  # RateLimited: the page answers 429
    throttle.hit(SEND_OVERALL, "all")
    now = clock.now()
    code = f"{secrets.randbelow(1_000_000):06d}"
    registered = Person.objects.filter(phone_hash=phone_hash).exists()
    with transaction.atomic():
        OneTimeCode.objects.create(
            phone_hash=phone_hash,
            # An unregistered number gets a row whose code hash matches no six digits.
            code_hash=_code_hash(phone_hash, code) if registered else secrets.token_hex(32),
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
        if registered:
            message = _("Your sign-in code: %(code)s (valid %(n)d minutes).") % {"code": code, "n": CODE_MINUTES}
            # Encrypted on its way through the job queue: a broker is no place for a phone and a live code.
            jobs.run_after_commit(login_code_deliver, pii.encrypt(clean_phone(phone)).hex(), pii.encrypt(message).hex())


@jobs.job
def login_code_deliver(phone_hex: str, message_hex: str) -> None:
    send_sms(pii.decrypt(bytes.fromhex(phone_hex)), pii.decrypt(bytes.fromhex(message_hex)))


def login_code_failed(*, address: str) -> None:
    """A wrong code from this address: many wrong codes for many numbers from one place is a guessing machine."""
    throttle.count(VERIFY_FAILURES_PER_ADDRESS, address)


def login_code_guard(*, address: str) -> None:
    throttle.check((VERIFY_FAILURES_PER_ADDRESS, address))


def login_codes_purge() -> int:
    """One-time codes a day after they expired (only a keyed hash of each is kept, but the rows say which phone
    asked when)."""
    deleted, _ = OneTimeCode.objects.filter(expires_at__lt=clock.now() - timedelta(days=1)).delete()
    return deleted


def login_code_verify(*, phone: str, code: str) -> list[int]:
    """The people registered with this phone, if the code is right; each failure counts against the code (and
    that count is committed even though the sign-in fails)."""
    phone_hash = _phone_hash(phone)
    now = clock.now()
    with transaction.atomic():
        row = (
            OneTimeCode.objects.select_for_update()
            .filter(phone_hash=phone_hash, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        ok = (
            row is not None
            and row.attempts < MAX_ATTEMPTS
            and hmac.compare_digest(row.code_hash, _code_hash(phone_hash, "".join((code or "").split())))
        )
        if row is not None and not ok:
            row.attempts += 1
            row.save(update_fields=["attempts"])
        elif row is not None:
            row.used_at = now
            row.save(update_fields=["used_at"])
    if not ok:
        raise FieldError("code", _("Wrong or expired code."))
    people = list(Person.objects.filter(phone_hash=phone_hash).order_by("pk").values_list("pk", flat=True))
    audit_record(
        actor=None,
        action="resident.login",
        object_type="registry.person",
        object_id=people[0] if people else "",
        object_repr=pii.mask_phone(clean_phone(phone)),
        fields={"people": people},
    )
    return people


@dataclass
class Mine:
    person: Person
    status: object
    reasons: list[tuple[dict, str]]
    code: str
    changes: list
    results: list


def my_people(person_ids: list[int]) -> list[Person]:
    """The people the signed-in phone may act for (the forms' "for whom")."""
    return list(Person.objects.filter(pk__in=person_ids).order_by("pk"))


def my_travel_reports(person_ids: list[int]) -> list:
    from fangkong.screening.models import TravelReport

    return list(TravelReport.objects.filter(person_id__in=person_ids).order_by("-filed_at")[:20])


def my_page(person_ids: list[int]) -> list[Mine]:
    """What each of the signed-in resident's people sees: status with reasons, personal code, manual changes
    (with the notice and the appeal), test results."""
    from fangkong.containment.models import StatusChange
    from fangkong.containment.status import reason_text, status_of
    from fangkong.registry.codes import code_of
    from fangkong.testing.selectors import results_of

    out = []
    for person in my_people(person_ids):
        status = status_of(person.pk)
        out.append(
            Mine(
                person=person,
                status=status,
                reasons=[(r, reason_text(r)) for r in status.reasons],
                code=code_of(person),
                changes=list(
                    StatusChange.objects.filter(person=person, state__in=["applied", "revoked"])
                    .prefetch_related("appeals")
                    .order_by("-decided_at")
                ),
                results=results_of(person.pk),
            )
        )
    return out


@dataclass
class Access:
    """One line of "who looked at my data"."""

    at: object
    what: str
    purpose: str
    where: str
    officer: str


def _access_text(entry) -> str:
    from datetime import datetime

    from fangkong.containment.models import Colour

    fields = entry.fields
    colour = Colour(fields["colour"]).label if fields.get("colour") in Colour.values else ""
    if entry.kind == "reveal":
        return _("Revealed your full ID number and phone")
    if entry.kind == "whereabouts":
        return _("Looked up where you scanned in during the last %(days)s days") % {"days": fields.get("days", "")}
    if entry.kind == "venue_trace":
        period = ""
        try:
            since, until = (clock.localtime(datetime.fromisoformat(fields[k])) for k in ("since", "until"))
            period = f"{since:%m-%d %H:%M}–{until:%m-%d %H:%M}"
        except (KeyError, TypeError, ValueError):
            pass
        return _("Looked up who was at %(venue)s (%(period)s), while you were there") % {
            "venue": entry.about,
            "period": period,
        }
    return {
        "status_change.request": _("Asked for a manual change of your status to %(colour)s") % {"colour": colour},
        "status_change.approve": _("Approved a manual change of your status to %(colour)s") % {"colour": colour},
        "status_change.reject": _("Rejected a requested change of your status"),
        "status_change.revoke": _("Revoked a manual change of your status"),
        "status_change.revoke_on_appeal": _("Revoked a manual change of your status after your appeal"),
    }.get(entry.action, entry.action)


def my_access_log(person_ids: list[int]) -> list[tuple[Person, list[Access]]]:
    """For each of the signed-in phone's people: who revealed their numbers, traced them or changed their status
    by hand — what for, from which office, when (registry.selectors.access_log_for_person)."""
    from fangkong.registry.selectors import access_log_for_person

    return [
        (
            person,
            [
                Access(at=e.at, what=_access_text(e), purpose=e.purpose, where=e.where, officer=e.officer)
                for e in access_log_for_person(person)
            ],
        )
        for person in my_people(person_ids)
    ]
