"""Containment pages: zones, a person's status, manual changes and appeals. Thin: services do the work."""

from __future__ import annotations

from .care import inpatients, transfer_list
from .people import appeal_decide, change_decide, change_list, people_list, person_status
from .sentinels import alert_list, sentinel_form
from .venues import status_list_page, tracing, venue_door, venue_doors, venue_poster
from .zones import zone_detail, zone_list

__all__ = [
    "alert_list",
    "appeal_decide",
    "change_decide",
    "change_list",
    "inpatients",
    "people_list",
    "person_status",
    "sentinel_form",
    "status_list_page",
    "tracing",
    "transfer_list",
    "venue_door",
    "venue_doors",
    "venue_poster",
    "zone_detail",
    "zone_list",
]
