"""Resident sign-in by phone and a one-time code sent by text message: no password, no account; a session that
knows which registered people share that phone."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import clock, jobs, pii, throttle
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.ids import InvalidDocument, clean_phone
from fangkong.core.ratelimit import RateLimited
from fangkong.core.sms import send_sms
from fangkong.registry.models import Person

from . import errors
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
            "phone", _("A code was sent less than a minute ago; wait for it."), code=errors.Code.CODE_SENT_RECENTLY
        ) from exc
    try:
        throttle.hit(SEND_PER_PHONE_HOUR, phone_hash)
    except RateLimited as exc:
        raise FieldError(
            "phone", _("Too many codes for this number; try again in an hour."), code=errors.Code.TOO_MANY_CODES
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
        raise FieldError("code", _("Wrong or expired code."), code=Code.OTP_INVALID)
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
