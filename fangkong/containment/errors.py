"""This app's error codes, beside core.errors.Code: stable, for clients and tests to match."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    NOT_APPLIED = "not_applied"
    UNMET = "unmet"  # a zone's lifting criteria
    FULL = "full"  # an isolation site without a free bed
    UNDER_WAY = "under_way"  # a transfer for this person is already under way
    OUT_OF_ORDER = "out_of_order"  # a transfer's step before the one it follows
    NOT_CONCERNED = "not_concerned"  # a record cited for a status change that is not about this person
    NOT_ELIGIBLE = "not_eligible"  # a transfer for someone who is neither a case nor a close contact
    OWN_CASE = "own_case"  # a case recorded as their own close contact
    CYCLE = "cycle"  # a source case that would make a case its own ancestor
    AFTER_ISOLATION = "after_isolation"  # a contact's exposure after the case was isolated
    HAND_OVER = "hand_over"  # a contact living outside the district is handed over (say to whom)
    IN_DISTRICT = "in_district"  # a hand-over asked for a contact whose community is in the district
    NESTED = "nested"  # a zone lists a place together with a place or jurisdiction holding it
    IN_CLUSTER = "in_cluster"  # a case grouped into a cluster while it is in another
    NOT_TOGETHER = "not_together"  # a co-presence review of someone who was not at the case's place and time
