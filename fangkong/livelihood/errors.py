"""This app's error codes, beside core.errors.Code: stable, for clients and tests to match."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    NOT_IN_ZONE = "not_in_zone"  # supplies for a home that is in no sealed or controlled zone
    TOO_MANY_OPEN = "too_many_open"  # a fourth supply request while three are still open
    STATUS_RED = "status_red"  # a volunteer whose status is red signs up
    NOT_IN_STOCK = "not_in_stock"  # goods out beyond what the stock point holds
    ABSURD_PRICE = "absurd_price"  # a price of 1,000 times the item's baseline or more: a typing error, not a price
    OVERLAP = "overlap"  # a shift at the same time as another of the same volunteer (no double booking)
    WRONG_CODE = "wrong_code"  # a door code that is not the household's
    CODE_LOCKED = "code_locked"  # five wrong door codes: the household confirms on its phone
    THROUGH_SEALED = "through_sealed"  # a logistics pass whose route passes a sealed zone
