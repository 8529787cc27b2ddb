"""Volunteers at work (issue 20, point 5): beyond the sign-up — shifts the community assigns (sampling support,
deliveries, checkpoint duty, patrols) with no double booking, check-in and out on the volunteer's phone, the hours
ledger and a printable certificate; the volunteer sees their own shifts at /me/."""

from __future__ import annotations

from .certificate import certificate_pdf
from .reading import (
    Ledger,
    ledger_of,
    may_check_in,
    may_check_out,
    my_shifts,
    my_volunteer,
    shift_get,
    shifts_of,
    volunteer_get,
)
from .writing import (
    ShiftAssignInput,
    ShiftCancelInput,
    ShiftCheckOutInput,
    shift_assign,
    shift_cancel,
    shift_check_in,
    shift_check_out,
)

__all__ = [
    "Ledger",
    "ShiftAssignInput",
    "ShiftCancelInput",
    "ShiftCheckOutInput",
    "certificate_pdf",
    "ledger_of",
    "may_check_in",
    "may_check_out",
    "my_shifts",
    "my_volunteer",
    "shift_assign",
    "shift_cancel",
    "shift_check_in",
    "shift_check_out",
    "shift_get",
    "shifts_of",
    "volunteer_get",
]
