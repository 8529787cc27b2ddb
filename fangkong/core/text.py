"""Text as it comes in: one cleaning for every string a request carries, and the digit rules of identifiers.

Free text is taken as typed, except for characters that only do harm. Control characters (C0 other than tab,
line feed and carriage return; DEL; C1): PostgreSQL refuses a NUL in any text value (a 500 on save), openpyxl
refuses most of the others in a cell (every later export of that jurisdiction fails). Bidirectional overrides,
isolates and marks: a right-to-left override (U+202E) makes a file name ending "gpj.exe" read as "exe.jpg". A
string made only of blanks and invisible characters (zero-width spaces, the Hangul filler U+3164, ...) is empty,
so a required field still says so instead of storing a name nobody can see. Invisible characters inside visible
text are left alone: the zero-width joiner and variation selectors make emoji and some scripts render correctly.

The cleaning runs once per request (core.middleware.CleanInputMiddleware for query strings and form posts,
core.api._Parser for JSON bodies), not per field, so no form or endpoint can forget it.

Identifiers (document numbers, phones, codes, periods) are written with the digits 0-9. str.isdigit(), int()
and a regex's \\d accept every script's digits: "١٢٣" (Arabic-Indic) is int 123 but not the string "123", so an
ID number typed with them would be a second person. Full-width digits are folded to ASCII by NFKC; any other
digit is refused (FieldError code "digits").
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# C0 controls except \t \n \r, DEL, C1 controls, and the bidirectional formatting characters: the Arabic letter
# mark, LRM/RLM, the embeddings and overrides (U+202A-E) and the isolates (U+2066-9).
_HARMFUL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# What renders as nothing: whitespace (\s is Unicode-aware: ideographic space, NBSP ...), zero-width space and
# (non-)joiners, word joiner and invisible operators, BOM, soft hyphen, combining grapheme joiner, the Hangul
# fillers, the Mongolian vowel separator, Khmer inherent vowels, the blank braille pattern, deprecated format
# characters, variation selectors and tag characters.
_BLANK = re.compile(
    r"[\s\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200d\u2060-\u2064\u206a-\u206f\u2800\u3164"
    r"\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f\U000e0100-\U000e01ef]*"
)


def clean_text(value: str) -> str:
    """`value` without harmful characters; "" when nothing visible is left (see the module's docstring)."""
    if value.isascii():
        # What nearly every string is (codes, numbers, names in pinyin): checked at C speed, returned as it is.
        if value.isprintable():
            return value
        return _HARMFUL.sub("", value)
    value = _HARMFUL.sub("", value)
    return "" if _BLANK.fullmatch(value) else value


def clean_data(value: Any) -> Any:
    """Every string in freshly parsed JSON cleaned (keys too), however deeply nested, in place; the value returned.

    In place and with the ASCII check inline: walking a 10,000-scan batch value by value still costs about twice
    its parse, which is why the API walks only when json_needs_cleaning says a string may change."""
    kind = type(value)
    if kind is str:
        return clean_text(value)
    if kind is dict:
        _clean_dict(value)
    elif kind is list:
        _clean_list(value)
    return value


def _clean_dict(data: dict) -> None:
    renamed = None
    for key, value in data.items():
        kind = type(value)
        if kind is str:
            if not (value.isascii() and value.isprintable()):
                data[key] = clean_text(value)  # replacing a value while iterating is allowed, adding a key is not
        elif kind is dict:
            _clean_dict(value)
        elif kind is list:
            _clean_list(value)
        if not (key.isascii() and key.isprintable()) and clean_text(key) != key:
            renamed = renamed or []
            renamed.append(key)
    for key in renamed or ():
        data[clean_text(key)] = data.pop(key)


def _clean_list(items: list) -> None:
    for i, value in enumerate(items):
        kind = type(value)
        if kind is str:
            if not (value.isascii() and value.isprintable()):
                items[i] = clean_text(value)
        elif kind is dict:
            _clean_dict(value)
        elif kind is list:
            _clean_list(value)


# Escapes that can stand for a character clean_text changes: \b, \f and any \uXXXX (a false alarm, such as an
# escaped backslash before u, only costs the walk).
_RISKY_ESCAPE = re.compile(rb"\\[ubf]")
# The printable characters among _BLANK's (str.isprintable() is False for every other one, and for every character
# _HARMFUL removes): Hangul fillers, combining grapheme joiner, Khmer inherent vowels, the blank braille pattern.
# Variation selectors are looked for in the bytes (U+FE00-FE0F: EF B8 ..; U+E0100-E01EF: F3 A0 ..).
_PRINTABLE_BLANK = "\u3164\u115f\u1160\uffa0\u034f\u17b4\u17b5\u2800"


def json_needs_cleaning(body: bytes) -> bool:
    """False when no string of the JSON `body` can change under clean_text, judged from the text as a whole at C
    speed, because walking a 10,000-scan batch value by value costs about twice its parse. A scanner's batch is
    printable ASCII (told in well under a millisecond); for 2 MB of scans with Chinese names this takes about as long
    as the parse, half the walk. core/tests/test_text.py checks that every character clean_text changes is seen."""
    escapes = b"\\" in body and _RISKY_ESCAPE.search(body) is not None
    if body.isascii():
        return escapes or b"\x7f" in body
    if escapes or b"\xef\xb8" in body or b"\xf3\xa0" in body:
        return True
    try:
        text = body.decode()
    except UnicodeDecodeError:
        return True  # the parser refuses it
    # Between tokens JSON has only ASCII blanks, so this is about the strings (pretty-printed JSON, with its line
    # breaks, is walked).
    return not text.isprintable() or any(ch in text for ch in _PRINTABLE_BLANK)


def has_control(value: str) -> bool:
    """True when `value` holds a control or bidirectional formatting character (see clean_text)."""
    return not (value.isascii() and value.isprintable()) and _HARMFUL.search(value) is not None


# ---------------------------------------------------------------- digits of identifiers


_OTHER_DIGIT = re.compile(r"[^\D0-9]")  # a decimal digit (Unicode's \d) that is not 0-9


def ascii_digits(value: str) -> bool:
    """True for a non-empty string of the digits 0-9 only. (str.isdigit() also says yes to "²" and "①", which
    int() refuses — a 500 — and to every script's digits, which int() reads as another number's twin.)"""
    return value.isascii() and value.isdigit()


def foreign_digits(value: str) -> bool:
    """True when `value` (already NFKC-normalised) holds a digit other than 0-9: Arabic-Indic, Devanagari, ..."""
    return not value.isascii() and any(ch.isdigit() for ch in value if ch > "\x7f")


def fold_digits(value: str) -> str:
    """Every script's decimal digits as 0-9, for matching only (never for storing): a place typed as "٣١٠١١٥"
    still falls inside area 310115."""
    return value if value.isascii() else _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group())), value)
