"""Containment: zones over places, confirmed cases, guarded manual status changes and their appeals, and the
personal status each of them feeds (derived, stored only as a cache that every change rewrites)."""

from __future__ import annotations

from .care import Escort, Inpatient, IsolationSite, Transfer, TransferLimits
from .cases import Appeal, Case, CloseContact, Cluster, PersonStatus, StatusChange
from .copresence import CopresenceReview
from .venues import SentinelAlert, SentinelReport, VenueCode, VenueScan, new_venue_code
from .zones import SEVERITY, Colour, Zone, ZoneLevel

__all__ = [
    "SEVERITY",
    "Appeal",
    "Case",
    "CloseContact",
    "Cluster",
    "Colour",
    "CopresenceReview",
    "Escort",
    "Inpatient",
    "IsolationSite",
    "PersonStatus",
    "SentinelAlert",
    "SentinelReport",
    "StatusChange",
    "Transfer",
    "TransferLimits",
    "VenueCode",
    "VenueScan",
    "Zone",
    "ZoneLevel",
    "new_venue_code",
]
