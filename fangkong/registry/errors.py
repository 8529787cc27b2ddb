"""This app's error codes, beside core.errors.Code: stable, for clients and tests to match."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    INTERNAL = "internal"  # an import job stopped by an error of ours, not of its file
    NOT_STOPPED = "not_stopped"  # only an import that stopped can be restarted
    PENDING = "pending"  # a registration handed to the jurisdiction holding the number, for it to decide
    AMBIGUOUS = "ambiguous"  # a name that several communities share: give the code
    CYCLE = "cycle"  # a jurisdiction's parent chain that comes back to it
    LAST_ADMIN = "last_admin"  # the district's last administrator cannot be deactivated or lose the role
    CONFLICT = "conflict"  # two records to merge both hold what a person may hold once (a sample in one round …)
    MERGED = "merged"  # the record was merged into another: its pointer says which
