"""Built-in defaults are written when the database is migrated, never on a read (issue 15, point 8): a district
whose tables were emptied reads nothing new into them by browsing; `migrate` (or a flush) puts them back."""

from __future__ import annotations

import json

from django.core.management import call_command

from fangkong.containment.models import ZoneLevel
from fangkong.core import memo
from fangkong.incidents.models import IncidentLevel
from fangkong.safety.models import Checklist
from fangkong.screening.models import RiskProtocol, ScreeningSettings

TABLES = (ZoneLevel, IncidentLevel, RiskProtocol, ScreeningSettings, Checklist)


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in TABLES}


def test_reads_never_write_defaults_migrate_does(client, district, api_token):
    seeded = _counts()
    assert all(seeded.values()), seeded  # the data migrations and post_migrate wrote them
    for model in TABLES:
        model.objects.all().delete()
    memo.clear_all()
    hq = api_token(district.hq)
    for url in ("/api/v1/zones/levels", "/api/v1/incidents/levels", "/api/v1/safety/checklists"):
        r = client.get(url, **hq)
        assert r.status_code == 200 and json.loads(r.content) == [], url
    protocol = client.get("/api/v1/screening/protocol", **hq)
    assert protocol.status_code == 200  # the brief's defaults, read without being written
    assert RiskProtocol.current()["high"].days == 7 and ScreeningSettings.current().contact_limit_minutes == 120
    assert district.client(district.hq).get("/command/incidents/").status_code == 200
    assert _counts() == dict.fromkeys(_counts(), 0)
    call_command("migrate", verbosity=0)
    assert _counts() == seeded
