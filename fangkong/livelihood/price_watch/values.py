"""Prices as inspectors type them on a phone and clients send them: read once, the same way for every write."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from fangkong.core.errors import Code, FieldError
from fangkong.core.text import foreign_digits

from .. import errors

# The largest sum a price column holds (max_digits=10, decimal_places=2).
MAX_PRICE = Decimal("99999999.99")
# A price this many times the item's baseline or more is refused as a typing error (a price typed in fen, a digit
# too many): at the worst of past lockdowns staples sold at a few times, at most a few dozen times, their usual
# price — 1,000 times is no price a shop asks. The issue names the bound; `errors.Code.ABSURD_PRICE`.
ABSURD_FACTOR = 1000
MAX_MARGIN = Decimal(1000)  # per cent: a margin of more than ten times the baseline watches nothing


def money(value: object, *, field: str, baseline: Decimal | None = None) -> Decimal:
    """A sum in yuan, given or typed: 3.5, "3.50", "¥3.5", "3.5元", full-width "３．５"; above 0, at most two
    decimals (fen). With the item's `baseline`, a price of ABSURD_FACTOR times it or more is refused
    (`absurd_price`). Each refusal names `field`: `invalid` (not a number), `out_of_range` (0 or below, or more than
    the column holds)."""
    message = _("A price in yuan, such as 3.50.")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise FieldError(field, message, code=Code.REQUIRED)
    if isinstance(value, bool):  # JSON true is no price, though Python counts it as 1
        raise FieldError(field, message, code=Code.INVALID)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if foreign_digits(text):
        raise FieldError(field, _("Write the price with the digits 0-9."), code=Code.DIGITS)
    text = text.removeprefix("¥").removesuffix("元").replace(",", "").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise FieldError(field, message, code=Code.INVALID) from exc
    if not amount.is_finite():
        raise FieldError(field, message, code=Code.INVALID)
    if amount <= 0:
        raise FieldError(field, _("A price is above 0."), code=Code.OUT_OF_RANGE)
    if baseline is not None and amount >= baseline * ABSURD_FACTOR:
        raise FieldError(
            field,
            _("¥%(price)s is 1,000 times the usual price or more: check the figure (yuan, not fen).")
            % {"price": _shown(amount)},
            code=errors.Code.ABSURD_PRICE,
        )
    # Compared before anything is rounded: 1E+400 cannot even be rounded to fen.
    if amount > MAX_PRICE:
        raise FieldError(field, _("This price is too large."), code=Code.OUT_OF_RANGE)
    if amount != amount.quantize(Decimal("0.01")):
        raise FieldError(field, _("A price has at most two decimals (fen)."), code=Code.INVALID)
    return amount.quantize(Decimal("0.01"))


def _shown(amount: Decimal) -> str:
    return f"{amount:,.2f}" if amount < 10**15 else f"{amount:.3E}"


def margin(value: object, *, field: str = "margin_percent") -> Decimal:
    """A margin in per cent, 0 to 1,000, with at most one decimal."""
    message = _("A margin in per cent, such as 20.")
    if isinstance(value, bool):
        raise FieldError(field, message, code=Code.INVALID)
    text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("%").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise FieldError(field, message, code=Code.INVALID) from exc
    if not amount.is_finite():
        raise FieldError(field, message, code=Code.INVALID)
    if not 0 <= amount <= MAX_MARGIN:
        raise FieldError(field, _("A margin is between 0 and 1,000 per cent."), code=Code.OUT_OF_RANGE)
    if amount != amount.quantize(Decimal("0.1")):
        raise FieldError(field, message, code=Code.INVALID)
    return amount.quantize(Decimal("0.1"))
