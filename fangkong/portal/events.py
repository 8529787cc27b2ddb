"""What the portal announces: the command hall's alert it raises (core.alerts; the kind is registered in
apps.py)."""

from __future__ import annotations

INTEGRITY_ALERT = "portal.integrity"  # a published page's served text no longer matches its approved version
