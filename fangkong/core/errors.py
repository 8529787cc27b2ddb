from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """The codes every app may give a FieldError (and the API's own: forbidden, not_found …). An app with codes of
    its own lists them in its errors.py (`class Code(StrEnum)`); core/tests/test_architecture.py checks that every
    code a FieldError is raised with is one of these or its app's — so a client can rely on the list."""

    REQUIRED = "required"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    TOO_LARGE = "too_large"
    TOO_LONG = "too_long"
    TOO_SHORT = "too_short"  # given, but too short to serve (a basis of four characters)
    UNKNOWN_CHOICE = "unknown_choice"  # not one of the values offered (a kind, a level, a direction)
    OUT_OF_RANGE = "out_of_range"  # a number or a date outside its bounds
    END_BEFORE_START = "end_before_start"
    IN_FUTURE = "in_future"  # a moment that has not come yet, where only the past makes sense
    WRONG_STATE = "wrong_state"  # the record's state does not allow this action (already closed, not yet sent …)
    EMPTY = "empty"
    DIGITS = "digits"  # a number written in another script's digits
    DUPLICATE = "duplicate"
    IN_PROGRESS = "in_progress"  # the same request (its key) is being recorded by another one right now: retry
    EXPIRED = "expired"
    TOO_OLD = "too_old"  # kept (offline) for longer than the server remembers a request's key
    UNREADABLE = "unreadable"
    UNSUPPORTED_TYPE = "unsupported_type"
    TYPE_MISMATCH = "type_mismatch"
    MISSING_COLUMN = "missing_column"
    TOO_MANY_ROWS = "too_many_rows"
    TOO_MANY_COLUMNS = "too_many_columns"
    RATE_LIMITED = "rate_limited"
    NOT_ACTIVE = "not_active"
    NOT_PENDING = "not_pending"  # core.approvals
    NOTE_REQUIRED = "note_required"  # core.approvals
    OWN_REQUEST = "own_request"  # core.approvals
    REASON_REQUIRED = "reason_required"
    ERASED = "erased"
    INVALID_CREDENTIALS = "invalid_credentials"
    OTP_INVALID = "otp_invalid"
    OTP_REQUIRED = "otp_required"
    PASSWORD_CHANGE_REQUIRED = "password_change_required"  # a given password is changed before anything else
    OTP_SETUP_REQUIRED = "otp_setup_required"


class FieldError(ValueError):
    """Bad input, naming the field (and the row, for bulk input). Views and the API render it as such.

    `code` is stable (clients and tests match it, never the translated sentence): a member of `Code` above or of
    the raising app's `errors.Code` — required, so that no refusal goes out with a vague default
    (core/tests/test_architecture.py checks every raise)."""

    def __init__(self, field: str, message: str, row: int | None = None, *, code: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = str(message)
        self.row = row
        self.code = code

    def as_dict(self) -> dict:
        out: dict = {"field": self.field, "message": self.message, "code": self.code}
        if self.row is not None:
            out["row"] = self.row
        return out
