"""What work safety announces: the command hall's alerts it raises (core.alerts; the kinds are registered in
apps.py). Subjects name the enterprise, never a person."""

from __future__ import annotations

MAJOR_HAZARD_ALERT = "safety.major_hazard"  # a major hazard found
ACCIDENT_ALERT = "safety.accident"  # an accident reported
