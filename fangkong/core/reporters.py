"""People who report something to the authorities (a hazard, price gouging) from the portal: anonymous, or named
with a name and a phone that are encrypted at once and shown later only to designated staff with a reason."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import pii
from .errors import Code, FieldError
from .ids import InvalidDocument, clean_phone


def identity(name: str, phone: str) -> tuple[bool, bytes | None, bytes | None]:
    """(anonymous, name cipher, phone cipher): named only when both a name and a valid phone are given."""
    named = bool((name or "").strip() and (phone or "").strip())
    if not named:
        return True, None, None
    try:
        phone = clean_phone(phone)
    except InvalidDocument as exc:
        raise FieldError("phone", str(exc), code=exc.code) from exc
    return False, pii.encrypt(name.strip()[:64]), pii.encrypt(phone)


def reveal(report) -> tuple[str, str]:
    """A named report's name and phone (the caller has checked who asks and audits the reason)."""
    if report.anonymous:
        raise FieldError("report", _("This report was anonymous."), code=Code.WRONG_STATE)
    if report.name_cipher is None and report.phone_cipher is None:
        # Retention (fangkong.dataprotection) erases a closed report's reporter after the district's period.
        raise FieldError(
            "report",
            _("The reporter's name and phone were erased when their retention period ended."),
            code=Code.ERASED,
        )
    return pii.decrypt(bytes(report.name_cipher or b"")), pii.decrypt(bytes(report.phone_cipher or b""))
