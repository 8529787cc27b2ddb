"""Identity document numbers: normalise what people type, validate resident IDs (GB 11643) with python-stdnum."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from .errors import Code, FieldError
from .text import foreign_digits


class DocType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO = "hk_macao_permit", _("Mainland travel permit for Hong Kong and Macao residents")
    TAIWAN = "taiwan_permit", _("Mainland travel permit for Taiwan residents")
    FOREIGN_PR = "foreign_pr", _("Foreign permanent resident ID card")
    OTHER = "other", _("Other document")


# The names Chinese offices write in spreadsheets, mapped to our codes.
DOC_TYPE_ALIASES: dict[str, str] = {
    "居民身份证": DocType.RESIDENT_ID,
    "身份证": DocType.RESIDENT_ID,
    "二代身份证": DocType.RESIDENT_ID,
    "护照": DocType.PASSPORT,
    "港澳居民来往内地通行证": DocType.HK_MACAO,
    "回乡证": DocType.HK_MACAO,
    "港澳通行证": DocType.HK_MACAO,
    "台湾居民来往大陆通行证": DocType.TAIWAN,
    "台胞证": DocType.TAIWAN,
    "外国人永久居留身份证": DocType.FOREIGN_PR,
    "其他": DocType.OTHER,
}


class InvalidDocument(ValueError):
    """The message is for the person who typed the number; it never repeats the number itself. `code` is the
    stable word the FieldError that reports it carries (a core.errors.Code: "invalid", "required" for an empty
    number, "digits" for another script's digits …)."""

    def __init__(self, message, code: str = Code.INVALID):
        super().__init__(message)
        self.code = code


def _digits_refused() -> InvalidDocument:
    return InvalidDocument(_("Write the number with the digits 0-9."), code=Code.DIGITS)


@dataclass(frozen=True)
class ResidentIdFacts:
    birth_date: date
    sex: str  # "M" or "F"
    area_code: str


_DOC_TYPE_CODES = frozenset(DocType.values)


def parse_doc_type(value: str | None) -> str:
    """Map a code, a Chinese name or an English label to a DocType value; empty means resident ID."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return DocType.RESIDENT_ID.value
    if text in _DOC_TYPE_CODES:
        return text
    if text in DOC_TYPE_ALIASES:
        return DOC_TYPE_ALIASES[text]
    for choice in DocType:
        if text.lower() == str(choice.label).lower():
            return choice.value
    raise InvalidDocument(_("Unknown document type."), code=Code.UNKNOWN_CHOICE)


def normalise(number: str) -> str:
    """Full-width digits and letters to ASCII, drop spaces and dashes, upper-case (the check character x → X).
    Other scripts' digits are left as they are (and refused by clean_document and clean_phone)."""
    if number and number.isascii() and number.isalnum():  # what a card reader or scanner sends: nothing to normalise
        return number.upper()
    text = unicodedata.normalize("NFKC", number or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-_").upper()


def clean_document(doc_type: str, number: str) -> str:
    """Return the normalised number or raise InvalidDocument with a reason a clerk can act on."""
    value = normalise(number)
    if not value:
        raise InvalidDocument(_("The document number is empty."), code=Code.REQUIRED)
    if not value.isascii():
        if foreign_digits(value):
            # "١١٠١٠٥..." passes the checksum (int() reads every script's digits) but is not the string
            # "110105...": the same person would be registered twice.
            raise _digits_refused()
        if doc_type not in (DocType.RESIDENT_ID, DocType.OTHER):
            # Passports and permits are written in Latin letters and digits; a Cyrillic "Е" looks like "E" and
            # would be someone else. ("Other" documents may carry Chinese characters.)
            raise InvalidDocument(_("A document number has at most 32 letters and digits."))
    if doc_type == DocType.RESIDENT_ID:
        return _clean_resident_id(value)
    if not value.isalnum() or len(value) > 32:
        raise InvalidDocument(_("A document number has at most 32 letters and digits."))
    return value


def _clean_resident_id(value: str) -> str:
    # stdnum's ric.validate also looks the area code up in its table; the brief says unknown area codes
    # must pass (codes are retired and renumbered), so we use its parts: length, checksum, birth date.
    # (`value` is normalised and has no other script's digits, see clean_document: isdigit() means 0-9 here.)
    if len(value) == 15 and value.isdigit():
        # First-generation card: 19YYMMDD implied, no check character. Upgrade it to the 18-character
        # form so the same person is one record whichever card they show.
        value = value[:6] + "19" + value[6:] + "0"
        value = value[:17] + check_char(value[:17])
    if len(value) != 18:
        raise InvalidDocument(_("A resident ID number has 18 characters (or 15 for old cards)."))
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise InvalidDocument(_("A resident ID number is 17 digits followed by a digit or X."))
    if value[17] != check_char(value[:17]):
        raise InvalidDocument(_("The check character of the resident ID number is wrong."))
    try:
        # The same check as stdnum's get_birth_date, without its string round trip (this runs 10,000 times a
        # batch when a city is tested).
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise InvalidDocument(_("The birth date inside the resident ID number is not a real date.")) from exc
    if birth > date.today() or birth.year < 1880:
        raise InvalidDocument(_("The birth date inside the resident ID number is not a real date."))
    return value


def check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits (stdnum wants a placeholder 18th)."""
    return ric.calc_check_digit(first17 + "0")


def resident_id_facts(number: str) -> ResidentIdFacts:
    """Birth date, sex and area code carried inside a valid (normalised, 18-character) resident ID number."""
    birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return ResidentIdFacts(birth, "M" if int(number[16]) % 2 else "F", number[:6])


MOBILE_LEN = 11


def clean_phone(phone: str) -> str:
    """Mainland mobile (11 digits, starts with 1), landline or +international; stored without separators."""
    text = unicodedata.normalize("NFKC", phone or "")
    if foreign_digits(text):
        raise _digits_refused()
    value = "".join(ch for ch in text if ch.isdigit() or ch == "+")
    if value.startswith("+86"):
        value = value[3:]
    digits = value.lstrip("+")
    if not digits.isdigit() or not 7 <= len(digits) <= 15:
        raise InvalidDocument(_("A phone number has 7 to 15 digits."))
    if len(digits) == MOBILE_LEN and digits[0] == "1" and digits[1] not in "3456789":
        raise InvalidDocument(_("This is not a valid mobile number."))
    return value


def clean_plate(plate: str) -> str:
    """A vehicle plate as written on it: 辽L·12345 and 辽l 12345 are the same plate, 辽L12345."""
    text = unicodedata.normalize("NFKC", plate or "")
    if foreign_digits(text):
        raise FieldError("plate", str(_("Write the plate with the digits 0-9.")), code=Code.DIGITS)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "·.-").upper()[:16]
