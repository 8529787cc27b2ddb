from __future__ import annotations

import pytest

from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import Forbidden
from fangkong.dataprotection.classes import CLASSES
from fangkong.dataprotection.models import RetentionPeriod
from fangkong.dataprotection.services import period_days, purge_run, retention_period_update
from fangkong.screening.models import ScreeningSettings


def test_every_class_is_seeded_by_the_migration(db):
    seeded = dict(RetentionPeriod.objects.values_list("data_class", "days"))
    assert seeded == {c.key: c.default_days for c in CLASSES}
    assert seeded["venue_scans"] == 28 and seeded["samples"] == 90 and seeded["reporter_identities"] == 365


def test_reading_never_creates_a_row(district):
    RetentionPeriod.objects.filter(data_class="venue_scans").delete()
    page = district.client(district.hq).get("/dataprotection/retention/")
    assert page.status_code == 200 and 'id="class-venue_scans"' in page.content.decode()
    assert not RetentionPeriod.objects.filter(data_class="venue_scans").exists()
    assert period_days(next(c for c in CLASSES if c.key == "venue_scans")) == 28  # the default applies


def test_hq_sets_a_period_within_its_bounds_and_it_is_audited(district):
    retention_period_update(actor=district.hq, data_class="venue_scans", days="14")
    assert RetentionPeriod.objects.get(data_class="venue_scans").days == 14
    event = AuditEvent.objects.get(action="retention.period_update")
    assert event.fields == {"days": {"from": 28, "to": 14}} and event.actor_id == district.hq.pk
    for days, code in (("3", "out_of_range"), ("100000", "out_of_range"), ("two weeks", "invalid")):
        with pytest.raises(FieldError) as exc:
            retention_period_update(actor=district.hq, data_class="venue_scans", days=days)
        assert (exc.value.field, exc.value.code) == ("days", code)
    with pytest.raises(FieldError) as exc:
        retention_period_update(actor=district.hq, data_class="nonsense", days=10)
    assert (exc.value.field, exc.value.code) == ("data_class", "not_found")
    with pytest.raises(FieldError) as exc:
        purge_run(only=["venue_scans", "nonsense"])
    assert (exc.value.field, exc.value.code) == ("only", "unknown_choice")


def test_only_district_hq_sets_periods(district):
    for user in (district.street1, district.worker_a, district.unit_staff):
        with pytest.raises(Forbidden):
            retention_period_update(actor=user, data_class="venue_scans", days=14)
    assert district.client(district.worker_a).get("/dataprotection/retention/").status_code == 404
    link = 'href="/dataprotection/retention/"'
    assert link in district.client(district.hq).get("/").content.decode()
    assert link not in district.client(district.worker_a).get("/").content.decode()
    assert district.client(district.street1).get("/dataprotection/retention/").status_code == 404


def test_passages_period_is_the_screening_setting(district):
    """One number, not two: the retention page and the screening settings show and change the same period."""
    retention_period_update(actor=district.hq, data_class="passages", days=45)
    assert ScreeningSettings.load().passage_retention_days == 45
    ScreeningSettings.objects.update(passage_retention_days=20)
    from fangkong.core import memo

    memo.clear_all()
    assert period_days(next(c for c in CLASSES if c.key == "passages")) == 20


def test_page_edits_a_period(district):
    c = district.client(district.hq)
    r = c.post("/dataprotection/retention/", {"data_class": "sentinel_reports", "days": "60"})
    assert r.status_code == 302
    assert RetentionPeriod.objects.get(data_class="sentinel_reports").days == 60
    r = c.post("/dataprotection/retention/", {"data_class": "sentinel_reports", "days": "0"})
    assert r.status_code == 400 and 'aria-invalid="true"' in r.content.decode()
    assert (r.context["error"].field, r.context["error"].code) == ("days", "out_of_range")
    # The form is read as the API reads its body: a value that is no number is refused before the service.
    r = c.post("/dataprotection/retention/", {"data_class": "sentinel_reports", "days": "two months"})
    assert r.status_code == 400 and 'aria-invalid="true"' in r.content.decode()
    assert (r.context["error"].field, r.context["error"].code) == ("days", "invalid")
    r = c.post("/dataprotection/retention/", {"data_class": "sentinel_reports"})
    assert (r.status_code, r.context["error"].field, r.context["error"].code) == (400, "days", "required")
    assert RetentionPeriod.objects.get(data_class="sentinel_reports").days == 60


def test_api_reads_and_updates_periods(district, client, api_token):
    hq = api_token(district.hq)
    r = client.get("/api/v1/dataprotection/retention", **hq)
    assert r.status_code == 200
    rows = {row["data_class"]: row for row in r.json()}
    assert rows["samples"]["days"] == 90 and rows["samples"]["last_run"] is None
    r = client.put("/api/v1/dataprotection/retention/samples", {"days": 120}, content_type="application/json", **hq)
    assert r.status_code == 200 and {x["data_class"]: x["days"] for x in r.json()}["samples"] == 120
    r = client.put("/api/v1/dataprotection/retention/samples", {"days": 1}, content_type="application/json", **hq)
    assert r.status_code == 400 and r.json()["code"] == "out_of_range"
    worker = api_token(district.worker_a)
    assert client.get("/api/v1/dataprotection/retention", **worker).status_code == 404
    r = client.put("/api/v1/dataprotection/retention/samples", {"days": 100}, content_type="application/json", **worker)
    assert r.status_code == 403
