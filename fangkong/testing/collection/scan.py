"""A scan as the service takes it, and the codes it carries: cleaned once, the same way everywhere."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from fangkong.core.errors import Code, FieldError
from fangkong.core.text import foreign_digits

MAX_SCANS = 10_000
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(slots=True)
class Scan:
    index: int
    person_code: str = ""
    document_type: str = ""
    document_number: str = ""
    tube_code: str = ""
    site_id: int | None = None
    person_id: int | None = None  # the site page's household members (looked up by the household's code)
    collected_at: datetime | None = None


# What a scanner sends: already upper case, no blanks, at least one letter or digit — taken as it is.
_CLEAN_CODE = re.compile(r"-*[A-Z0-9][A-Z0-9-]*")


def clean_code(field: str, value: str) -> str:
    """A tube or seal barcode as scanned or typed: blanks dropped, upper case, 4 to 32 letters, digits and dashes."""
    if value.__class__ is str and 4 <= len(value) <= 32 and _CLEAN_CODE.fullmatch(value):
        return value
    # Full-width letters and digits are the same code (NFKC); another script's digits or letters are not a
    # barcode: "AB١٢٣٤" or a Cyrillic "А" would open a second tube beside the real one.
    code = "".join(unicodedata.normalize("NFKC", value or "").split()).upper()
    if foreign_digits(code):
        raise FieldError(field, _("Write the code with the digits 0-9."), code=Code.DIGITS)
    if not (4 <= len(code) <= 32 and code.isascii() and code.replace("-", "").isalnum()):
        message = (
            _("A seal code is 4 to 32 letters and digits.")
            if field == "seal_code"
            else _("A tube code is 4 to 32 letters and digits.")
        )
        if not code:
            raise FieldError(field, message, code=Code.REQUIRED)
        raise FieldError(field, message, code=Code.INVALID)
    return code


def code_or_blank(value: str) -> str:
    """For look-ups: a malformed code finds nothing."""
    try:
        return clean_code("tube_code", value)
    except FieldError:
        return ""
