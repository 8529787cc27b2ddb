"""Confirmed cases (records: who, where found, classification, onset, outcome, source case) and their contacts
(contacts: managed by the district's protocol through a closed loop in their community). Reads in reading."""

from __future__ import annotations

from .contacts import (
    ContactAddInput,
    ContactHandOverInput,
    ContactProtocolInput,
    ContactReleaseInput,
    contact_add,
    contact_hand_over,
    contact_protocol_update,
    contact_protocols,
    contact_release,
    contacts_followup_released,
)
from .reading import case_contact, case_get, cases_visible, contact_get, isolated_at, places_of
from .records import (
    CaseRecordInput,
    CaseSourceInput,
    CaseUpdateInput,
    case_confirm,
    case_record,
    case_release,
    case_source_set,
    case_update,
)

__all__ = [
    "CaseRecordInput",
    "CaseSourceInput",
    "CaseUpdateInput",
    "ContactAddInput",
    "ContactHandOverInput",
    "ContactProtocolInput",
    "ContactReleaseInput",
    "case_confirm",
    "case_contact",
    "case_get",
    "case_record",
    "case_release",
    "case_source_set",
    "case_update",
    "cases_visible",
    "contact_add",
    "contact_get",
    "contact_hand_over",
    "contact_protocol_update",
    "contact_protocols",
    "contact_release",
    "contacts_followup_released",
    "isolated_at",
    "places_of",
]
