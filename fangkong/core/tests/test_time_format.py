"""Every time shown to a person is the district's local time, written one way: 2026-12-02 21:14 (a moment),
2026-12-02 (a day), 21:14 (a moment in a list of today's), seconds only in the audit trail."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import timezone

from fangkong.core import clock

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {"Y-m-d H:i", "Y-m-d", "H:i", "Y-m-d H:i:s"}
MACHINE = {"c", "Y-m-d\\TH:i"}  # a <time datetime> attribute and a datetime-local input's value: read by machines


def test_templates_write_dates_and_times_one_way():
    found: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.html"):
        for fmt in re.findall(r"""\|(?:date|time):["']([^"']+)["']""", path.read_text(encoding="utf-8")):
            found.setdefault(fmt, set()).add(str(path.relative_to(ROOT)))
    odd = {fmt: sorted(paths) for fmt, paths in found.items() if fmt not in ALLOWED | MACHINE}
    assert not odd, odd


def test_a_moment_is_shown_in_the_districts_time_zone():
    # The district's zone as configured (not set by the test): a UTC moment reads eight hours later.
    assert settings.TIME_ZONE == "Asia/Shanghai" and timezone.get_current_timezone_name() == "Asia/Shanghai"
    moment = datetime(2026, 12, 2, 13, 14, tzinfo=UTC)
    shown = Template('{{ t|date:"Y-m-d H:i" }}').render(Context({"t": moment}))
    assert shown == clock.localtime(moment) == "2026-12-02 21:14"
